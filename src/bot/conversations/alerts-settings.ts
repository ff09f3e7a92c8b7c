import type { InlineKeyboard } from "grammy";
import { z } from "zod";
import { composeAlert } from "../../alerts/compose.js";
import { type AlertSettings, alertSettingsSchema } from "../../alerts/types.js";
import { formatMoney } from "../../format/numbers.js";
import { alertsCallback } from "../callback-data/alerts.js";
import type { FlowContext } from "../context.js";
import { cancelKeyboard, settingsKeyboard } from "../keyboards/index.js";
import { chooseChannels, flowNow, type Screen } from "../screens/index.js";
import { digestTimeSchema } from "./digest-settings.js";

/** "25", "9.99" or "9,99" in the sale's own currency; 0 means every sale. */
export const minAmountSchema = z
  .string()
  .trim()
  .regex(/^\d{1,9}([.,]\d{1,2})?$/, "alerts-invalid-min")
  .transform((value) => Number(value.replace(",", ".")));

/** "22:00-07:00" (crossing midnight is fine) or "off". */
export const quietHoursSchema = z
  .string()
  .trim()
  .transform((value, context) => {
    if (/^(off|no|none|apagado|ninguna)$/i.test(value)) return null;
    const [from, to, ...rest] = value.split(/\s*[-–—]\s*/);
    const start = digestTimeSchema.safeParse(from ?? "");
    const end = digestTimeSchema.safeParse(to ?? "");
    if (rest.length > 0 || !start.success || !end.success || start.data === end.data) {
      context.addIssue({ code: "custom", message: "alerts-invalid-quiet" });
      return z.NEVER;
    }
    return { from: start.data, to: end.data };
  });

function mainText(ctx: FlowContext, settings: AlertSettings, timezone: string): string {
  const { quietHours } = settings;
  return [
    ctx.html("alerts-settings-title"),
    ctx.html(settings.enabled ? "alerts-settings-status-on" : "alerts-settings-status-off"),
    settings.channelIds === null
      ? ctx.html("alerts-settings-channels-all")
      : ctx.html("alerts-settings-channels-chosen", { chosen: settings.channelIds.length }),
    settings.minAmount > 0
      ? ctx.html("alerts-settings-min", { amount: formatMoney(settings.minAmount, null, ctx.locale) })
      : ctx.html("alerts-settings-min-none"),
    quietHours
      ? ctx.html("alerts-settings-quiet", { from: quietHours.from, to: quietHours.to, timezone })
      : ctx.html("alerts-settings-quiet-none"),
  ].join("\n");
}

function mainKeyboard(ctx: FlowContext, settings: AlertSettings): InlineKeyboard {
  const toggle = settings.enabled ? "off" : "on";
  return settingsKeyboard(
    ctx,
    [
      [[`alerts-button-${toggle}`, alertsCallback.pack(toggle, 0)]],
      [
        ["alerts-button-channels", alertsCallback.pack("chs", 0)],
        ["alerts-button-min", alertsCallback.pack("min", 0)],
      ],
      [
        ["alerts-button-quiet", alertsCallback.pack("quiet", 0)],
        ["alerts-button-test", alertsCallback.pack("test", 0)],
      ],
    ],
    ["alerts-button-done", alertsCallback.pack("done", 0)],
  );
}

/** Asks a typed value until `schema` accepts it; each refusal is re-asked with the schema's (locale key) message. */
async function askTyped<T>(
  screen: Screen,
  key: string,
  variables: Record<string, string>,
  schema: z.ZodType<T>,
) {
  await screen.show(screen.ctx.html(key, variables), cancelKeyboard(screen.ctx));
  const { value } = await screen.text(schema, ({ ctx, issue, typed }) => ({
    text: ctx.html(issue || "alerts-invalid-min", { input: typed.trim().slice(0, 32) }),
    keyboard: cancelKeyboard(ctx),
  }));
  return value;
}

