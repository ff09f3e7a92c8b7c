import { type RunnerHandle, run } from "@grammyjs/runner";
import { type Bot, type Context, GrammyError } from "grammy";
import type { Update } from "grammy/types";
import { type Logger, scrubSecrets } from "../logger.js";

/** Polling stopped for good while the bot was meant to run: the process must end so a supervisor notices. */
export class PollingStoppedError extends Error {
  override name = "PollingStoppedError";
}

export interface Polling {
  runner: RunnerHandle;
  /** Rejects with PollingStoppedError when polling stops without `stop()` having been asked for. */
  stopped: Promise<never>;
  /** Stops fetching (updates already fetched may still be running: see `runner.size()`). */
  stop(): Promise<void>;
}

/** What a person reads when polling cannot go on. */
export function explainPollingFailure(error: unknown): string {
  if (error instanceof GrammyError && error.error_code === 409) {
    return "another process is receiving this bot's updates (Telegram answered 409 Conflict): only one bot may run per BOT_TOKEN; stopping";
  }
  if (error instanceof GrammyError && error.error_code === 401) {
    return "Telegram no longer accepts BOT_TOKEN (401 Unauthorized); stopping";
  }
  const reason = error instanceof Error ? scrubSecrets(error.message) : String(error);
  return `polling for updates stopped for good (${reason}); stopping`;
}

/**
 * Long polling with the runner. The runner itself retries network failures with backoff but gives up on 401, 409
 * and after its retry time: that rejection becomes `stopped`. Its own console output is silenced; failed polls are
 * logged here, as one line each.
 */
export function startPolling<C extends Context>(
  bot: Bot<C>,
  logger: Logger,
  allowedUpdates: ReadonlyArray<Exclude<keyof Update, "update_id">>,
): Polling {
  bot.api.config.use(async (prev, method, payload, signal) => {
    if (method !== "getUpdates") return prev(method, payload, signal);
    try {
      return await prev(method, payload, signal);
    } catch (error) {
      const fatal = error instanceof GrammyError && (error.error_code === 401 || error.error_code === 409);
      if (!fatal && !signal?.aborted) {
        logger.warn({ err: error }, "could not fetch updates from Telegram; the runner retries with backoff");
      }
      throw error;
    }
  });
  let stopping = false;
  const runner = run(bot, {
    runner: { silent: true, fetch: { allowed_updates: allowedUpdates } },
  });
  const stopped = new Promise<never>((_, reject) => {
    const task = runner.task();
    if (!task) return;
    task.then(
      () => {
        if (stopping) return;
        reject(new PollingStoppedError("polling ended although nobody stopped it"));
      },
      (error: unknown) => {
        if (stopping) return;
        reject(new PollingStoppedError(explainPollingFailure(error), { cause: error }));
      },
    );
  });
  // A rejection nobody awaits yet must not count as unhandled: the app decides what to do with it.
  stopped.catch(() => undefined);
  const stop = async () => {
    stopping = true;
    if (runner.isRunning()) await runner.stop();
  };
  return { runner, stopped, stop };
}
