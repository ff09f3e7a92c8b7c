import { Composer } from "grammy";
import { acknowledge } from "../callback-data/acknowledge.js";
import {
  linkActionCallback,
  linkDurationCallback,
  linkEditCallback,
  linkYesNoCallback,
} from "../callback-data/public-link.js";
import type { BotContext } from "../context.js";
import { unstamp } from "../screens/stamp.js";

const LINK_FLOW_BUTTONS = [linkActionCallback, linkDurationCallback, linkEditCallback, linkYesNoCallback];

/**
 * Last in the tree. A button nobody took belongs to a flow that is over (or to an older release, or is forged): it is
 * answered as expired and its message loses its keyboard, so it stops looking usable. Other text gets a hint.
 */
export const staleButtonsFeature = new Composer<BotContext>();

staleButtonsFeature.on("callback_query", async (ctx) => {
  const data = unstamp(ctx.callbackQuery.data)?.data ?? ctx.callbackQuery.data;
  // A link flow's button after the link was created: the same click delivered twice must never create another.
  const linkOver = LINK_FLOW_BUTTONS.some((codec) => codec.unpack(data) !== undefined);
  await acknowledge(ctx, { text: ctx.t(linkOver ? "link-flow-over" : "button-expired") });
  await ctx.editMessageReplyMarkup({ reply_markup: undefined }).catch(() => undefined);
});
staleButtonsFeature.on("message", (ctx) => ctx.reply(ctx.html("unknown-input")));
