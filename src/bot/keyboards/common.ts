import { InlineKeyboard } from "grammy";
import { type Actor, resolveActor, roleOf } from "../../team/acting.js";
import { cancelCallback, menuCallback, retryCallback } from "../callback-data/index.js";
import type { FlowContext } from "../context.js";
import { menuItemsOf } from "../flows.js";

/**
 * The main menu, two buttons a row: only what `actor` may start (see flows.ts). Each button still checks the role
 * when pressed, for a forged one or one shown before a demotion.
 */
export function mainMenuKeyboard(ctx: FlowContext, actor: Actor): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  menuItemsOf(roleOf(actor)).forEach((item, index) => {
    keyboard.text(ctx.t(`menu-${item}`), menuCallback.pack(item));
    if (index % 2 === 1) keyboard.row();
  });
  return keyboard;
}

/** The main menu of whoever sent the update, outside a flow (a flow asks its screen: the role is read once). */
export async function ownMainMenu(ctx: FlowContext): Promise<InlineKeyboard> {
  return mainMenuKeyboard(ctx, await resolveActor(ctx.deps.store, ctx.from!.id));
}

export function cancelKeyboard(ctx: FlowContext): InlineKeyboard {
  return new InlineKeyboard().text(ctx.t("button-cancel"), cancelCallback.pack());
}

export function retryKeyboard(ctx: FlowContext, step: string): InlineKeyboard {
  return new InlineKeyboard()
    .text(ctx.t("button-retry"), retryCallback.pack(step))
    .text(ctx.t("button-cancel"), cancelCallback.pack());
}
