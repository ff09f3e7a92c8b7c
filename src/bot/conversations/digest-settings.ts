import { InlineKeyboard, InputFile } from "grammy";
import { z } from "zod";
import { createLimiter } from "../../delivery/limit.js";
import { buildDigest } from "../../digest/build.js";
import { weekChartPhoto } from "../../digest/chart.js";
import { localDate } from "../../time.js";
import { acknowledge } from "../callback-data/acknowledge.js";
import { digestCallback } from "../callback-data/digest.js";
import { cancelCallback } from "../callback-data/index.js";
import type { FlowContext } from "../context.js";
import { settingsKeyboard } from "../keyboards/index.js";
import { chooseChannels, flowNow, type Screen } from "../screens/index.js";

/** Hours most operators want their summary at; any other time can be typed. */
export const COMMON_DIGEST_TIMES = [
  "06:00",
  "07:00",
  "08:00",
  "09:00",
  "10:00",
  "12:00",
  "18:00",
  "20:00",
  "22:00",
];
const MINUTES_PER_DAY = 24 * 60;

/** "7:30", "07.30" and "07h30" all mean 07:30; stored as HH:MM. */
export const digestTimeSchema = z
  .string()
  .trim()
  .regex(/^([01]?\d|2[0-3])[:.h]([0-5]\d)$/)
  .transform((value) => {
    const [, hours, minutes] = /^(\d{1,2})[:.h](\d{2})$/.exec(value)!;
    return `${hours!.padStart(2, "0")}:${minutes}`;
  });

const minutesOf = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
const timeOf = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;

interface Settings {
  enabled: boolean;
  time: string;
  channelIds: number[] | null;
  timezone: string;
  /** The "last 7 days" chart under the digest. */
  chart: boolean;
}

function mainText(ctx: FlowContext, settings: Settings): string {
  return [
    ctx.html("digest-settings-title"),
    ctx.html(settings.enabled ? "digest-settings-status-on" : "digest-settings-status-off"),
    ctx.html("digest-settings-time", { time: settings.time, timezone: settings.timezone }),
    settings.channelIds === null
      ? ctx.html("digest-settings-channels-all")
      : ctx.html("digest-settings-channels-chosen", { chosen: settings.channelIds.length }),
    ctx.html(settings.chart ? "digest-settings-chart-on" : "digest-settings-chart-off"),
  ].join("\n");
}

function mainKeyboard(ctx: FlowContext, settings: Settings): InlineKeyboard {
  const toggle = settings.enabled ? "off" : "on";
  return settingsKeyboard(
    ctx,
    [
      [[`digest-button-${toggle}`, digestCallback.pack(toggle, 0)]],
      [
        ["digest-button-time", digestCallback.pack("time", 0)],
        ["digest-button-channels", digestCallback.pack("chs", 0)],
      ],
      [["digest-button-preview", digestCallback.pack("pv", 0)]],
      [
        [
          settings.chart ? "digest-button-chart-off" : "digest-button-chart-on",
          digestCallback.pack("chart", settings.chart ? 0 : 1),
        ],
      ],
    ],
    ["digest-button-done", digestCallback.pack("done", 0)],
  );
}

function timeKeyboard(ctx: FlowContext): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  COMMON_DIGEST_TIMES.forEach((time, index) => {
    keyboard.text(time, digestCallback.pack("tm", minutesOf(time)));
    if (index % 3 === 2) keyboard.row();
  });
  return keyboard
    .row()
    .text(ctx.t("button-back"), digestCallback.pack("back", 0))
    .text(ctx.t("button-cancel"), cancelCallback.pack());
}

/** Back to the settings, or a time of day as HH:MM. */
async function askTime(screen: Screen, timezone: string): Promise<string | undefined> {
  await screen.show(screen.ctx.html("digest-ask-time", { timezone }), timeKeyboard(screen.ctx));
  for (;;) {
    const answer = await screen.next();
    if (answer.kind === "button") {
      const choice = digestCallback.unpack(answer.data);
      if (choice?.[0] === "back" || (choice?.[0] === "tm" && choice[1] < MINUTES_PER_DAY)) {
        await acknowledge(answer.ctx);
        return choice[0] === "tm" ? timeOf(choice[1]) : undefined;
      }
      await screen.refuse(answer.ctx);
      continue;
    }
    if (answer.kind !== "text") continue;
    const parsed = digestTimeSchema.safeParse(answer.text);
    if (parsed.success) return parsed.data;
    await screen.show(
      answer.ctx.html("digest-invalid-time", { input: answer.text.trim().slice(0, 32) }),
      timeKeyboard(answer.ctx),
    );
  }
}

