import { InputFile } from "grammy";
import {
  type CaptionTexts,
  type LinkRevenue,
  localDays,
  revenueByLinkCaption,
  revenueByLinkChart,
} from "../../charts/index.js";
import { formatCount, formatTotals, INTL_LOCALE } from "../../format/numbers.js";
import { buttonLabel } from "../../format/text.js";
import {
  createLinkPerformanceCache,
  type LinkPerformance,
  type LinkPerformanceCache,
  type LinkPerformanceRow,
} from "../../reports/link-performance.js";
import type { Period, PeriodKind } from "../../reports/periods.js";
import type { BotDeps, FlowContext } from "../context.js";
import { withPremiumpay } from "../operator.js";
import { exportAction } from "../screens/export.js";
import {
  forEachPickedChannel,
  operatorZone,
  type PickedChannel,
  periodLine,
  periodReport,
  type Screen,
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

/** A row without sales says so in words rather than a revenue placeholder. */
function figuresLine(ctx: FlowContext, row: Omit<LinkPerformanceRow, "link" | "name">): string {
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
  const texts: CaptionTexts = {
    locale: ctx.locale,
    zone,
    plain: (key, variables) => ctx.t(key, variables),
    html: (key, variables) => ctx.html(key, variables),
  };
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

/**
 * /links: a channel, a period, then each invitation link's joins, leaves, requests, sales, revenue and conversion,
 * ranked by revenue, with a chart and the period's sales as a CSV file on request.
 */
export async function linksFlow(screen: Screen): Promise<void> {
  const { deps } = screen.ctx;
  const userId = screen.ctx.from!.id;
  const zone = await operatorZone(screen);
  await forEachPickedChannel(screen, screen.ctx.html("links-purpose"), async (channel) => {
    await periodReport(screen, zone, screen.ctx.html("links-title", { channel: channel.name }), {
      retryStep: LINKS,
      fetch: (period) =>
        withPremiumpay(deps, userId, (client) => cacheOf(deps).get(userId, client, channel.id, period)),
      render: (ctx, figures, kind, period) => renderLinks(ctx, channel, zone, figures, kind, period),
      otherKey: "sales-another-channel",
      actions: [
        {
          action: "chart",
          labelKey: "links-chart-button",
          run: (flowScreen, figures, _kind, period) =>
            sendLinksChart(flowScreen, channel, zone, figures, period),
        },
        exportAction(channel, zone, LINKS),
      ],
    });
  });
}
