import { setTimeout as sleep } from "node:timers/promises";
import { type Bot, type Context, GrammyError } from "grammy";
import { type Logger, scrubSecrets } from "../logger.js";

/** Telegram refused BOT_TOKEN: nothing a retry can fix, so the entry point prints one line and exits 1. */
export class BotTokenRefusedError extends Error {
  override name = "BotTokenRefusedError";
}

export interface ConnectOptions {
  /** One getMe attempt gives up after this long (grammY's own timeout is 500 s: silence for minutes). */
  attemptTimeoutMs?: number;
  /** First wait before a retry; doubles up to `maxDelayMs`. */
  firstDelayMs?: number;
  maxDelayMs?: number;
  /** Ends the retries (a shutdown while Telegram is still unreachable). */
  signal?: AbortSignal;
}

/**
 * Logs in to Telegram (getMe) before anything else talks to it: a refused token ends the start with
 * BotTokenRefusedError; an unreachable Telegram is reported within seconds and retried with backoff, saying so.
 */
export async function connectToTelegram<C extends Context>(
  bot: Bot<C>,
  apiRoot: string,
  logger: Logger,
  options: ConnectOptions = {},
): Promise<void> {
  const attemptTimeoutMs = options.attemptTimeoutMs ?? 5000;
  const maxDelayMs = options.maxDelayMs ?? 60_000;
  let delayMs = options.firstDelayMs ?? 1000;
  logger.info({ apiRoot }, `connecting to Telegram at ${apiRoot}`);
  for (let attempt = 1; ; attempt++) {
    let timer: NodeJS.Timeout | undefined;
    let timedOut = false;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        timedOut = true;
        reject(new Error(`no answer within ${attemptTimeoutMs / 1000} s`));
      }, attemptTimeoutMs);
    });
    try {
      // A race, not an abort signal: grammY's bundled fetch does not honour Node's native AbortSignal. The
      // abandoned request ends with grammY's own timeout.
      bot.botInfo = await Promise.race([bot.api.getMe(), late]);
      clearTimeout(timer);
      logger.info({ username: bot.botInfo.username }, `logged in to Telegram as @${bot.botInfo.username}`);
      return;
    } catch (error) {
      clearTimeout(timer);
      if (options.signal?.aborted) throw error;
      if (error instanceof GrammyError && (error.error_code === 401 || error.error_code === 404)) {
        throw new BotTokenRefusedError(
          `BOT_TOKEN was refused by Telegram (${error.error_code} ${error.description}): check the token @BotFather gave you`,
        );
      }
      const reason = timedOut
        ? `no answer within ${attemptTimeoutMs / 1000} s`
        : error instanceof Error
          ? scrubSecrets(error.message)
          : String(error);
      logger.warn(
        { apiRoot, attempt, retryInMs: delayMs, reason },
        `Telegram is unreachable at ${apiRoot} (${reason}); retrying in ${Math.round(delayMs / 1000)} s`,
      );
      await sleep(delayMs, undefined, options.signal ? { signal: options.signal } : {});
      delayMs = Math.min(delayMs * 2, maxDelayMs);
    }
  }
}
