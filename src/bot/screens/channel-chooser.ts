import { InlineKeyboard } from "grammy";
import { buttonLabel } from "../../format/text.js";
import { acknowledge } from "../callback-data/acknowledge.js";
import { cancelCallback } from "../callback-data/index.js";
import { fetchChannels, type PickedChannel } from "../channels.js";
import type { FlowContext } from "../context.js";
import { failureText } from "../operator.js";
import type { Screen } from "./screen.js";

const CHANNELS_PAGE_SIZE = 8;
/** Shorter than other labels: a check mark goes in front. */
const CHANNEL_LABEL_MAX = 40;

/** The chooser's buttons, in the calling flow's own callback data (so its stamp and version stay the flow's). */
export type ChooserAction = "tg" | "pg" | "all" | "back";

export interface ChannelChooser {
  pack(action: ChooserAction, value: number): string;
  unpack(data: string): readonly [string, number] | undefined;
  /** The explanation above the channels ("Tap a channel to include it in …"). */
  titleKey: string;
  /** Said when the operator tries to leave out the last channel. */
  keepOneKey: string;
  /** Saves the choice; null means every channel (new ones too). */
  save(channelIds: number[] | null): Promise<void>;
}

function channelsKeyboard(
  ctx: FlowContext,
  chooser: ChannelChooser,
  channels: PickedChannel[],
  selected: ReadonlySet<number>,
  page: number,
) {
  const keyboard = new InlineKeyboard();
  for (const channel of channels.slice(page * CHANNELS_PAGE_SIZE, (page + 1) * CHANNELS_PAGE_SIZE)) {
    const name = buttonLabel(channel.name, CHANNEL_LABEL_MAX);
    keyboard.text(`${selected.has(channel.id) ? "✅" : "▫️"} ${name}`, chooser.pack("tg", channel.id)).row();
  }
  const pages = Math.ceil(channels.length / CHANNELS_PAGE_SIZE);
  if (pages > 1) {
    if (page > 0) keyboard.text(ctx.t("picker-previous"), chooser.pack("pg", page - 1));
    if (page < pages - 1) keyboard.text(ctx.t("picker-next"), chooser.pack("pg", page + 1));
    keyboard.row();
  }
  return keyboard
    .text(
      `${channels.every((channel) => selected.has(channel.id)) ? "✅" : "▫️"} ${ctx.t("digest-button-all")}`,
      chooser.pack("all", 0),
    )
    .row()
    .text(ctx.t("button-back"), chooser.pack("back", 0))
    .text(ctx.t("button-cancel"), cancelCallback.pack());
}

/** Toggles channels in and out; every change is saved at once (through `conversation.external`). */
export async function chooseChannels(
  screen: Screen,
  chooser: ChannelChooser,
  current: number[] | null,
): Promise<void> {
  const { deps } = screen.ctx;
  const userId = screen.ctx.from!.id;
  const outcome = await screen.conversation.external(() => fetchChannels(deps, userId));
  if (!outcome.ok || outcome.value.length === 0) {
    const { ctx } = screen;
    const text = outcome.ok ? ctx.html("picker-empty") : failureText(ctx, outcome);
    await screen.show(
      text,
      new InlineKeyboard()
        .text(ctx.t("button-back"), chooser.pack("back", 0))
        .text(ctx.t("button-cancel"), cancelCallback.pack()),
    );
    await screen.button({ unpack: chooser.unpack }, { accept: ([action]) => action === "back" });
    return;
  }
  const channels = outcome.value;
  const all = channels.map((channel) => channel.id);
  const selected = new Set(current === null ? all : current.filter((id) => all.includes(id)));
  if (selected.size === 0) for (const id of all) selected.add(id);
  const pages = Math.ceil(channels.length / CHANNELS_PAGE_SIZE);
  let page = 0;
  let redraw = true;
  for (;;) {
    if (redraw) {
      const { ctx } = screen;
      const text = [ctx.html(chooser.titleKey)];
      if (pages > 1) text.push(ctx.html("digest-channels-page", { page: page + 1, pages }));
      await screen.show(text.join("\n"), channelsKeyboard(ctx, chooser, channels, selected, page));
    }
    // A refused button changes nothing, so the view stays (and its buttons stay valid).
    redraw = false;
    const answer = await screen.next();
    if (answer.kind !== "button") {
      redraw = true;
      continue;
    }
    const [action, value] = chooser.unpack(answer.data) ?? [];
    if (action === "back") {
      await acknowledge(answer.ctx);
      return;
    }
    redraw = true;
    if (action === "pg" && value !== undefined) {
      page = Math.min(value, pages - 1);
      await acknowledge(answer.ctx);
      continue;
    }
    if (action === "tg" && value !== undefined && !all.includes(value)) {
      await screen.refuse(answer.ctx, "digest-not-your-channel", true);
      redraw = false;
      continue;
    }
    if (action === "tg" && value !== undefined && selected.has(value) && selected.size === 1) {
      await screen.refuse(answer.ctx, chooser.keepOneKey, true);
      redraw = false;
      continue;
    }
    if (action === "tg" && value !== undefined) {
      if (selected.has(value)) selected.delete(value);
      else selected.add(value);
    } else if (action === "all") {
      for (const id of all) selected.add(id);
    } else {
      await screen.refuse(answer.ctx);
      redraw = false;
      continue;
    }
    await acknowledge(answer.ctx);
    const channelIds = selected.size === all.length ? null : all.filter((id) => selected.has(id));
    await screen.conversation.external(() => chooser.save(channelIds));
  }
}
