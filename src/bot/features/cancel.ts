import { Composer } from "grammy";
import { cancelCallback, menuCallback } from "../callback-data/index.js";
import type { BotContext } from "../context.js";
import { mainMenuKeyboard } from "../keyboards/index.js";

/**
 * Installed after the conversations plugin and before the conversations themselves, so it sees updates first
 * whatever step a flow is at.
 */
export const cancelFeature = new Composer<BotContext>();

async function hasActiveFlow(ctx: BotContext): Promise<boolean> {
  return Object.keys(await ctx.conversation.active()).length > 0;
}

cancelFeature.command("cancel", async (ctx) => {
  const active = await hasActiveFlow(ctx);
  await ctx.conversation.exitAll();
  await ctx.reply(ctx.html(active ? "cancelled" : "nothing-to-cancel"), {
    reply_markup: mainMenuKeyboard(ctx),
  });
});

cancelFeature.callbackQuery(cancelCallback.pattern, async (ctx) => {
  const active = await hasActiveFlow(ctx);
  await ctx.conversation.exitAll();
  // The flow's message may already be gone or unchanged; what follows is what matters.
  await ctx.editMessageReplyMarkup({ reply_markup: undefined }).catch(() => undefined);
  if (!active) {
    // A Cancel button left on an old step: say so briefly instead of claiming to cancel something.
    await ctx.answerCallbackQuery({ text: ctx.t("nothing-to-cancel") });
    return;
  }
  await ctx.answerCallbackQuery();
  await ctx.reply(ctx.html("cancelled"), { reply_markup: mainMenuKeyboard(ctx) });
});

/** Another command or a main-menu button leaves the current flow and does what was asked instead. */
cancelFeature.on(["message:entities:bot_command", "callback_query:data"], async (ctx, next) => {
  const isCommand = ctx.message?.text?.startsWith("/") ?? false;
  const isMenu = menuCallback.unpack(ctx.callbackQuery?.data) !== undefined;
  if ((isCommand || isMenu) && (await hasActiveFlow(ctx))) await ctx.conversation.exitAll();
  await next();
});
