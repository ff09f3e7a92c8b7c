import { InlineKeyboard } from "grammy";
import { z } from "zod";
import { buildDigest } from "../../digest/build.js";
import { createLimiter } from "../../digest/limit.js";
import { localDate } from "../../time.js";
import { acknowledge } from "../callback-data/acknowledge.js";
import { digestCallback } from "../callback-data/digest.js";
import { cancelCallback } from "../callback-data/index.js";
import type { FlowContext } from "../context.js";
import { editOrSend } from "../format/edit.js";
import { buttonLabel } from "../format/text.js";
import { failureText } from "../operator.js";
import { fetchChannels, type PickedChannel } from "./channel-picker.js";
import { flowNow } from "./clock.js";
import type { Flow } from "./types.js";

export const DIGEST_SETTINGS = "digest-settings";

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
const CHANNELS_PAGE_SIZE = 8;
/** Shorter than other labels: a check mark goes in front. */
const CHANNEL_LABEL_MAX = 40;
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
}

interface Screen {
  ctx: FlowContext;
  /** The message the next screen replaces; undefined when it must be a new message (the operator typed). */
  messageId: number | undefined;
}

function mainText(ctx: FlowContext, settings: Settings): string {
  return [
    ctx.html("digest-settings-title"),
    ctx.html(settings.enabled ? "digest-settings-status-on" : "digest-settings-status-off"),
    ctx.html("digest-settings-time", { time: settings.time, timezone: settings.timezone }),
    settings.channelIds === null
      ? ctx.html("digest-settings-channels-all")
      : ctx.html("digest-settings-channels-chosen", { chosen: settings.channelIds.length }),
  ].join("\n");
}

function mainKeyboard(ctx: FlowContext, settings: Settings): InlineKeyboard {
  return new InlineKeyboard()
    .text(
      ctx.t(settings.enabled ? "digest-button-off" : "digest-button-on"),
      digestCallback.pack(settings.enabled ? "off" : "on", 0),
    )
    .row()
    .text(ctx.t("digest-button-time"), digestCallback.pack("time", 0))
    .text(ctx.t("digest-button-channels"), digestCallback.pack("chs", 0))
    .row()
    .text(ctx.t("digest-button-preview"), digestCallback.pack("pv", 0))
    .row()
    .text(ctx.t("digest-button-done"), digestCallback.pack("done", 0))
    .text(ctx.t("button-cancel"), cancelCallback.pack());
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

/** Replaces the flow's message, or sends a new one when the operator's own message is now below it. */
async function show(
  ctx: FlowContext,
  messageId: number | undefined,
  text: string,
  keyboard?: InlineKeyboard,
): Promise<number> {
  const extra = keyboard ? { reply_markup: keyboard } : {};
  if (messageId === undefined) return (await ctx.reply(text, extra)).message_id;
  return editOrSend(ctx.api, ctx.chat!.id, messageId, text, extra);
}

async function askTime(
  conversation: Flow,
  screen: Screen,
  timezone: string,
): Promise<Screen & { time?: string }> {
  let { ctx, messageId } = screen;
  messageId = await show(ctx, messageId, ctx.html("digest-ask-time", { timezone }), timeKeyboard(ctx));
  for (;;) {
    const answer = await conversation.wait();
    if (answer.callbackQuery) {
      const choice = digestCallback.unpack(answer.callbackQuery.data);
      if (choice?.[0] === "back") {
        await acknowledge(answer);
        return { ctx: answer, messageId };
      }
      if (choice?.[0] === "tm" && choice[1] < MINUTES_PER_DAY) {
        await acknowledge(answer);
        return { ctx: answer, messageId, time: timeOf(choice[1]) };
      }
      await acknowledge(answer, { text: answer.t("button-expired") });
      continue;
    }
    const typed = answer.message?.text;
    if (typed === undefined) continue;
    const parsed = digestTimeSchema.safeParse(typed);
    if (parsed.success) return { ctx: answer, messageId: undefined, time: parsed.data };
    messageId = (
      await answer.reply(answer.html("digest-invalid-time", { input: typed.trim().slice(0, 32) }), {
        reply_markup: timeKeyboard(answer),
      })
    ).message_id;
  }
}

function channelsKeyboard(
  ctx: FlowContext,
  channels: PickedChannel[],
  selected: ReadonlySet<number>,
  page: number,
) {
  const keyboard = new InlineKeyboard();
  for (const channel of channels.slice(page * CHANNELS_PAGE_SIZE, (page + 1) * CHANNELS_PAGE_SIZE)) {
    const name = buttonLabel(channel.name, CHANNEL_LABEL_MAX);
    keyboard
      .text(`${selected.has(channel.id) ? "✅" : "▫️"} ${name}`, digestCallback.pack("tg", channel.id))
      .row();
  }
  const pages = Math.ceil(channels.length / CHANNELS_PAGE_SIZE);
  if (pages > 1) {
    if (page > 0) keyboard.text(ctx.t("picker-previous"), digestCallback.pack("pg", page - 1));
    if (page < pages - 1) keyboard.text(ctx.t("picker-next"), digestCallback.pack("pg", page + 1));
    keyboard.row();
  }
  return keyboard
    .text(ctx.t("digest-button-all"), digestCallback.pack("all", 0))
    .row()
    .text(ctx.t("button-back"), digestCallback.pack("back", 0))
    .text(ctx.t("button-cancel"), cancelCallback.pack());
}

/** Toggles channels in and out; every change is saved at once. All selected is stored as null (new ones too). */
async function chooseChannels(conversation: Flow, screen: Screen, current: number[] | null): Promise<Screen> {
  const { deps } = screen.ctx;
  const userId = screen.ctx.from!.id;
  let { ctx, messageId } = screen;
  const outcome = await conversation.external(() => fetchChannels(deps, userId));
  const backOnly = () =>
    new InlineKeyboard()
      .text(ctx.t("button-back"), digestCallback.pack("back", 0))
      .text(ctx.t("button-cancel"), cancelCallback.pack());
  if (!outcome.ok || outcome.value.length === 0) {
    const text = outcome.ok ? ctx.html("picker-empty") : failureText(ctx, outcome);
    messageId = await show(ctx, messageId, text, backOnly());
    const back = await conversation.waitForCallbackQuery(digestCallback.pattern, {
      otherwise: (other) => other.callbackQuery && acknowledge(other),
    });
    await acknowledge(back);
    return { ctx: back, messageId };
  }
  const channels = outcome.value;
  const all = channels.map((channel) => channel.id);
  const selected = new Set(current === null ? all : current.filter((id) => all.includes(id)));
  if (selected.size === 0) for (const id of all) selected.add(id);
  const pages = Math.ceil(channels.length / CHANNELS_PAGE_SIZE);
  let page = 0;
  for (;;) {
    const text = [ctx.html("digest-choose-channels")];
    if (pages > 1) text.push(ctx.html("digest-channels-page", { page: page + 1, pages }));
    messageId = await show(ctx, messageId, text.join("\n"), channelsKeyboard(ctx, channels, selected, page));
    const answer = await conversation.wait();
    ctx = answer;
    const choice = digestCallback.unpack(answer.callbackQuery?.data);
    if (!choice) {
      if (answer.callbackQuery) await acknowledge(answer, { text: answer.t("button-expired") });
      else messageId = undefined;
      continue;
    }
    const [action, value] = choice;
    if (action === "back") {
      await acknowledge(answer);
      return { ctx: answer, messageId };
    }
    if (action === "pg") {
      page = Math.min(value, pages - 1);
      await acknowledge(answer);
      continue;
    }
    if (action === "tg" && !all.includes(value)) {
      await acknowledge(answer, { text: answer.t("digest-not-your-channel"), show_alert: true });
      continue;
    }
    if (action === "tg" && selected.has(value) && selected.size === 1) {
      await acknowledge(answer, { text: answer.t("digest-keep-one"), show_alert: true });
      continue;
    }
    if (action === "tg") {
      if (selected.has(value)) selected.delete(value);
      else selected.add(value);
    } else if (action === "all") {
      for (const id of all) selected.add(id);
    } else {
      await acknowledge(answer, { text: answer.t("button-expired") });
      continue;
    }
    await acknowledge(answer);
    const channelIds = selected.size === all.length ? null : all.filter((id) => selected.has(id));
    await conversation.external(() =>
      deps.store.updateOperator(userId, { digest: { channelIds } }).then(() => undefined),
    );
  }
}

/** Sends the digest as it would look today; the day is not marked as sent, so the scheduled one still comes. */
async function sendPreview(conversation: Flow, ctx: FlowContext, timezone: string): Promise<void> {
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
    return;
  }
  await ctx.api.editMessageText(ctx.chat!.id, preparing.message_id, ctx.html("digest-preview-failed"));
}

