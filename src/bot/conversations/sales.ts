import { InlineKeyboard } from "grammy";
import { type DailyTotals, dailyTotals } from "../../charts/index.js";
import { formatChange, formatTotals } from "../../format/numbers.js";
import { buttonLabel } from "../../format/text.js";
import { localBounds, type Period, type PeriodKind, yesterdayUntilSameTime } from "../../reports/periods.js";
import { type SalesSummary, salesWithin, summarizeSales } from "../../reports/sales-summary.js";
import { cancelCallback } from "../callback-data/index.js";
import { salesLinkCallback } from "../callback-data/sales.js";
import type { BotDeps, FlowContext } from "../context.js";
import { withPremiumpay } from "../operator.js";
import { sendSalesPerDayChart } from "../screens/charts.js";
import { exportAction } from "../screens/export.js";
import {
  forEachPickedChannel,
  operatorZone,
  type PeriodScreen,
  type PickedChannel,
  periodLine,
  type Screen,
  sendBelow,
  showPeriodScreen,
  totalLine,
} from "../screens/index.js";
import { showLinkPerformance } from "./links.js";

export const SALES = "sales";

/** The periods /sales offers as buttons; "today" is compared with yesterday at the same hour. */
const SALES_PERIODS: readonly PeriodKind[] = ["today", "yesterday", "last7"];
/** Telegram refuses keyboards of more than 100 buttons; "All links" still covers the links beyond this. */
const MAX_LINK_BUTTONS = 40;
/** A long tail of links would push the totals out of view; the rest are counted in one line. */
const MAX_LINK_LINES = 15;

// ---------------------------------------------------------------------------------------------
// /sales

interface SalesFigures {
  current: SalesSummary;
  /** Yesterday until the same local time; only for "today". */
  previous: SalesSummary | null;
  /** Per local day and currency, for the chart; only for periods of several days. */
  daily: DailyTotals | null;
}

/** A chart of days needs several of them: "today" and "yesterday" are one bar. */
const isMultiDay = (kind: PeriodKind) => kind !== "today" && kind !== "yesterday";

type ChosenLink = PickedChannel["links"][number] | null;

async function chooseLink(screen: Screen, channel: PickedChannel): Promise<ChosenLink> {
  if (channel.links.length === 0) return null;
  const { ctx } = screen;
  const keyboard = new InlineKeyboard()
    .text(ctx.t("sales-all-links-button"), salesLinkCallback.pack("all", 0))
    .row();
  channel.links.slice(0, MAX_LINK_BUTTONS).forEach((link, index) => {
    keyboard.text(buttonLabel(link.name || link.url), salesLinkCallback.pack("one", index)).row();
  });
  keyboard.text(ctx.t("button-cancel"), cancelCallback.pack());
  await screen.show(ctx.html("sales-choose-link", { channel: channel.name }), keyboard);
  const { value } = await screen.button(salesLinkCallback, {
    accept: ([scope, index]) => scope === "all" || index < Math.min(channel.links.length, MAX_LINK_BUTTONS),
    hintKey: "sales-use-buttons",
  });
  const [scope, index] = value;
  return scope === "all" ? null : (channel.links[index] ?? null);
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
        salesWithin(
          await client.channelSales({
            channelId,
            from: range.from,
            to: range.to,
            ...(link ? { invitationLink: link.url } : {}),
          }),
          range,
        );
      const sales = await salesIn(period);
      const previous =
        kind === "today" ? summarizeSales(await salesIn(yesterdayUntilSameTime(now, zone))) : null;
      const daily = isMultiDay(kind) ? dailyTotals(sales, period, zone) : null;
      return { current: summarizeSales(sales), previous, daily };
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
    totalLine(ctx, current.totals),
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
  if (previous && previous.count === 0) {
    // The line says yesterday had no sales: no "0 sales · 0.00", an amount without a currency.
    lines.push("", ctx.html(current.count > 0 ? "sales-change-new" : "sales-change-none"));
  } else if (previous) {
    lines.push(
      "",
      ctx.html("sales-compare", {
        time: localBounds(period, zone).toTime,
        count: previous.count,
        totals: formatTotals(previous.totals, locale),
      }),
      // Yesterday had sales here, so there is a change to give.
      ctx.html("sales-change", { change: formatChange(current.count, previous.count, locale)! }),
    );
  }
  return lines.join("\n");
}

const chartHeading = (channel: PickedChannel, link: ChosenLink) =>
  link ? `${channel.name} · ${link.name || link.url}` : channel.name;

/**
 * /sales: a channel (and optionally one of its links), then today's sales compared with yesterday at this hour;
 * "🔗 Links" opens the channel's link figures for the period shown, and comes back.
 */
export async function salesFlow(screen: Screen): Promise<void> {
  const { deps } = screen.ctx;
  const userId = screen.ctx.from!.id;
  const zone = await operatorZone(screen);
  await forEachPickedChannel(screen, screen.ctx.html("sales-purpose"), async (channel) => {
    const link = await chooseLink(screen, channel);
    await showPeriodScreen(screen, zone, {
      kinds: SALES_PERIODS,
      initial: "today",
      retryStep: SALES,
      fetch: fetchSales(deps, userId, channel.id, link, zone),
      render: (screenCtx, figures, kind, period) =>
        renderSales(screenCtx, channel, link, zone, figures, kind, period),
      otherKey: "sales-another-channel",
      actions: [
        {
          action: "chart",
          labelKey: "sales-chart-button",
          available: isMultiDay,
          run: sendBelow(async (flowScreen, { daily }) => {
            if (!daily) return;
            const { ctx, chatId } = flowScreen;
            const heading = chartHeading(channel, link);
            await flowScreen.conversation.external((outside) =>
              sendSalesPerDayChart(outside, ctx, { chatId, heading, zone, daily, fileName: "sales.png" }),
            );
          }),
        },
        // One link chosen: its sales only, as the figures above show.
        exportAction({ channel, link: link ?? undefined }, zone, SALES),
        {
          action: "links",
          labelKey: "sales-links-button",
          run: async (flowScreen, _figures, kind) => {
            await showLinkPerformance(flowScreen, channel, zone, kind);
            return "back";
          },
        },
      ],
    });
  });
}
