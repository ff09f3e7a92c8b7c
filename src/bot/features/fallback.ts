import { Composer } from "grammy";
import { acknowledge } from "../callback-data/acknowledge.js";
import type { BotContext } from "../context.js";

/** Last in the tree: stale buttons are answered (Telegram shows a spinner until they are), other text gets a hint. */
export const fallbackFeature = new Composer<BotContext>();

fallbackFeature.on("callback_query", (ctx) => acknowledge(ctx, { text: ctx.t("button-expired") }));
fallbackFeature.on("message", (ctx) => ctx.reply(ctx.html("unknown-input")));
