import { fetchChannels } from "../channels.js";
import type { BotContext } from "../context.js";
import { failureText } from "../operator.js";

/** Telegram's limit; the list is cut with an ellipsis line rather than split, it is an overview. */
const MAX_TEXT = 4096;

/** /channels and its menu button: every channel of the account, one line each. */
export async function listChannels(ctx: BotContext): Promise<void> {
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
