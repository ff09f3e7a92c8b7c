import { setTimeout as sleep } from "node:timers/promises";
import { isPremiumpayError } from "./errors.js";

export interface RetryOptions {
  /** Extra attempts after the first. Default 3. */
  retries?: number;
  /** Backoff ceiling of the first retry; doubles each time. Default 250 ms. */
  baseDelayMs?: number;
  /** Backoff never waits longer than this. Default 5000 ms. */
  maxDelayMs?: number;
}

/** A Retry-After longer than this means premiumpay wants us gone for a while: give up and report it. */
export const MAX_RETRY_AFTER_SECONDS = 30;

export function retrySettings(options: RetryOptions = {}): Required<RetryOptions> {
  const clamp = (value: number | undefined, fallback: number) =>
    value === undefined || !Number.isFinite(value) ? fallback : Math.max(0, value);
  return {
    retries: Math.floor(clamp(options.retries, 3)),
    baseDelayMs: clamp(options.baseDelayMs, 250),
    maxDelayMs: clamp(options.maxDelayMs, 5000),
  };
}

/** The wait before retry number `attempt + 1`, or null when the error must surface now. */
function retryDelayMs(error: unknown, attempt: number, settings: Required<RetryOptions>): number | null {
  if (attempt >= settings.retries || !isPremiumpayError(error)) return null;
  if (error.kind === "rate_limited" && error.retryAfterSeconds !== null) {
    return error.retryAfterSeconds > MAX_RETRY_AFTER_SECONDS ? null : error.retryAfterSeconds * 1000;
  }
  if (error.kind !== "unavailable" && error.kind !== "rate_limited") return null;
  // Full jitter: spreads the retries of many operators hitting the same outage.
  return Math.random() * Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** attempt);
}

/** Runs a read (told its attempt number, from 1), retrying unavailable and rate-limited failures. Never use it for creating calls. */
export async function withRetries<T>(
  run: (attempt: number) => Promise<T>,
  settings: Required<RetryOptions>,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await run(attempt + 1);
    } catch (error) {
      const delay = retryDelayMs(error, attempt, settings);
      if (delay === null) throw error;
      await sleep(delay);
    }
  }
}
