import { Composer } from "grammy";
import { menuCallback } from "../callback-data/index.js";
import { fetchChannels } from "../channels.js";
import type { BotContext } from "../context.js";
import { failureText, requireLogin } from "../operator.js";

export const channelsFeature = new Composer<BotContext>();

/** Telegram's limit; the list is cut with an ellipsis line rather than split, it is an overview. */
const MAX_TEXT = 4096;

async function listChannels(ctx: BotContext): Promise<void> {
  await ctx.replyWithChatAction("typing").catch(() => undefined);
  const outcome = await fetchChannels(ctx.deps, ctx.from!.id);
  if (!outcome.ok) {
    await ctx.reply(failureText(ctx, outcome));
    return;
  }
  if (outcome.value.length === 0) {
    await ctx.reply(ctx.html("picker-empty"));
    return;
  }
  let text = ctx.html("channels-title", { count: outcome.value.length });
  for (const channel of outcome.value) {
    const line = ctx.html("channels-item", {
      name: channel.name,
      id: String(channel.id),
      links: channel.links.length,
    });
    if (text.length + line.length + 3 > MAX_TEXT) {
      text += "\n…";
      break;
    }
    text += `\n${line}`;
  }
  await ctx.reply(text);
}

channelsFeature.command("channels", requireLogin, listChannels);
channelsFeature.callbackQuery(menuCallback.pack("channels"), requireLogin, async (ctx) => {
  await ctx.answerCallbackQuery();
  await listChannels(ctx);
});
