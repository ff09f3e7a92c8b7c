import { InlineKeyboard } from "grammy";
import { acknowledge } from "../callback-data/acknowledge.js";
import { cancelCallback, pickerCallback, retryCallback } from "../callback-data/index.js";
import type { BotDeps, FlowContext } from "../context.js";
import type { Outcome } from "../errors.js";
import { editOrSend } from "../format/edit.js";
import { trusted } from "../format/html.js";
import { buttonLabel } from "../format/text.js";
import { retryKeyboard } from "../keyboards/index.js";
import { failureText, withPremiumpay } from "../operator.js";
import type { Flow } from "./types.js";

export const PICKER_PAGE_SIZE = 8;
const FILTER_MAX = 64;

/** What a flow keeps of a channel: small and JSON-safe, because conversation state is persisted. */
export interface PickedChannel {
  id: number;
  name: string;
  links: { name: string; url: string }[];
}

export interface PickResult {
  channel: PickedChannel;
  /** The context of the click, for answering and for the next step. */
  ctx: FlowContext;
  /** The picker's message, which the next step edits in place. */
  messageId: number;
}

/** Fetches the operator's channels with their links, as a JSON-safe outcome (runs inside `conversation.external`). */
export function fetchChannels(deps: BotDeps, userId: number): Promise<Outcome<PickedChannel[]>> {
  return withPremiumpay(deps, userId, async (client) =>
    (await client.channels({ includeLinks: true })).map((channel) => ({
      id: channel.id,
      name: channel.name || `#${channel.id}`,
      links: channel.links.map((link) => ({ name: link.name, url: link.url })),
    })),
  );
}

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
 * Returns undefined when the operator has no channels.
 */
export async function pickChannel(
  conversation: Flow,
  ctx: FlowContext,
  purpose: string,
): Promise<PickResult | undefined> {
  const { deps } = ctx;
  const userId = ctx.from!.id;
  const chatId = ctx.chat!.id;
  let messageId = (await ctx.reply(ctx.html("picker-loading"))).message_id;
  // Every view goes through here, so a list the operator deleted comes back as a new message.
  const show = async (text: string, keyboard?: InlineKeyboard) => {
    messageId = await editOrSend(
      ctx.api,
      chatId,
      messageId,
      text,
      keyboard ? { reply_markup: keyboard } : {},
    );
  };

  let channels: PickedChannel[];
  for (;;) {
    const outcome = await conversation.external(() => fetchChannels(deps, userId));
    if (outcome.ok) {
      channels = outcome.value;
      break;
    }
    await show(failureText(ctx, outcome), retryKeyboard(ctx, "channels"));
    const retry = await conversation.waitForCallbackQuery(retryCallback.pattern, {
      otherwise: (other) => other.callbackQuery && acknowledge(other),
    });
    await acknowledge(retry);
  }
  if (channels.length === 0) {
    await show(ctx.html("picker-empty"));
    return undefined;
  }
  const lastId = await conversation.external(
    async () => (await deps.store.getOperator(userId))?.lastChannelId ?? null,
  );
  const ordered = [
    ...channels.filter((channel) => channel.id === lastId),
    ...channels.filter((channel) => channel.id !== lastId),
  ];

  let page = 0;
  let filter = "";
  for (;;) {
    const view = renderPage(ctx, purpose, ordered, filter, page);
    await show(view.text, view.keyboard);
    const answer = await conversation.wait();
    const data = answer.callbackQuery?.data;
    if (data !== undefined) {
      const choice = pickerCallback.unpack(data);
      if (!choice) {
        await acknowledge(answer, { text: answer.t("button-expired") });
        continue;
      }
      const [action, value] = choice;
      if (action === "p") {
        page = value;
        await acknowledge(answer);
        continue;
      }
      if (action === "f") {
        filter = "";
        page = 0;
        await acknowledge(answer);
        continue;
      }
      const channel = ordered.find((candidate) => candidate.id === value);
      if (!channel) {
        await acknowledge(answer, { text: answer.t("picker-not-yours"), show_alert: true });
        continue;
      }
      await acknowledge(answer);
      await conversation.external(() =>
        deps.store.updateOperator(userId, { lastChannelId: channel.id }).then(() => undefined),
      );
      return { channel, ctx: answer, messageId };
    }
    const typed = answer.message?.text?.trim();
    if (typed && ordered.length > PICKER_PAGE_SIZE) {
      filter = typed.slice(0, FILTER_MAX);
      page = 0;
      // The list moves below the operator's message so it stays in view.
      await answer.api.deleteMessage(chatId, messageId).catch(() => undefined);
      messageId = (await answer.reply(answer.html("picker-loading"))).message_id;
      continue;
    }
    if (answer.message) {
      const hint = ordered.length > PICKER_PAGE_SIZE ? "picker-need-choice" : "picker-need-button";
      await answer.reply(answer.html(hint));
    }
  }
}
