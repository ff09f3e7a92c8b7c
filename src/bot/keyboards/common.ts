import { InlineKeyboard } from "grammy";
import { cancelCallback, MENU_ITEMS, menuCallback, retryCallback } from "../callback-data/index.js";
import type { FlowContext } from "../context.js";

/** The main menu, two buttons a row. */
export function mainMenuKeyboard(ctx: FlowContext): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  MENU_ITEMS.forEach((item, index) => {
    keyboard.text(ctx.t(`menu-${item}`), menuCallback.pack(item));
    if (index % 2 === 1) keyboard.row();
  });
  return keyboard;
}

export function cancelKeyboard(ctx: FlowContext): InlineKeyboard {
  return new InlineKeyboard().text(ctx.t("button-cancel"), cancelCallback.pack());
}

export function retryKeyboard(ctx: FlowContext, step: string): InlineKeyboard {
  return new InlineKeyboard()
    .text(ctx.t("button-retry"), retryCallback.pack(step))
    .text(ctx.t("button-cancel"), cancelCallback.pack());
}
