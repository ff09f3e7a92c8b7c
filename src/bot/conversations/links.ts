import { InlineKeyboard, InputFile } from "grammy";
import {
  type DailyTotals,
  dailyTotals,
  type LinkRevenue,
  localDays,
  revenueByLinkCaption,
  revenueByLinkChart,
} from "../../charts/index.js";
import { trusted } from "../../format/html.js";
import { formatCount, formatTotals, INTL_LOCALE } from "../../format/numbers.js";
import { buttonLabel } from "../../format/text.js";
import {
  conversion,
  createLinkPerformanceCache,
  type LinkDay,
  type LinkPerformance,
  type LinkPerformanceCache,
  type LinkPerformanceRow,
  linkDays,
} from "../../reports/link-performance.js";
import { PERIOD_KINDS, type Period, type PeriodKind } from "../../reports/periods.js";
import { cancelCallback } from "../callback-data/index.js";
import { linkBackCallback } from "../callback-data/sales.js";
import type { BotDeps, FlowContext } from "../context.js";
import { withPremiumpay } from "../operator.js";
import { captionTexts, sendSalesPerDayChart } from "../screens/charts.js";
import { exportAction } from "../screens/export.js";
import {
  fetchWithRetry,
  forEachPickedChannel,
  operatorZone,
  type PeriodScreen,
  type PickedChannel,
  periodLine,
  periodReport,
  type Screen,
  sendBelow,
  showPeriodScreen,
} from "../screens/index.js";

export const LINKS = "links";

/** The rest of a channel's links are counted in one line, so the totals stay in view and under Telegram's limit. */
const MAX_LINK_ROWS = 15;
/** Link names are the operator's own and may be long; the figures must stay on their line. */
const NAME_CHARS = 40;

/** One cache per bot (its deps): moving between periods and back asks premiumpay nothing new for a few minutes. */
const caches = new WeakMap<BotDeps, LinkPerformanceCache>();
function cacheOf(deps: BotDeps): LinkPerformanceCache {
  let cache = caches.get(deps);
  if (!cache) {
    cache = createLinkPerformanceCache({ now: deps.now });
    caches.set(deps, cache);
  }
  return cache;
}

function rowName(ctx: FlowContext, row: LinkPerformanceRow): string {
  return row.link === null ? ctx.t("links-direct") : buttonLabel(row.name || row.link, NAME_CHARS);
}

function conversionText(ctx: FlowContext, conversion: number | undefined): string {
  if (conversion === undefined) return ctx.t("links-no-conversion");
  return new Intl.NumberFormat(INTL_LOCALE[ctx.locale], {
    style: "percent",
    maximumFractionDigits: 1,
  }).format(conversion);
}

type Figures = Omit<LinkPerformanceRow, "link" | "name" | "conversion"> & { conversion?: number | undefined };

/** A row without sales says so in words rather than a revenue placeholder. */
function figuresLine(ctx: FlowContext, row: Figures): string {
  const { locale } = ctx;
  const counts = {
    joins: formatCount(row.joins, locale),
    leaves: formatCount(row.leaves, locale),
    requests: formatCount(row.joinRequests, locale),
    conversion: conversionText(ctx, row.conversion),
  };
  if (row.sales === 0) return ctx.html("links-figures-no-sales", counts);
  return ctx.html("links-figures", {
    ...counts,
    sales: row.sales,
    revenue: formatTotals(row.revenue, locale),
  });
}

