import { InlineKeyboard } from "grammy";
import {
  localBounds,
  PERIOD_KINDS,
  type Period,
  type PeriodKind,
  periodOf,
  yesterdayUntilSameTime,
} from "../../reports/periods.js";
import { type SalesSummary, summarizeSales } from "../../reports/sales-summary.js";
import { acknowledge } from "../callback-data/acknowledge.js";
import { cancelCallback, retryCallback } from "../callback-data/index.js";
import { periodCallback, salesLinkCallback, salesViewCallback } from "../callback-data/sales.js";
import type { BotDeps, FlowContext } from "../context.js";
import type { Outcome } from "../errors.js";
import { editOrSend } from "../format/edit.js";
import { formatChange, formatTotals } from "../format/numbers.js";
import { buttonLabel } from "../format/text.js";
import { retryKeyboard } from "../keyboards/index.js";
import { failureText, withPremiumpay } from "../operator.js";
import { type PickedChannel, pickChannel } from "./channel-picker.js";
import { flowNow } from "./clock.js";
import type { Flow } from "./types.js";

export const SALES = "sales";

/** The periods /sales offers as buttons; "today" is compared with yesterday at the same hour. */
const SALES_PERIODS: readonly PeriodKind[] = ["today", "yesterday", "last7"];
/** Telegram refuses keyboards of more than 100 buttons; "All links" still covers the links beyond this. */
const MAX_LINK_BUTTONS = 40;
/** A long tail of links would push the totals out of view; the rest are counted in one line. */
const MAX_LINK_LINES = 15;

// ---------------------------------------------------------------------------------------------
// Building blocks shared by /sales, /results and /report.

/** The operator's own time zone, or the bot's default. */
export function operatorZone(conversation: Flow, deps: BotDeps, userId: number): Promise<string> {
  return conversation.external(
    async () => (await deps.store.getOperator(userId))?.timezone ?? deps.config.defaultTimezone,
  );
}

interface ButtonCodec<V> {
  unpack(data: string | undefined): V | undefined;
}

/**
 * Waits for a press of one of `codec`'s buttons and answers it. Buttons of other screens (or forged ones, or those
 * `accept` refuses) are answered as expired; typed text is told to use the buttons.
 */
export async function waitForButton<V>(
  conversation: Flow,
  codec: ButtonCodec<V>,
  accept: (value: V) => boolean = () => true,
): Promise<{ ctx: FlowContext; value: V }> {
  for (;;) {
    const answer = await conversation.wait();
    const data = answer.callbackQuery?.data;
    if (data !== undefined) {
      const value = codec.unpack(data);
      if (value === undefined || !accept(value)) {
        await acknowledge(answer, { text: answer.t("button-expired") });
        continue;
      }
      await acknowledge(answer);
      return { ctx: answer, value };
    }
    if (answer.message) await answer.reply(answer.html("sales-use-buttons"));
  }
}

const isPeriodKind = (value: string): value is PeriodKind =>
  (PERIOD_KINDS as readonly string[]).includes(value);

/** One button per period, two a row, then Cancel: the first choice of /results and /report. */
function periodChoiceKeyboard(ctx: FlowContext, kinds: readonly PeriodKind[]): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  kinds.forEach((kind, index) => {
    keyboard.text(ctx.t(`period-button-${kind}`), periodCallback.pack(kind));
    if (index % 2 === 1) keyboard.row();
  });
  return keyboard.row().text(ctx.t("button-cancel"), cancelCallback.pack());
}

/**
 * Asks "Which period?" under `titleHtml` in `messageId` and returns the period picked, with the message that asked
 * (a new one if the operator deleted `messageId`).
 */
export async function choosePeriod(
  conversation: Flow,
  ctx: FlowContext,
  messageId: number,
  titleHtml: string,
  kinds: readonly PeriodKind[],
): Promise<{ ctx: FlowContext; kind: PeriodKind; messageId: number }> {
  const text = `${titleHtml}\n${ctx.html("period-choose")}`;
  const shownIn = await editOrSend(ctx.api, ctx.chat!.id, messageId, text, {
    reply_markup: periodChoiceKeyboard(ctx, kinds),
  });
  const { ctx: answer, value } = await waitForButton(conversation, periodCallback, ([kind]) =>
    kinds.includes(kind),
  );
  return { ctx: answer, kind: value[0], messageId: shownIn };
}

