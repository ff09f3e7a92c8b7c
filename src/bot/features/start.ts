import { Composer } from "grammy";
import type { BotContext } from "../context.js";
import { LOGIN } from "../conversations/login.js";
import { mainMenuKeyboard } from "../keyboards/index.js";

export const startFeature = new Composer<BotContext>();

startFeature.command("start", async (ctx) => {
  await ctx.reply(ctx.html("start-greeting", { name: ctx.from?.first_name ?? "" }));
  if (!(await ctx.deps.store.getOperator(ctx.from!.id))?.hasCredentials) {
    await ctx.conversation.enter(LOGIN);
    return;
  }
  await ctx.reply(ctx.html("menu-title"), { reply_markup: mainMenuKeyboard(ctx) });
});

/** Logs in again (a token premiumpay stopped accepting) or switches account; settings are kept. */
startFeature.command("login", (ctx) => ctx.conversation.enter(LOGIN));

startFeature.command("help", (ctx) => ctx.reply(ctx.html("help"), { reply_markup: mainMenuKeyboard(ctx) }));
startFeature.command("menu", (ctx) =>
  ctx.reply(ctx.html("menu-title"), { reply_markup: mainMenuKeyboard(ctx) }),
);
