import type { DailyTotals } from "../charts/index.js";
import type { Locale } from "../config.js";
import type { Limiter } from "../delivery/limit.js";
import type { Deps } from "../deps.js";
import type { TranslationVariables } from "../format/html.js";
import { translate } from "../i18n/index.js";
import { CredentialsDamagedError } from "../store/index.js";
import { composeDigest } from "./compose.js";
import { fetchDigestData } from "./fetch.js";

/** What the digest needs of the bot's dependencies (the CLI builds the same without a bot). */
export type DigestDeps = Pick<Deps, "config" | "store" | "premiumpay" | "now" | "logger" | "i18n">;

/** JSON-safe, so the settings conversation can build a preview inside `conversation.external`. */
export type BuiltDigest =
  | { kind: "digest"; messages: string[]; chart: DigestChart }
  /** premiumpay refused the credentials: one message asking to log in again replaces the digest. */
  | { kind: "login-again"; messages: string[] }
  /** premiumpay did not give the channel list (down, rate limited): try again later. */
  | { kind: "unavailable" }
  /** Logged out since: nothing to send. */
  | { kind: "no-credentials" };

/** What the opt-in "last 7 days" chart under a digest is drawn from. */
export interface DigestChart {
  week: DailyTotals;
  locale: Locale;
  zone: string;
}

/** Fetches and composes the digest of local `date` for one operator, in their language and time zone. */
export async function buildDigest(
  deps: DigestDeps,
  userId: number,
  date: string,
  limit: Limiter,
): Promise<BuiltDigest> {
  const operator = await deps.store.getOperator(userId);
  if (!operator) return { kind: "no-credentials" };
  const locale = operator.locale ?? deps.config.defaultLocale;
  const t = (key: string, variables?: TranslationVariables) => translate(deps.i18n, locale, key, variables);
  const credentials = await deps.store.getCredentials(userId).catch((error: unknown) => {
    if (error instanceof CredentialsDamagedError) return "damaged" as const;
    throw error;
  });
  // Only the owner can log in again for a team's account: a teammate is told so.
  const loginAgain = async (): Promise<BuiltDigest> => ({
    kind: "login-again",
    messages: [t((await deps.store.getMember(userId)) ? "digest-owner-login-again" : "digest-login-again")],
  });
  if (credentials === "damaged") return loginAgain();
  if (!credentials) return { kind: "no-credentials" };
  const zone = operator.timezone ?? deps.config.defaultTimezone;
  const fetched = await fetchDigestData(
    deps.premiumpay(credentials),
    { date, zone, channelIds: operator.digest.channelIds },
    limit,
  );
  if (fetched.ok) {
    const chart = { week: fetched.data.week, locale, zone };
    return { kind: "digest", messages: composeDigest(fetched.data, locale, t), chart };
  }
  if (fetched.kind === "auth") return loginAgain();
  return { kind: "unavailable" };
}
