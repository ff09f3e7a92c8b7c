import { z } from "zod";
import type { Locale } from "../config.js";
import type { Scalar } from "../premiumpay/types.js";
import { formatCount } from "./numbers.js";

/** A translation key and its variables, for `ctx.html(...)` or `translate(i18n, locale, ...)`. */
export interface Message {
  key: string;
  variables: Record<string, string>;
}

const count = z.coerce.number().int().nonnegative();
/** The sandbox's shape (`limit`, `remaining`, `reset` in seconds); the API page documents none. */
const rateLimitSchema = z.object({
  limit: count,
  remaining: count,
  reset: z.coerce.number().nonnegative().optional(),
});

/** A reset this large is a Unix time (seconds), not a number of seconds from now. */
const UNIX_TIME_FLOOR = 1_000_000_000;

/**
 * The `/account` line for premiumpay's rate limit: "109 of 120 requests left; the count resets in 18 s". Any
 * other shape reads "not reported": an API field name never reaches the operator.
 */
export function rateLimitMessage(
  rateLimit: Record<string, Scalar> | null,
  locale: Locale,
  nowMs: number = Date.now(),
): Message {
  const parsed = rateLimitSchema.safeParse(rateLimit ?? undefined);
  if (!parsed.success || parsed.data.remaining > parsed.data.limit) {
    return { key: "account-rate-limit-unknown", variables: {} };
  }
  const { limit, remaining, reset } = parsed.data;
  const variables = { remaining: formatCount(remaining, locale), limit: formatCount(limit, locale) };
  if (reset === undefined) return { key: "account-rate-limit-left", variables };
  const seconds = reset >= UNIX_TIME_FLOOR ? Math.max(0, reset - Math.floor(nowMs / 1000)) : reset;
  return {
    key: "account-rate-limit-resets",
    variables: { ...variables, seconds: formatCount(Math.ceil(seconds), locale) },
  };
}
