import type { EndpointName } from "./endpoints.js";

export type PremiumpayErrorKind =
  | "auth"
  | "rate_limited"
  | "unavailable"
  | "rejected"
  | "bad_response"
  | "invalid_request";

/**
 * Only these plain fields ever travel as `cause`: an AxiosError holds the request config, headers
 * included, so attaching it would leak the JWT into logs and serialised errors.
 */
export interface SafeCause {
  code?: string;
  message: string;
}

interface ErrorInit {
  status?: number;
  cause?: SafeCause;
}

export class PremiumpayError extends Error {
  override readonly name: string = "PremiumpayError";
  readonly kind: PremiumpayErrorKind;
  readonly endpoint: EndpointName;
  readonly status?: number;

  constructor(kind: PremiumpayErrorKind, endpoint: EndpointName, message: string, init: ErrorInit = {}) {
    super(message, init.cause ? { cause: init.cause } : undefined);
    this.kind = kind;
    this.endpoint = endpoint;
    if (init.status !== undefined) this.status = init.status;
  }
}

export class PremiumpayRateLimitedError extends PremiumpayError {
  declare readonly kind: "rate_limited";
  override readonly name = "PremiumpayRateLimitedError";
  readonly retryAfterSeconds: number | null;

  constructor(endpoint: EndpointName, retryAfterSeconds: number | null, status = 429) {
    const wait = retryAfterSeconds === null ? "" : ` (retry after ${retryAfterSeconds}s)`;
    super("rate_limited", endpoint, `premiumpay rate limit reached on ${endpoint}${wait}`, { status });
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export class PremiumpayRejectedError extends PremiumpayError {
  declare readonly kind: "rejected";
  override readonly name = "PremiumpayRejectedError";
  /** premiumpay's own words (`error` or `message` of the body); empty when it gave none. */
  readonly premiumpayMessage: string;

  constructor(endpoint: EndpointName, premiumpayMessage: string, status?: number) {
    const detail = premiumpayMessage || (status === undefined ? "no message" : `HTTP ${status}`);
    super(
      "rejected",
      endpoint,
      `premiumpay rejected ${endpoint}: ${detail}`,
      status === undefined ? {} : { status },
    );
    this.premiumpayMessage = premiumpayMessage;
  }
}

export type PremiumpayErrorOf<K extends PremiumpayErrorKind> = K extends "rate_limited"
  ? PremiumpayRateLimitedError
  : K extends "rejected"
    ? PremiumpayRejectedError
    : PremiumpayError & { readonly kind: K };

/** Any premiumpay error as a union discriminated by `kind`, so `e.kind === "rate_limited"` narrows. */
export type AnyPremiumpayError = PremiumpayErrorOf<PremiumpayErrorKind>;

/** Narrows to a premiumpay error, optionally of one kind: `isPremiumpayError(e, "auth")`. */
export function isPremiumpayError<K extends PremiumpayErrorKind = PremiumpayErrorKind>(
  value: unknown,
  kind?: K,
): value is PremiumpayErrorOf<K> {
  return value instanceof PremiumpayError && (kind === undefined || value.kind === kind);
}