/** "Today, 2026-03-29 until 10:15 (Europe/Madrid)", "Yesterday, …", "Last 7 days: …". */
export function periodLine(ctx: FlowContext, kind: PeriodKind, period: Period, zone: string): string {
  const bounds = localBounds(period, zone);
  switch (kind) {
    case "today":
      return ctx.html("period-line-today", { date: bounds.toDate, time: bounds.toTime, zone });
    case "yesterday":
      return ctx.html("period-line-yesterday", { date: bounds.fromDate, zone });
    case "last7":
    case "last30":
      return ctx.html("period-line-days", {
        days: kind === "last7" ? 7 : 30,
        from: bounds.fromDate,
        to: bounds.toDate,
        time: bounds.toTime,
        zone,
      });
  }
}

function resultKeyboard(
  ctx: FlowContext,
  current: PeriodKind,
  kinds: readonly PeriodKind[],
  otherKey: string,
) {
  const keyboard = new InlineKeyboard()
    .text(ctx.t("period-button-refresh"), salesViewCallback.pack("refresh"))
    .row();
  for (const kind of kinds) {
    if (kind !== current) keyboard.text(ctx.t(`period-button-${kind}`), salesViewCallback.pack(kind));
  }
  return keyboard
    .row()
    .text(ctx.t(otherKey), salesViewCallback.pack("other"))
    .text(ctx.t("button-cancel"), cancelCallback.pack());
}

export interface PeriodScreen<T> {
  /** The period buttons offered under the figures. */
  kinds: readonly PeriodKind[];
  initial: PeriodKind;
  /** Name of the retry step (for the Retry button's payload). */
  retryStep: string;
  /** Runs inside `conversation.external`: the value must be JSON-safe. */
  fetch: (period: Period, kind: PeriodKind, now: Date) => Promise<Outcome<T>>;
  render: (ctx: FlowContext, data: T, kind: PeriodKind, period: Period) => string;
  /** Label key of the "start over" button (another channel, another report). */
  otherKey: string;
}

/**
 * Shows the figures of a period in `messageId`, refreshed and switched to other periods in place, with Retry when
 * premiumpay fails; if the operator deletes the message, the figures carry on in a new one. Returns the context of
 * the "start over" click, its keyboard already removed.
 */
export async function showPeriodScreen<T>(
  conversation: Flow,
  ctx: FlowContext,
  messageId: number,
  zone: string,
  screen: PeriodScreen<T>,
): Promise<FlowContext> {
  const chatId = ctx.chat!.id;
  let current = ctx;
  let kind = screen.initial;
  let shownIn = messageId;
  for (;;) {
    const now = await flowNow(conversation, ctx.deps);
    const period = periodOf(kind, now, zone);
    const outcome = await conversation.external(() => screen.fetch(period, kind, now));
    if (!outcome.ok) {
      shownIn = await editOrSend(current.api, chatId, shownIn, failureText(current, outcome), {
        reply_markup: retryKeyboard(current, screen.retryStep),
      });
      current = (await waitForButton(conversation, retryCallback)).ctx;
      continue;
    }
    shownIn = await editOrSend(
      current.api,
      chatId,
      shownIn,
      screen.render(current, outcome.value, kind, period),
      {
        reply_markup: resultKeyboard(current, kind, screen.kinds, screen.otherKey),
      },
    );
    // Only the periods this screen offers: /sales has no 30-day button, so a forged one is refused.
    const { ctx: answer, value } = await waitForButton(conversation, salesViewCallback, ([action]) =>
      isPeriodKind(action) ? screen.kinds.includes(action) : true,
    );
    const [action] = value;
    current = answer;
    if (action === "other") {
      // The figures stay in the chat as a record; only their buttons go.
      await answer.api
        .editMessageReplyMarkup(chatId, shownIn, { reply_markup: undefined })
        .catch(() => undefined);
      return answer;
    }
    if (isPeriodKind(action)) kind = action;
  }
}

// ---------------------------------------------------------------------------------------------
// /sales

interface SalesFigures {
  current: SalesSummary;
  /** Yesterday until the same local time; only for "today". */
  previous: SalesSummary | null;
}

type ChosenLink = PickedChannel["links"][number] | null;

