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

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACTED_PATHS, censor: "<redacted>" },
      formatters: {
        log(object) {
          // grammY's HttpError message includes the request URL, which contains the bot token.
          const err = object.err as { message?: unknown; stack?: unknown } | undefined;
          if (err && typeof err === "object") {
            return {
              ...object,
              err: {
                type: (err as Error).name,
                message: typeof err.message === "string" ? scrubSecrets(err.message) : err.message,
                stack: typeof err.stack === "string" ? scrubSecrets(err.stack) : undefined,
              },
            };
          }
          return object;
        },
      },
    },
    destination,
  );
}