/** On/off, time, channels and a preview; each change is saved immediately and the screen redrawn in place. */
export async function digestSettingsConversation(conversation: Flow, ctx: FlowContext): Promise<void> {
  const { deps } = ctx;
  const userId = ctx.from!.id;
  const load = () =>
    conversation.external(async (): Promise<Settings> => {
      const operator = await deps.store.getOperator(userId);
      return {
        enabled: operator?.digest.enabled ?? false,
        time: operator?.digest.time ?? deps.config.digest.defaultTime,
        channelIds: operator?.digest.channelIds ?? null,
        timezone: operator?.timezone ?? deps.config.defaultTimezone,
      };
    });
  const save = (patch: { enabled?: boolean; time?: string }) =>
    conversation.external(() => deps.store.updateOperator(userId, { digest: patch }).then(() => undefined));

  let settings = await load();
  let screen: Screen = { ctx, messageId: undefined };
  for (;;) {
    const current = screen.ctx;
    screen.messageId = await show(
      current,
      screen.messageId,
      mainText(current, settings),
      mainKeyboard(current, settings),
    );
    const answer = await conversation.wait();
    const choice = digestCallback.unpack(answer.callbackQuery?.data);
    if (!choice) {
      if (answer.callbackQuery) await acknowledge(answer, { text: answer.t("button-expired") });
      else screen = { ctx: answer, messageId: undefined };
      continue;
    }
    const [action] = choice;
    if (action === "on" || action === "off") {
      await acknowledge(answer);
      await save({ enabled: action === "on" });
      screen = { ctx: answer, messageId: screen.messageId };
    } else if (action === "time") {
      await acknowledge(answer);
      const picked = await askTime(
        conversation,
        { ctx: answer, messageId: screen.messageId },
        settings.timezone,
      );
      if (picked.time !== undefined) await save({ time: picked.time });
      screen = { ctx: picked.ctx, messageId: picked.messageId };
    } else if (action === "chs") {
      await acknowledge(answer);
      screen = await chooseChannels(
        conversation,
        { ctx: answer, messageId: screen.messageId },
        settings.channelIds,
      );
    } else if (action === "pv") {
      await acknowledge(answer);
      await sendPreview(conversation, answer, settings.timezone);
      // The settings come back below the preview, so they stay in view.
      screen = { ctx: answer, messageId: undefined };
    } else if (action === "done") {
      await acknowledge(answer);
      await show(
        answer,
        screen.messageId,
        `${mainText(answer, settings)}\n\n${answer.html("digest-settings-closed")}`,
      );
      return;
    } else {
      await acknowledge(answer, { text: answer.t("button-expired") });
    }
    settings = await load();
  }
}
