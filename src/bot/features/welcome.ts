import { Composer } from "grammy";
import { menuCallback } from "../callback-data/index.js";
import type { BotContext } from "../context.js";
import { WELCOME } from "../conversations/welcome.js";
import { requireLogin } from "../operator.js";

/** `/welcome` and the main menu's welcome button start the personal welcome message flow. */
export const welcomeFeature = new Composer<BotContext>();

welcomeFeature.command("welcome", requireLogin, (ctx) => ctx.conversation.enter(WELCOME));
welcomeFeature.callbackQuery(menuCallback.pack("welcome"), requireLogin, async (ctx) => {
  await ctx.answerCallbackQuery();
  await ctx.conversation.enter(WELCOME);
});
