import { InlineKeyboard } from "grammy";
import { cancelCallback } from "../callback-data/index.js";
import type { FlowContext } from "../context.js";

/** A button: the locale key of its label, and its callback data. */
export type ButtonSpec = readonly [labelKey: string, data: string];

/** A settings screen's main keyboard: its rows of buttons, then the button that saves beside Cancel. */
export function settingsKeyboard(
  ctx: FlowContext,
  rows: readonly (readonly ButtonSpec[])[],
  done: ButtonSpec,
): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const row of rows) {
    for (const [label, data] of row) keyboard.text(ctx.t(label), data);
    keyboard.row();
  }
  return keyboard.text(ctx.t(done[0]), done[1]).text(ctx.t("button-cancel"), cancelCallback.pack());
}
