import type { MiddlewareFn } from "grammy";
import type { BotContext } from "../context.js";

/**
 * The bot works in private chats only. In a group it says hello when added (how the owner connects it) and is
 * silent otherwise: the group is read-only, and /connect and the connected group's events are handled before this
 * (features/team-group.ts).
 */
export function privateChatsOnly(): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    if (ctx.chat?.type === "private") return next();
    const change = ctx.myChatMember;
    // Added: a member now, not before (a bot made administrator, then member again, says nothing).
    const added =
      change?.new_chat_member.status === "member" &&
      (change.old_chat_member.status === "left" || change.old_chat_member.status === "kicked");
    if (!added) return;
    await ctx.reply(ctx.html("groups-added")).catch(() => undefined);
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
