import type { StatusInfo } from "../premiumpay/index.js";

/** premiumpay's rate limit as GET /status reports it. */
export interface RateLimit {
  limit: number;
  remaining: number;
  /** Seconds until the limit's window resets. */
  resetSeconds: number;
}

const WINDOW_MS = 60_000;
/** Until GET /status has answered, assume a small limit rather than none. */
const ASSUMED_LIMIT = 60;

/** Reads `limit`, `remaining` and `reset` from a status answer; null when premiumpay gave no usable figures. */
export function rateLimitOf(status: StatusInfo): RateLimit | null {
  const figures = status.rateLimit;
  const number = (name: string) => {
    const value = Number(figures?.[name]);
    return Number.isFinite(value) && value >= 0 ? value : null;
  };
  const limit = number("limit");
  if (limit === null || limit === 0) return null;
  return { limit, remaining: number("remaining") ?? limit, resetSeconds: number("reset") ?? 60 };
}

/**
 * One account's share of its premiumpay rate limit, counted over a sliding minute of the poller's own requests
 * (the operator's flows use the rest). A 429 or a status showing the account's whole limit spent makes it wait
 * for the reset; every 429 also doubles the poll interval, which halves back on each quiet poll.
 */
export class RateBudget {
  private limit = ASSUMED_LIMIT;
  private readonly sent: number[] = [];
  private blockedUntil = 0;
  /** 1, 2, 4 or 8: how much longer than the base interval this account is polled, after 429s. */
  slowdown = 1;
  statusAt = -Infinity;

  constructor(private readonly share: number) {}

  /** Requests a minute the poller may make for this account. */
  get perMinute(): number {
    return Math.max(1, Math.floor(this.limit * this.share));
  }

  update(rate: RateLimit, now: number): void {
    this.limit = rate.limit;
    this.statusAt = now;
    // The operator's own flows spent the account's limit: leave what is left to them until it resets.
    if (rate.remaining < 1) this.blockedUntil = Math.max(this.blockedUntil, now + rate.resetSeconds * 1000);
  }

  /** The earliest time `cost` requests fit in the budget (now when they fit). */
  availableAt(cost: number, now: number): number {
    this.forget(now);
    let at = Math.max(now, this.blockedUntil);
    const excess = this.sent.length + cost - this.perMinute;
    // A poll costing more than a whole minute's share still runs, alone in its minute.
    if (excess > 0 && this.sent.length > 0)
      at = Math.max(at, this.sent[Math.min(excess, this.sent.length) - 1]! + WINDOW_MS);
    return at;
  }

  spend(now: number): void {
    this.sent.push(now);
  }

  rateLimited(retryAfterSeconds: number | null, now: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, now + (retryAfterSeconds ?? 60) * 1000);
    this.slowdown = Math.min(8, this.slowdown * 2);
  }

  pollSucceeded(): void {
    this.slowdown = Math.max(1, this.slowdown / 2);
  }

  /** The interval that keeps `costPerPoll` requests a poll within the share, and never shorter than `baseMs`. */
  intervalMs(baseMs: number, costPerPoll: number): number {
    const fitting = Math.ceil((costPerPoll * WINDOW_MS) / this.perMinute);
    return Math.max(baseMs, fitting) * this.slowdown;
  }

  private forget(now: number): void {
    let drop = 0;
    while (drop < this.sent.length && this.sent[drop]! <= now - WINDOW_MS) drop++;
    if (drop > 0) this.sent.splice(0, drop);
  }
}
