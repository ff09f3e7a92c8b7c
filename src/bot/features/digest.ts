import { Composer } from "grammy";
import { menuCallback } from "../callback-data/index.js";
import type { BotContext } from "../context.js";
import { DIGEST_SETTINGS } from "../conversations/digest-settings.js";
import { requireLogin } from "../operator.js";

export const digestFeature = new Composer<BotContext>();

digestFeature.command("digest", requireLogin, (ctx) => ctx.conversation.enter(DIGEST_SETTINGS));
digestFeature.callbackQuery(menuCallback.pack("digest"), requireLogin, async (ctx) => {
  await ctx.answerCallbackQuery();
  await ctx.conversation.enter(DIGEST_SETTINGS);
});
