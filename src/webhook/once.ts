import { type Bot, BotError, Context } from "grammy";
import type { Update } from "grammy/types";
import type { Logger } from "../logger.js";
import type { Store } from "../store/index.js";

/**
 * Runs each webhook update through the bot at most once, even when Telegram redelivers it (a late answer, a
 * restart in between): the store's `runOnce` keeps the update id on disk, longer than Telegram retries. Errors go
 * to the bot's error handler, the same boundary as polling, and the update still counts as handled.
 */
export function handleEachUpdateOnce<C extends Context>(
  bot: Bot<C>,
  store: Store,
  logger: Logger,
): (update: Update) => Promise<void> {
  const throughErrorBoundary = async (update: Update) => {
    try {
      await bot.handleUpdate(update);
    } catch (error) {
      if (error instanceof BotError) await bot.errorHandler(error as BotError<C>);
      else throw error;
    }
  };
  return async (update) => {
    const userId = new Context(update, bot.api, bot.botInfo).from?.id;
    try {
      if (userId === undefined) {
        // Only updates this bot does not ask for lack a user; the store keys its records by user.
        await throughErrorBoundary(update);
        return;
      }
      const outcome = await store.runOnce(`update:${update.update_id}`, userId, () =>
        throughErrorBoundary(update),
      );
      if (outcome.replayed) {
        logger.info(
          { updateId: update.update_id, state: outcome.state },
          outcome.state === "done"
            ? "ignored an update Telegram delivered again: it was already handled"
            : "ignored an update Telegram delivered again: it was being handled when the bot stopped",
        );
      }
    } catch (error) {
      logger.error({ err: error, updateId: update.update_id }, "could not handle an update");
    }
  };
}
