import { InlineKeyboard } from "grammy";
import { timezoneName } from "../../format/timezone.js";
import { canonicalTimezone, localTime } from "../../time.js";
import { acknowledge } from "../callback-data/acknowledge.js";
import { cancelCallback, timezoneCallback } from "../callback-data/index.js";
import type { FlowContext } from "../context.js";
import { flowNow, type Screen } from "../screens/index.js";

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
    keyboard.text(timezoneName(zone, ctx.locale), timezoneCallback.pack(index));
    if (index % 3 === 2) keyboard.row();
  });
  return keyboard.row().text(ctx.t("button-cancel"), cancelCallback.pack());
}

/** The zone typed after the command ("/timezone Europe/Madrid"), if any. */
function commandArgument(ctx: FlowContext): string | undefined {
  const argument = /^\/\w+(?:@\w+)?\s+(.+)$/s.exec(ctx.message?.text ?? "")?.[1]?.trim();
  return argument === "" ? undefined : argument;
}

/**
 * Sets the zone given with the command; otherwise shows the current zone and the operator picks a common one or
 * types any IANA name, stored under its canonical name ("europe/madrid" → "Europe/Madrid").
 */
export async function timezoneFlow(screen: Screen): Promise<void> {
  const { deps } = screen.ctx;
  const userId = screen.ctx.from!.id;
  const argument = commandArgument(screen.ctx);
  let zone = argument === undefined ? undefined : canonicalTimezone(argument);
  if (zone === undefined) {
    if (argument !== undefined) {
      await screen.show(
        screen.ctx.html("timezone-invalid", { input: argument.slice(0, 64) }),
        timezoneKeyboard(screen.ctx),
      );
    } else {
      const current = await screen.conversation.external(
        async () => (await deps.store.getOperator(userId))?.timezone ?? deps.config.defaultTimezone,
      );
      const now = await flowNow(screen.conversation, deps);
      await screen.show(
        screen.ctx.html("timezone-current", { timezone: current, time: localTime(now, current) }),
        timezoneKeyboard(screen.ctx),
      );
    }
  }
  while (zone === undefined) {
    const answer = await screen.next();
    if (answer.kind === "button") {
      const index = timezoneCallback.unpack(answer.data)?.[0];
      zone = index === undefined ? undefined : COMMON_TIMEZONES[index];
      if (zone === undefined) await screen.refuse(answer.ctx);
      else await acknowledge(answer.ctx);
    } else if (answer.kind === "text") {
      const typed = answer.text.trim();
      zone = canonicalTimezone(typed);
      if (zone === undefined) {
        await screen.show(
          answer.ctx.html("timezone-invalid", { input: typed.slice(0, 64) }),
          timezoneKeyboard(answer.ctx),
        );
      }
    }
  }
  const chosen = zone;
  await screen.conversation.external(() =>
    deps.store.updateOperator(userId, { timezone: chosen }).then(() => undefined),
  );
  const at = await flowNow(screen.conversation, deps);
  await screen.retire();
  await screen.ctx.reply(screen.ctx.html("timezone-set", { timezone: chosen, time: localTime(at, chosen) }));
}
