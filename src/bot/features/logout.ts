import { Composer, InlineKeyboard } from "grammy";
import { recordAudit } from "../audit.js";
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
  if (choice !== "yes") {
    await ctx.answerCallbackQuery();
    await ctx.editMessageText(ctx.html("logout-kept"));
    return;
  }
  // Everything stored before the click is answered: a crash before the answer redelivers the click, which does it
  // all again (the audit entry is keyed by the click, so it is recorded once); after it, everything is done.
  const userId = ctx.from.id;
  const { store } = ctx.deps;
  await ctx.conversation.exitAll();
  // Only the owner logs out (a teammate has no login of their own): their team is told it has no access for now.
  if (await store.getMember(userId)) {
    await ctx.answerCallbackQuery();
    await ctx.editMessageText(ctx.html("team-logout-teammate"));
    return;
  }
  // Recorded before the deletion: a redelivered click still finds the login, and its key makes it one entry.
  if ((await store.getOperator(userId))?.hasCredentials) {
    await recordAudit(ctx.deps, userId, `logout:${ctx.callbackQuery.id}`, { action: "logout", details: {} });
  }
  await ownerLoggedOut(ctx.deps, userId);
  await store.deleteOperator(userId);
  // The team group goes with the login: nothing could be sent to it without credentials.
  await store.disconnectTeamGroup(userId);
  await ctx.answerCallbackQuery();
  await ctx.editMessageText(ctx.html("logout-done"));
});
