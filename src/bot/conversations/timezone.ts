import { InlineKeyboard } from "grammy";
import { isValidTimezone, localTime } from "../../time.js";
import { acknowledge } from "../callback-data/acknowledge.js";
import { cancelCallback, timezoneCallback } from "../callback-data/index.js";
import type { FlowContext } from "../context.js";
import { flowNow } from "./clock.js";
import type { Flow } from "./types.js";

export const TIMEZONE = "timezone";

/** Zones most of our operators are in; anything else can be typed. */
export const COMMON_TIMEZONES = [
  "UTC",
  "Europe/Madrid",
  "Europe/London",
  "Europe/Lisbon",
  "Europe/Berlin",
  "Europe/Moscow",
  "America/Mexico_City",
  "America/Bogota",
  "America/Lima",
  "America/Caracas",
  "America/Santiago",
  "America/Argentina/Buenos_Aires",
  "America/Sao_Paulo",
  "America/New_York",
  "America/Los_Angeles",
  "Asia/Dubai",
  "Asia/Kolkata",
  "Asia/Singapore",
  "Asia/Tokyo",
  "Australia/Sydney",
] as const;

function timezoneKeyboard(ctx: FlowContext): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  COMMON_TIMEZONES.forEach((zone, index) => {
    keyboard.text(zone.replace(/^.*\//, "").replace(/_/g, " "), timezoneCallback.pack(index));
    if (index % 3 === 2) keyboard.row();
  });
  return keyboard.row().text(ctx.t("button-cancel"), cancelCallback.pack());
}

/** Shows the current zone; the operator picks a common one or types any IANA name. */
export async function timezoneConversation(conversation: Flow, ctx: FlowContext): Promise<void> {
  const { deps } = ctx;
  const userId = ctx.from!.id;
  const current = await conversation.external(
    async () => (await deps.store.getOperator(userId))?.timezone ?? deps.config.defaultTimezone,
  );
  const now = await flowNow(conversation, deps);
  await ctx.reply(ctx.html("timezone-current", { timezone: current, time: localTime(now, current) }), {
    reply_markup: timezoneKeyboard(ctx),
  });
  for (;;) {
    const answer = await conversation.wait();
    let zone: string | undefined;
    if (answer.callbackQuery?.data) {
      const index = timezoneCallback.unpack(answer.callbackQuery.data)?.[0];
      zone = index === undefined ? undefined : COMMON_TIMEZONES[index];
      await acknowledge(answer);
    } else if (answer.message?.text) {
      const typed = answer.message.text.trim();
      zone = isValidTimezone(typed) ? typed : undefined;
      if (!zone) {
        await answer.reply(answer.html("timezone-invalid", { input: typed.slice(0, 64) }), {
          reply_markup: timezoneKeyboard(answer),
        });
        continue;
      }
    }
    if (!zone) continue;
    const chosen = zone;
    await conversation.external(() =>
      deps.store.updateOperator(userId, { timezone: chosen }).then(() => undefined),
    );
    const at = await flowNow(conversation, deps);
    await answer.reply(answer.html("timezone-set", { timezone: chosen, time: localTime(at, chosen) }));
    return;
  }
}
