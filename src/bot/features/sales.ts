import { Composer } from "grammy";
import { menuCallback } from "../callback-data/index.js";
import type { BotContext } from "../context.js";
import { REPORT } from "../conversations/report.js";
import { RESULTS } from "../conversations/results.js";
import { SALES } from "../conversations/sales.js";
import { requireLogin } from "../operator.js";

/** /sales, /results and /report, and the main-menu buttons for sales and reports. */
export const salesFeature = new Composer<BotContext>();

salesFeature.command("sales", requireLogin, (ctx) => ctx.conversation.enter(SALES));
salesFeature.command("results", requireLogin, (ctx) => ctx.conversation.enter(RESULTS));
salesFeature.command("report", requireLogin, (ctx) => ctx.conversation.enter(REPORT));

salesFeature.callbackQuery(menuCallback.pack("sales"), requireLogin, async (ctx) => {
  await ctx.answerCallbackQuery();
  await ctx.conversation.enter(SALES);
});
salesFeature.callbackQuery(menuCallback.pack("report"), requireLogin, async (ctx) => {
  await ctx.answerCallbackQuery();
  await ctx.conversation.enter(REPORT);
});