/** A sample sale through the alert composer, so the operator sees exactly what an alert looks like. */
async function sendTestAlert(screen: Screen, timezone: string): Promise<void> {
  const { ctx, conversation } = screen;
  const date = (await flowNow(conversation, ctx.deps)).toISOString();
  const sale = {
    key: "test",
    channelId: null,
    channelName: ctx.t("alerts-test-channel"),
    amount: 9.99,
    currency: "EUR",
    date,
    linkName: null,
    country: "ES",
    paymentMethod: "card",
  };
  const message = composeAlert(
    {
      kind: "sales",
      mode: "live",
      sales: [sale],
      today: { count: 1, totals: [{ currency: "EUR", amount: 9.99, count: 1 }] },
    },
    { locale: ctx.locale, zone: timezone, t: (key, variables) => ctx.html(key, variables) },
  );
  await ctx.reply(`${ctx.html("alerts-test-heading")}\n\n${message}`);
}

/** On/off, channels, a minimum amount, quiet hours and a test alert; each change is saved at once. */
export async function alertsSettingsFlow(screen: Screen): Promise<void> {
  const { deps } = screen.ctx;
  const userId = screen.ctx.from!.id;
  const store = deps.alertSettings;
  if (!store) {
    await screen.close(screen.ctx.html("alerts-settings-unavailable"));
    return;
  }
  const load = () =>
    screen.conversation.external(async () => ({
      settings: await store.settings(userId),
      timezone: (await deps.store.getOperator(userId))?.timezone ?? deps.config.defaultTimezone,
    }));
  const save = (settings: AlertSettings, patch: Partial<AlertSettings>) =>
    screen.conversation.external(() =>
      store.setSettings(userId, alertSettingsSchema.parse({ ...settings, ...patch })),
    );

  let { settings, timezone } = await load();
  let below = false;
  for (;;) {
    const view = {
      text: mainText(screen.ctx, settings, timezone),
      keyboard: mainKeyboard(screen.ctx, settings),
    };
    if (below) await screen.send(view.text, view.keyboard);
    else await screen.show(view.text, view.keyboard);
    below = false;
    const { ctx: answer, value } = await screen.button(alertsCallback, {
      accept: ([action]) => ["on", "off", "chs", "min", "quiet", "test", "done"].includes(action),
      hintKey: "sales-use-buttons",
    });
    const [action] = value;
    if (action === "on") {
      // Sales from this moment on are alerted, none from before (made while alerts were off).
      const enabledAt = (await flowNow(screen.conversation, deps)).toISOString();
      await save(settings, { enabled: true, enabledAt });
      await screen.conversation.external(() => store.turnedOn?.(userId));
    } else if (action === "off") {
      await save(settings, { enabled: false });
    } else if (action === "chs") {
      await chooseChannels(
        screen,
        {
          pack: (chooserAction, id) => alertsCallback.pack(chooserAction, id),
          unpack: (data) => alertsCallback.unpack(data),
          titleKey: "alerts-choose-channels",
          keepOneKey: "alerts-keep-one",
          save: async (channelIds) =>
            store.setSettings(userId, { ...(await store.settings(userId)), channelIds }),
        },
        settings.channelIds,
      );
    } else if (action === "min") {
      const minAmount = await askTyped(screen, "alerts-ask-min", {}, minAmountSchema);
      await save(settings, { minAmount });
    } else if (action === "quiet") {
      const quietHours = await askTyped(screen, "alerts-ask-quiet", { timezone }, quietHoursSchema);
      await save(settings, { quietHours });
    } else if (action === "test") {
      await screen.retire();
      await sendTestAlert(screen, timezone);
      // The settings come back below the test alert, so they stay in view.
      below = true;
    } else {
      await screen.close(
        `${mainText(answer, settings, timezone)}\n\n${answer.html("alerts-settings-closed")}`,
      );
      return;
    }
    ({ settings, timezone } = await load());
  }
}
