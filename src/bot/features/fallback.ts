import { Composer, GrammyError } from "grammy";
import type { BotContext } from "../context.js";

/** Last in the tree: stale buttons are answered (Telegram shows a spinner until they are), other text gets a hint. */
export const fallbackFeature = new Composer<BotContext>();

fallbackFeature.on("callback_query", async (ctx) => {
  try {
    await ctx.answerCallbackQuery({ text: ctx.t("button-expired") });
  } catch (error) {
    // A redelivered update (after a crash) carries a query that was answered the first time: nothing to do.
    if (error instanceof GrammyError && error.description.includes("query is too old")) return;
    throw error;
  }
});
fallbackFeature.on("message", (ctx) => ctx.reply(ctx.html("unknown-input")));