function renderLinks(
  ctx: FlowContext,
  channel: PickedChannel,
  zone: string,
  figures: LinkPerformance,
  kind: PeriodKind,
  period: Period,
): string {
  const lines = [ctx.html("links-title", { channel: channel.name }), periodLine(ctx, kind, period, zone), ""];
  if (figures.rows.length === 0) lines.push(ctx.html("links-none"), "");
  figures.rows.slice(0, MAX_LINK_ROWS).forEach((row, index) => {
    lines.push(ctx.html("links-row", { rank: index + 1, name: rowName(ctx, row) }), figuresLine(ctx, row));
  });
  const hidden = figures.rows.length - MAX_LINK_ROWS;
  if (hidden > 0) lines.push(ctx.html("links-more", { count: hidden }));
  lines.push(
    ctx.html("links-direct-row", { name: rowName(ctx, figures.direct) }),
    figuresLine(ctx, figures.direct),
    "",
    ctx.html("links-totals"),
    figuresLine(ctx, figures.totals),
  );
  const callout = (key: string, row: LinkPerformanceRow | undefined) => {
    if (!row) return;
    const named = { name: rowName(ctx, row), conversion: conversionText(ctx, row.conversion) };
    lines.push(
      row.sales === 0
        ? ctx.html(`${key}-no-sales`, named)
        : ctx.html(key, { ...named, sales: row.sales, revenue: formatTotals(row.revenue, ctx.locale) }),
    );
  };
  if (figures.best || figures.worst) lines.push("");
  callout("links-best", figures.best);
  callout("links-worst", figures.worst);
  return lines.join("\n");
}

/** The chart's bars: every link that sold, and the direct sales (the chart ranks and groups by currency). */
function chartLinks(figures: LinkPerformance): LinkRevenue[] {
  return [...figures.rows, figures.direct]
    .filter((row) => row.sales > 0)
    .map((row) => ({
      name: row.link === null ? null : row.name || row.link,
      count: row.sales,
      totals: row.revenue,
    }));
}

/** Renders the revenue-by-link PNG and sends it as a photo with its caption, all in `conversation.external`. */
async function sendLinksChart(
  screen: Screen,
  channel: PickedChannel,
  zone: string,
  figures: LinkPerformance,
  period: Period,
): Promise<void> {
  const { ctx, chatId } = screen;
  const texts = captionTexts(ctx, zone);
  await screen.conversation.external(async (outside) => {
    const days = localDays(period, zone);
    const range = { first: days[0] ?? "", last: days.at(-1) ?? days[0] ?? "" };
    const links = chartLinks(figures);
    const heading = { name: channel.name };
    const image = await revenueByLinkChart(links, range, heading, texts.locale, texts.plain);
    await outside.api.sendPhoto(chatId, new InputFile(image.png, "links.png"), {
      caption: revenueByLinkCaption(links, range, heading, texts),
      parse_mode: "HTML",
    });
  });
}

/** The rows that get a button of their own on the list: the ranked links shown, then the direct row. */
function openableRows(figures: LinkPerformance): LinkPerformanceRow[] {
  return [...figures.rows.slice(0, MAX_LINK_ROWS), figures.direct];
}

function entryLabels(ctx: FlowContext, figures: LinkPerformance): string[] {
  return openableRows(figures).map((row, index) =>
    row.link === null ? ctx.t("links-direct") : `${index + 1}. ${rowName(ctx, row)}`,
  );
}

/** A link's days, and its sales per day and currency for the chart: JSON-safe, kept by the flow. */
interface LinkDaysView {
  days: LinkDay[];
  daily: DailyTotals;
}

function renderLinkDays(
  ctx: FlowContext,
  channel: PickedChannel,
  row: LinkPerformanceRow,
  zone: string,
  view: LinkDaysView,
  kind: PeriodKind,
  period: Period,
): string {
  const lines = [
    ctx.html("links-day-title", { channel: channel.name, name: rowName(ctx, row) }),
    periodLine(ctx, kind, period, zone),
    "",
  ];
  const active = view.days.filter((day) => day.joins + day.leaves + day.joinRequests + day.sales > 0);
  if (active.length === 0) lines.push(ctx.html("links-day-none"));
  const dayFormat = new Intl.DateTimeFormat(INTL_LOCALE[ctx.locale], {
    weekday: "short",
    day: "numeric",
    month: "short",
    timeZone: "UTC",
  });
  for (const day of active) {
    lines.push(
      ctx.html("links-day", {
        day: dayFormat.format(new Date(`${day.date}T00:00:00Z`)),
        figures: trusted(figuresLine(ctx, { ...day, conversion: conversion(day.sales, day.joins) })),
      }),
    );
  }
  lines.push("", ctx.html("links-totals"), figuresLine(ctx, row));
  return lines.join("\n");
}

