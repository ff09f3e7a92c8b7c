import { limit } from "@grammyjs/ratelimiter";
import { Composer, type MiddlewareFn } from "grammy";
import { negotiateLocale, translate } from "../../i18n/index.js";
import type { BotContext, BotDeps } from "../context.js";

export interface FloodLimits {
  /** Updates one user may send per window; the rest of the window's updates are dropped. */
  perUser: { updates: number; windowMs: number };
  /**
   * Updates of one chat waiting or being handled at once. Per-chat ordering makes them wait for each other, and
   * each one waiting holds one of the runner's concurrency slots, so an unbounded backlog lets one chat starve all.
   */
  backlogPerChat: number;
  /** At most one "slow down" notice per chat in this long. */
  noticeEveryMs: number;
}

/** One "slow down" notice a minute at most: more would be a flood of its own. */
export const FLOOD_NOTICE_EVERY_MS = 60_000;

/**
 * Drops the updates of a flooding user or chat before they take a concurrency slot, and tells the chat to slow
 * down at most once per `noticeEveryMs`. Registered before `sequentialize`, so a dropped update never waits.
 */
export function floodControl(deps: BotDeps, limits: FloodLimits): Composer<BotContext> {
  const noticeSentAt = new Map<number, number>();
  const backlog = new Map<number, number>();

  const notice = (ctx: BotContext) => {
    const chat = ctx.chat;
    if (chat?.type !== "private") return;
    const now = deps.now().getTime();
    const last = noticeSentAt.get(chat.id);
    if (last !== undefined && now - last < limits.noticeEveryMs) return;
    if (noticeSentAt.size > 10_000) {
      for (const [id, at] of noticeSentAt) if (now - at >= limits.noticeEveryMs) noticeSentAt.delete(id);
    }
    noticeSentAt.set(chat.id, now);
    deps.logger.warn(
      { chatId: chat.id },
      "a chat is sending faster than the bot serves; dropping its excess updates",
    );
    // Not awaited: the notice must not hold the slot the dropped update is giving back.
    void negotiateLocale(deps.store, deps.config.defaultLocale, ctx.from?.id, ctx.from?.language_code)
      .then((locale) => ctx.api.sendMessage(chat.id, translate(deps.i18n, locale, "flood-slow-down")))
      .catch((error: unknown) =>
        deps.logger.warn({ err: error, chatId: chat.id }, "could not send the slow-down notice"),
      );
  };

  const boundedBacklog: MiddlewareFn<BotContext> = async (ctx, next) => {
    const chatId = ctx.chat?.id;
    if (chatId === undefined) return next();
    const waiting = backlog.get(chatId) ?? 0;
    if (waiting >= limits.backlogPerChat) return notice(ctx);
    backlog.set(chatId, waiting + 1);
    try {
      await next();
    } finally {
      const left = (backlog.get(chatId) ?? 1) - 1;
      if (left > 0) backlog.set(chatId, left);
      else backlog.delete(chatId);
    }
  };

  return new Composer<BotContext>(
    limit<BotContext, never>({
      limit: limits.perUser.updates,
      timeFrame: limits.perUser.windowMs,
      onLimitExceeded: notice,
    }),
    boundedBacklog,
  );
}
