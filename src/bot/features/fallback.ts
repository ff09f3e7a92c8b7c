import { Composer } from "grammy";
import type { BotContext } from "../context.js";

/** Last in the tree: stale buttons are answered (Telegram shows a spinner until they are), other text gets a hint. */
export const fallbackFeature = new Composer<BotContext>();

fallbackFeature.on("callback_query", (ctx) =>
  ctx.answerCallbackQuery({ text: ctx.t("button-expired"), show_alert: false }),
);
fallbackFeature.on("message", (ctx) => ctx.reply(ctx.html("unknown-input")));
