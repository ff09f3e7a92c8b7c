import type { MiddlewareFn } from "grammy";
import type { BotContext } from "../context.js";

/**
 * The bot works in private chats only. In a group it explains once (when added, or on the first command it
 * sees there) and otherwise stays quiet.
 */
export function privateChatsOnly(): MiddlewareFn<BotContext> {
  const toldGroups = new Set<number>();
  return async (ctx, next) => {
    if (ctx.chat?.type === "private") return next();
    if (!ctx.chat || ctx.chat.type === "channel") return;
    if (toldGroups.has(ctx.chat.id)) return;
    const added = ctx.myChatMember?.new_chat_member.status === "member";
    const command = ctx.message?.text?.startsWith("/") ?? false;
    if (!added && !command) return;
    toldGroups.add(ctx.chat.id);
    await ctx.reply(ctx.html(added ? "groups-added" : "groups-private-only")).catch(() => undefined);
  };
}

/** With ALLOWED_USER_IDS set, anyone else gets one polite refusal per process and is then ignored. */
export function allowList(allowed: ReadonlySet<number> | undefined): MiddlewareFn<BotContext> {
  const refused = new Set<number>();
  return async (ctx, next) => {
    const userId = ctx.from?.id;
    if (!allowed || (userId !== undefined && allowed.has(userId))) return next();
    if (userId === undefined || refused.has(userId)) return;
    refused.add(userId);
    if (ctx.callbackQuery) await ctx.answerCallbackQuery().catch(() => undefined);
    await ctx.reply(ctx.html("not-allowed", { id: String(userId) })).catch(() => undefined);
  };
}
