import type { MiddlewareFn } from "grammy";
import type { Logger } from "../../logger.js";
import type { BotContext } from "../context.js";

/**
 * One debug line when an update arrives and one when it is done, with ids only: what users type (a premiumpay
 * token during login) never reaches the log.
 */
export function traceUpdates(logger: Logger): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    if (!logger.isLevelEnabled("debug")) return next();
    const fields = {
      updateId: ctx.update.update_id,
      type: Object.keys(ctx.update).find((key) => key !== "update_id"),
      chatId: ctx.chat?.id,
      userId: ctx.from?.id,
    };
    logger.debug(fields, "update received");
    const startedAt = performance.now();
    try {
      await next();
    } finally {
      logger.debug(
        { updateId: fields.updateId, durationMs: Math.round(performance.now() - startedAt) },
        "update done",
      );
    }
  };
}
