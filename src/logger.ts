import { type DestinationStream, type Logger, pino } from "pino";

export type { Logger };

/**
 * Paths that may carry a secret anywhere we log objects. pino's redaction runs before serialisation,
 * so a token never reaches the output even at trace level.
 */
export const REDACTED_PATHS = [
  "token",
  "*.token",
  "jwt",
  "*.jwt",
  "botToken",
  "*.botToken",
  "credentialsKey",
  "*.credentialsKey",
  "authorization",
  "*.authorization",
  "headers.authorization",
  "headers.Authorization",
  "*.headers.authorization",
  "*.headers.Authorization",
  "config.headers.Authorization",
  "err.config.headers.Authorization",
];

const TOKEN_IN_URL = /\/bot\d+:[A-Za-z0-9_-]+/g;
const JWT_LIKE = /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;

/** Scrubs bot tokens embedded in Bot API URLs and JWT-shaped strings from free text (error messages, stacks). */
export function scrubSecrets(text: string): string {
  return text.replace(TOKEN_IN_URL, "/bot<redacted>").replace(JWT_LIKE, "<redacted-jwt>");
}

/** Fields of an error that help a person act and carry no secret (an HttpError's own `error` holds the URL). */
const SAFE_ERROR_FIELDS = ["kind", "endpoint", "status", "code", "method", "error_code", "description"];

/**
 * An error as a person needs it: its class, message and stack (secrets scrubbed), and the fields that say what
 * failed (premiumpay's kind, endpoint and status; the Bot API method and code), nothing else.
 */
function describeError(err: object): Record<string, unknown> {
  const source = err as Record<string, unknown>;
  const stack = typeof source.stack === "string" ? scrubSecrets(source.stack) : undefined;
  const named = typeof source.name === "string" ? source.name : undefined;
  const constructorName = err.constructor?.name !== "Object" ? err.constructor?.name : undefined;
  const described: Record<string, unknown> = {
    type: named ?? constructorName ?? "Object",
    message: typeof source.message === "string" ? scrubSecrets(source.message) : source.message,
  };
  for (const field of SAFE_ERROR_FIELDS) {
    const value = source[field];
    if (typeof value === "string" || typeof value === "number") {
      described[field] = typeof value === "string" ? scrubSecrets(value) : value;
    }
  }
  const cause = source.cause as { message?: unknown; code?: unknown } | undefined;
  if (cause && typeof cause === "object" && typeof cause.message === "string") {
    described.cause = {
      message: scrubSecrets(cause.message),
      ...(typeof cause.code === "string" && { code: cause.code }),
    };
  }
  if (stack !== undefined) described.stack = stack;
  return described;
}

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACTED_PATHS, censor: "<redacted>" },
      // Replaces pino's error serializer: that one names the class of anything error-like "Object" once another
      // step has copied it, and copies every field, an HttpError's request URL (with the token) included.
      serializers: { err: (err: unknown) => (err && typeof err === "object" ? describeError(err) : err) },
    },
    destination,
  );
}