async function chooseLink(
  conversation: Flow,
  ctx: FlowContext,
  messageId: number,
  channel: PickedChannel,
): Promise<{ ctx: FlowContext; link: ChosenLink; messageId: number }> {
  if (channel.links.length === 0) return { ctx, link: null, messageId };
  const keyboard = new InlineKeyboard()
    .text(ctx.t("sales-all-links-button"), salesLinkCallback.pack("all", 0))
    .row();
  channel.links.slice(0, MAX_LINK_BUTTONS).forEach((link, index) => {
    keyboard.text(buttonLabel(link.name || link.url), salesLinkCallback.pack("one", index)).row();
  });
  keyboard.text(ctx.t("button-cancel"), cancelCallback.pack());
  const shownIn = await editOrSend(
    ctx.api,
    ctx.chat!.id,
    messageId,
    ctx.html("sales-choose-link", { channel: channel.name }),
    { reply_markup: keyboard },
  );
  const { ctx: answer, value } = await waitForButton(
    conversation,
    salesLinkCallback,
    ([scope, index]) => scope === "all" || index < Math.min(channel.links.length, MAX_LINK_BUTTONS),
  );
  const [scope, index] = value;
  return {
    ctx: answer,
    link: scope === "all" ? null : (channel.links[index] ?? null),
    messageId: shownIn,
  };
}

function fetchSales(
  deps: BotDeps,
  userId: number,
  channelId: number,
  link: ChosenLink,
  zone: string,
): PeriodScreen<SalesFigures>["fetch"] {
  return (period, kind, now) =>
    withPremiumpay(deps, userId, async (client) => {
      const salesIn = async (range: Period) =>
        summarizeSales(
          await client.channelSales({
            channelId,
            from: range.from,
            to: range.to,
            ...(link ? { invitationLink: link.url } : {}),
          }),
        );
      const current = await salesIn(period);
      const previous = kind === "today" ? await salesIn(yesterdayUntilSameTime(now, zone)) : null;
      return { current, previous };
    });
}

function renderSales(
  ctx: FlowContext,
  channel: PickedChannel,
  link: ChosenLink,
  zone: string,
  figures: SalesFigures,
  kind: PeriodKind,
  period: Period,
): string {
  const { locale } = ctx;
  const { current, previous } = figures;
  const linkNames = new Map(channel.links.map((known) => [known.url, known.name || known.url]));
  const lines = [
    link
      ? ctx.html("sales-title-link", { channel: channel.name, link: link.name || link.url })
      : ctx.html("sales-title", { channel: channel.name }),
    periodLine(ctx, kind, period, zone),
    "",
    ctx.html("sales-count", { count: current.count }),
    ctx.html("sales-total", { totals: formatTotals(current.totals, locale) }),
  ];
  if (!link && current.count > 0) {
    lines.push("", ctx.html("sales-by-link"));
    for (const entry of current.byLink.slice(0, MAX_LINK_LINES)) {
      const name = entry.link === null ? ctx.t("sales-direct") : (linkNames.get(entry.link) ?? entry.link);
      lines.push(
        ctx.html("sales-link-line", {
          link: name,
          count: entry.count,
          totals: formatTotals(entry.totals, locale),
        }),
      );
    }
    const hidden = current.byLink.length - MAX_LINK_LINES;
    if (hidden > 0) lines.push(ctx.html("sales-more-links", { count: hidden }));
  }
  if (previous) {
    const change = formatChange(current.count, previous.count, locale);
    lines.push(
      "",
      ctx.html("sales-compare", {
        time: localBounds(period, zone).toTime,
        count: previous.count,
        totals: formatTotals(previous.totals, locale),
      }),
      change !== undefined
        ? ctx.html("sales-change", { change })
        : ctx.html(current.count > 0 ? "sales-change-new" : "sales-change-none"),
    );
  }
  return lines.join("\n");
}

/** /sales: a channel (and optionally one of its links), then today's sales compared with yesterday at this hour. */
export async function salesConversation(conversation: Flow, ctx: FlowContext): Promise<void> {
  const { deps } = ctx;
  const userId = ctx.from!.id;
  const zone = await operatorZone(conversation, deps, userId);
  let current = ctx;
  for (;;) {
    const picked = await pickChannel(conversation, current, current.html("sales-purpose"));
    if (!picked) return;
    const { channel } = picked;
    const chosen = await chooseLink(conversation, picked.ctx, picked.messageId, channel);
    current = await showPeriodScreen(conversation, chosen.ctx, chosen.messageId, zone, {
      kinds: SALES_PERIODS,
      initial: "today",
      retryStep: SALES,
      fetch: fetchSales(deps, userId, channel.id, chosen.link, zone),
      render: (screenCtx, figures, kind, period) =>
        renderSales(screenCtx, channel, chosen.link, zone, figures, kind, period),
      otherKey: "sales-another-channel",
    });
  }
}
