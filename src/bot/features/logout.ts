import { Composer, InlineKeyboard } from "grammy";
import { logoutCallback } from "../callback-data/index.js";
import type { BotContext } from "../context.js";
import { ownerLoggedOut } from "../team-changes.js";

export const logoutFeature = new Composer<BotContext>();

logoutFeature.command("logout", async (ctx) => {
  if (await ctx.deps.store.getMember(ctx.from!.id)) {
    await ctx.reply(ctx.html("team-logout-teammate"));
    return;
  }
  if (!(await ctx.deps.store.getOperator(ctx.from!.id))?.hasCredentials) {
    await ctx.reply(ctx.html("logout-already"));
    return;
  }
  await ctx.reply(ctx.html("logout-confirm"), {
    reply_markup: new InlineKeyboard()
      .text(ctx.t("logout-yes"), logoutCallback.pack("yes"))
      .text(ctx.t("logout-no"), logoutCallback.pack("no")),
  });
});

logoutFeature.callbackQuery(logoutCallback.pattern, async (ctx) => {
  const choice = logoutCallback.unpack(ctx.callbackQuery.data)?.[0];
  await ctx.answerCallbackQuery();
  if (choice !== "yes") {
    await ctx.editMessageText(ctx.html("logout-kept"));
    return;
  }
  await ctx.conversation.exitAll();
  // Only the owner logs out (a teammate has no login of their own): their team is told it has no access for now.
  if (await ctx.deps.store.getMember(ctx.from.id)) {
    await ctx.editMessageText(ctx.html("team-logout-teammate"));
    return;
  }
  await ownerLoggedOut(ctx.deps, ctx.from.id);
  await ctx.deps.store.deleteOperator(ctx.from.id);
  await ctx.editMessageText(ctx.html("logout-done"));
});
