import { isPremiumpayError, type PremiumpayError } from "../premiumpay/index.js";
import type { Denial } from "../team/acting.js";

export type PremiumpayFailureKind = PremiumpayError["kind"];

/** A JSON-safe outcome for premiumpay calls inside conversations (replays must not depend on thrown errors). */
export type Outcome<T> =
  | { ok: true; value: T }
  | {
      ok: false;
      kind: PremiumpayFailureKind;
      retryAfterSeconds?: number | null;
      message?: string;
      /** Refused by the team's role policy before premiumpay was asked (reads as `auth`: retrying cannot help). */
      denied?: Denial;
    };

export async function outcomeOf<T>(call: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await call() };
  } catch (error) {
    if (!isPremiumpayError(error)) throw error;
    if (error.kind === "rate_limited")
      return { ok: false, kind: error.kind, retryAfterSeconds: error.retryAfterSeconds };
    if (error.kind === "rejected") return { ok: false, kind: error.kind, message: error.premiumpayMessage };
    return { ok: false, kind: error.kind };
  }
}

/** The locale key that explains a premiumpay failure to the operator. */
export function failureMessageKey(kind: PremiumpayFailureKind): string {
  switch (kind) {
    case "auth":
      return "error-premiumpay-auth";
    case "rate_limited":
      return "error-premiumpay-rate-limited";
    case "unavailable":
      return "error-premiumpay-unavailable";
    case "rejected":
      return "error-premiumpay-rejected";
    case "bad_response":
      return "error-premiumpay-bad-response";
    case "invalid_request":
      return "error-premiumpay-invalid-request";
  }
}