/** Sends the digest as it would look today, with its chart when on; the day is not marked as sent. */
async function sendPreview(screen: Screen, timezone: string, chart: boolean): Promise<void> {
  const { ctx, conversation } = screen;
  const { deps } = ctx;
  const userId = ctx.from!.id;
  const preparing = await ctx.reply(ctx.html("digest-preview-sending"));
  const date = localDate(await flowNow(conversation, deps), timezone);
  const built = await conversation.external(() =>
    buildDigest(deps, userId, date, createLimiter(deps.config.digest.concurrency)),
  );
  if (built.kind === "digest" || built.kind === "login-again") {
    const [first, ...rest] = built.messages;
    await ctx.api.editMessageText(ctx.chat!.id, preparing.message_id, first!, {
      link_preview_options: { is_disabled: true },
    });
    for (const message of rest) await ctx.reply(message, { link_preview_options: { is_disabled: true } });
    if (chart && built.kind === "digest") {
      const chatId = ctx.chat!.id;
      await conversation.external(async (outside) => {
        // As under the real digest: a chart that cannot be drawn or sent leaves the text as it is.
        try {
          const photo = await weekChartPhoto(built.chart, deps.i18n);
          await outside.api.sendPhoto(chatId, new InputFile(photo.png, "week.png"), {
            caption: photo.caption,
            parse_mode: "HTML",
          });
        } catch (error) {
          deps.logger.warn({ err: error, userId }, "digest preview chart not sent");
        }
      });
    }
    return;
  }
  await ctx.api.editMessageText(ctx.chat!.id, preparing.message_id, ctx.html("digest-preview-failed"));
}

/** On/off, time, channels and a preview; each change is saved immediately and the screen redrawn in place. */
export async function digestSettingsFlow(screen: Screen): Promise<void> {
  const { deps } = screen.ctx;
  const userId = screen.ctx.from!.id;
  const load = () =>
    screen.conversation.external(async (): Promise<Settings> => {
      const operator = await deps.store.getOperator(userId);
      return {
        enabled: operator?.digest.enabled ?? false,
        time: operator?.digest.time ?? deps.config.digest.defaultTime,
        channelIds: operator?.digest.channelIds ?? null,
        timezone: operator?.timezone ?? deps.config.defaultTimezone,
        chart: operator?.digest.chart ?? false,
      };
    });
  const save = (patch: { enabled?: boolean; time?: string; chart?: boolean }) =>
    screen.conversation.external(() =>
      deps.store.updateOperator(userId, { digest: patch }).then(() => undefined),
    );

  let settings = await load();
  let below = false;
  for (;;) {
    const view = { text: mainText(screen.ctx, settings), keyboard: mainKeyboard(screen.ctx, settings) };
    if (below) await screen.send(view.text, view.keyboard);
    else await screen.show(view.text, view.keyboard);
    below = false;
    const { ctx: answer, value } = await screen.button(digestCallback, {
      accept: ([action, value]) =>
        ["on", "off", "time", "chs", "pv", "done"].includes(action) ||
        (action === "chart" && value === (settings.chart ? 0 : 1)),
      hintKey: "sales-use-buttons",
    });
    const [action] = value;
    if (action === "on" || action === "off") {
      await save({ enabled: action === "on" });
    } else if (action === "time") {
      const time = await askTime(screen, settings.timezone);
      if (time !== undefined) await save({ time });
    } else if (action === "chs") {
      await chooseChannels(
        screen,
        {
          pack: (chooserAction, value) => digestCallback.pack(chooserAction, value),
          unpack: (data) => digestCallback.unpack(data),
          titleKey: "digest-choose-channels",
          keepOneKey: "digest-keep-one",
          save: (channelIds) =>
            deps.store.updateOperator(userId, { digest: { channelIds } }).then(() => undefined),
        },
        settings.channelIds,
      );
    } else if (action === "chart") {
      await save({ chart: value[1] === 1 });
    } else if (action === "pv") {
      await screen.retire();
      await sendPreview(screen, settings.timezone, settings.chart);
      // The settings come back below the preview, so they stay in view.
      below = true;
    } else {
      await screen.close(`${mainText(answer, settings)}\n\n${answer.html("digest-settings-closed")}`);
      return;
    }
    settings = await load();
  }
}
