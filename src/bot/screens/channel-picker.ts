import { InlineKeyboard } from "grammy";
import { trusted } from "../../format/html.js";
import { buttonLabel } from "../../format/text.js";
import { acknowledge } from "../callback-data/acknowledge.js";
import { cancelCallback, pickerCallback } from "../callback-data/index.js";
import { fetchChannels, type PickedChannel } from "../channels.js";
import type { FlowContext } from "../context.js";
import { fetchWithRetry } from "./retry.js";
import type { Screen } from "./screen.js";

export type { PickedChannel } from "../channels.js";
export const PICKER_PAGE_SIZE = 8;
const FILTER_MAX = 64;

function normalise(text: string): string {
  return text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
}

interface View {
  text: string;
  keyboard: InlineKeyboard;
}

/** `purpose` is translated HTML of our own (the flow's title), so it is passed through as trusted. */
function renderPage(
  ctx: FlowContext,
  purpose: string,
  all: PickedChannel[],
  filter: string,
  page: number,
): View {
  const visible = filter ? all.filter((channel) => normalise(channel.name).includes(normalise(filter))) : all;
  const pages = Math.max(1, Math.ceil(visible.length / PICKER_PAGE_SIZE));
  const current = Math.min(page, pages - 1);
  const keyboard = new InlineKeyboard();
  for (const channel of visible.slice(current * PICKER_PAGE_SIZE, (current + 1) * PICKER_PAGE_SIZE)) {
    keyboard.text(buttonLabel(channel.name), pickerCallback.pack("c", channel.id)).row();
  }
  if (pages > 1) {
    if (current > 0) keyboard.text(ctx.t("picker-previous"), pickerCallback.pack("p", current - 1));
    if (current < pages - 1) keyboard.text(ctx.t("picker-next"), pickerCallback.pack("p", current + 1));
    keyboard.row();
  }
  if (filter) keyboard.text(ctx.t("picker-clear-filter"), pickerCallback.pack("f", 0)).row();
  keyboard.text(ctx.t("button-cancel"), cancelCallback.pack());

  const lines = [
    filter
      ? ctx.html("picker-title-filtered", { purpose: trusted(purpose), filter })
      : ctx.html("picker-title", { purpose: trusted(purpose) }),
  ];
  if (filter && visible.length === 0) lines.push(ctx.html("picker-no-match", { filter }));
  if (pages > 1) lines.push(ctx.html("picker-page", { page: current + 1, pages }));
  if (!filter && all.length > PICKER_PAGE_SIZE)
    lines.push(ctx.html("picker-filter-hint", { count: all.length }));
  return { text: lines.join("\n"), keyboard };
}

/**
 * Lets the operator pick one of their channels: 8 a page, the last used first, filter by typing part of a name.
 * A button naming a channel that is not in the operator's own list (forged or stale) is refused.
 * Opens a new message (the flow's screen from then on); returns undefined when the operator has no channels.
 */
export async function pickChannel(screen: Screen, purpose: string): Promise<PickedChannel | undefined> {
  const { deps } = screen.ctx;
  const userId = screen.ctx.from!.id;
  screen.staleKey = "button-expired";
  await screen.send(screen.ctx.html("picker-loading"));
  const channels = await fetchWithRetry(screen, "channels", () => fetchChannels(deps, userId));
  if (channels.length === 0) {
    await screen.show(screen.ctx.html("picker-empty"));
    return undefined;
  }
  const lastId = await screen.conversation.external(
    async () => (await deps.store.getOperator(userId))?.lastChannelId ?? null,
  );
  const ordered = [
    ...channels.filter((channel) => channel.id === lastId),
    ...channels.filter((channel) => channel.id !== lastId),
  ];

  let page = 0;
  let filter = "";
  let redraw = true;
  for (;;) {
    if (redraw) {
      const view = renderPage(screen.ctx, purpose, ordered, filter, page);
      // A typed filter moves the list below the operator's message, so it stays in view.
      if (screen.ctx.message) await screen.send(view.text, view.keyboard, "delete");
      else await screen.show(view.text, view.keyboard);
    }
    redraw = true;
    const answer = await screen.next();
    if (answer.kind === "button") {
      const choice = pickerCallback.unpack(answer.data);
      if (!choice) {
        await screen.refuse(answer.ctx);
        redraw = false;
        continue;
      }
      const [action, value] = choice;
      if (action === "p" || action === "f") {
        page = action === "p" ? value : 0;
        if (action === "f") filter = "";
        await acknowledge(answer.ctx);
        continue;
      }
      const channel = ordered.find((candidate) => candidate.id === value);
      if (!channel) {
        await screen.refuse(answer.ctx, "picker-not-yours", true);
        redraw = false;
        continue;
      }
      await acknowledge(answer.ctx);
      await screen.conversation.external(() =>
        deps.store.updateOperator(userId, { lastChannelId: channel.id }).then(() => undefined),
      );
      return channel;
    }
    const typed = answer.kind === "text" ? answer.text.trim() : "";
    if (typed && ordered.length > PICKER_PAGE_SIZE) {
      filter = typed.slice(0, FILTER_MAX);
      page = 0;
      continue;
    }
    const hint = ordered.length > PICKER_PAGE_SIZE ? "picker-need-choice" : "picker-need-button";
    await screen.hint(answer.ctx, hint);
    redraw = false;
  }
}

/** Picks a channel and runs `use` with it, again each time `use` returns (its "another channel"), until none is left. */
export async function forEachPickedChannel(
  screen: Screen,
  purpose: string,
  use: (channel: PickedChannel) => Promise<void>,
): Promise<void> {
  for (;;) {
    const channel = await pickChannel(screen, purpose);
    if (!channel) return;
    await use(channel);
  }
}