/**
 * A link's own screen: its figures day by day with a chart of its sales per day above, and a button back to the
 * list. The figures come from the same cached answer as the list: opening links asks premiumpay nothing new (unless
 * the answer is larger than the cache's row cap and was not kept).
 */
async function showLinkDays(
  screen: Screen,
  channel: PickedChannel,
  zone: string,
  row: LinkPerformanceRow,
  kind: PeriodKind,
  period: Period,
): Promise<void> {
  const { deps } = screen.ctx;
  const userId = screen.ctx.from!.id;
  const view = await fetchWithRetry(screen, LINKS, () =>
    withPremiumpay(deps, userId, async (client): Promise<LinkDaysView> => {
      const { source } = await cacheOf(deps).get(userId, client, channel.id, period, zone);
      const days = localDays(period, zone);
      const sales = source.sales.filter((sale) => (sale.invitationLink ?? null) === row.link);
      return { days: linkDays(source, row.link, days, zone), daily: dailyTotals(sales, period, zone) };
    }),
  );
  await screen.retire();
  const ctx = screen.ctx;
  const heading = `${channel.name} · ${rowName(ctx, row)}`;
  await screen.conversation.external((outside) =>
    sendSalesPerDayChart(outside, ctx, {
      chatId: screen.chatId,
      heading,
      zone,
      daily: view.daily,
      fileName: "link-days.png",
    }),
  );
  const keyboard = new InlineKeyboard()
    .text(ctx.t("links-back-button"), linkBackCallback.pack())
    .text(ctx.t("button-cancel"), cancelCallback.pack());
  await screen.send(renderLinkDays(ctx, channel, row, zone, view, kind, period), keyboard);
  await screen.button(linkBackCallback, { hintKey: "sales-use-buttons" });
}

/**
 * A channel's link figures as a period screen: each invitation link's joins, leaves, requests, sales, revenue and
 * conversion, ranked by revenue, with a chart and the period's sales as a CSV file on request; each link opens its
 * figures day by day.
 */
function linkPerformanceScreen(
  screen: Screen,
  channel: PickedChannel,
  zone: string,
): Omit<PeriodScreen<LinkPerformance>, "kinds" | "initial" | "otherKey"> {
  const { deps } = screen.ctx;
  const userId = screen.ctx.from!.id;
  return {
    retryStep: LINKS,
    fetch: (period, _kind, _now, fresh) =>
      withPremiumpay(deps, userId, async (client) => {
        const cached = await cacheOf(deps).get(userId, client, channel.id, period, zone, { fresh });
        return cached.performance;
      }),
    render: (ctx, figures, kind, period) => renderLinks(ctx, channel, zone, figures, kind, period),
    actions: [
      {
        action: "chart",
        labelKey: "links-chart-button",
        run: sendBelow((flowScreen, figures, _kind, period) =>
          sendLinksChart(flowScreen, channel, zone, figures, period),
        ),
      },
      exportAction({ channel }, zone, LINKS),
    ],
    entries: {
      labels: entryLabels,
      open: (flowScreen, figures, index, kind, period) =>
        showLinkDays(flowScreen, channel, zone, openableRows(figures)[index]!, kind, period),
    },
  };
}

/** The link figures of a channel opened from its /sales screen, for the same period; "Back to sales" returns. */
export function showLinkPerformance(
  screen: Screen,
  channel: PickedChannel,
  zone: string,
  initial: PeriodKind,
): Promise<void> {
  return showPeriodScreen(screen, zone, {
    ...linkPerformanceScreen(screen, channel, zone),
    kinds: PERIOD_KINDS,
    initial,
    otherKey: "links-back-to-sales",
  });
}

/** /links: a channel, a period, then its link figures (see `linkPerformanceScreen`). */
export async function linksFlow(screen: Screen): Promise<void> {
  const zone = await operatorZone(screen);
  await forEachPickedChannel(screen, screen.ctx.html("links-purpose"), async (channel) => {
    await periodReport(screen, zone, screen.ctx.html("links-title", { channel: channel.name }), {
      ...linkPerformanceScreen(screen, channel, zone),
      otherKey: "sales-another-channel",
    });
  });
}
