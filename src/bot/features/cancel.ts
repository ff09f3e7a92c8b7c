import { Composer } from "grammy";
import { acknowledge } from "../callback-data/acknowledge.js";
import { cancelCallback } from "../callback-data/index.js";
import type { BotContext } from "../context.js";
import { ownMainMenu } from "../keyboards/index.js";
import { unstamp } from "../screens/stamp.js";

/** /cancel with no flow in progress (a flow in progress handles its own, see screens/screen.ts). */
export async function nothingToCancel(ctx: BotContext): Promise<void> {
  await ctx.reply(ctx.html("nothing-to-cancel"), { reply_markup: await ownMainMenu(ctx) });
}

/** A Cancel button of any flow run, and the unstamped one of the previous release. */
const isCancelButton = (ctx: BotContext) => {
  const data = ctx.callbackQuery?.data;
  return data !== undefined && (unstamp(data)?.data ?? data) === cancelCallback.pack();
};

/** A Cancel button with no flow in progress: there is nothing to cancel, and the old button goes. */
export const cancelButtons = new Composer<BotContext>();

cancelButtons.filter(isCancelButton, async (ctx) => {
  await ctx.editMessageReplyMarkup({ reply_markup: undefined }).catch(() => undefined);
  await acknowledge(ctx, { text: ctx.t("nothing-to-cancel") });
});
