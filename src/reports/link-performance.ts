import { z } from "zod";
import type { ChannelResult, PremiumpayClient, Sale } from "../premiumpay/index.js";
import { localDate } from "../time.js";
import type { Period } from "./periods.js";
import { type CurrencyTotal, salesWithin, summarizeSales, UNKNOWN_CURRENCY } from "./sales-summary.js";

export interface ChannelFigures {
  joins: number;
  leaves: number;
  joinRequests: number;
}

export interface LinkPerformanceRow extends ChannelFigures {
  /** The invitation link's URL; null for the "direct / no link" row. */
  link: string | null;
  /** The name the operator gave the link; empty for the direct row or a link premiumpay no longer lists. */
  name: string;
  sales: number;
  /** One entry per currency, largest first: amounts in different currencies are never added together. */
  revenue: CurrencyTotal[];
  /** Sales ÷ joins; undefined with no joins (a link with sales but no joins has no meaningful rate). */
  conversion: number | undefined;
}

export interface LinkPerformance {
  /** Every link, ranked by revenue (see `rankRows`); the direct row is not among them. */
  rows: LinkPerformanceRow[];
  /** Sales without a link and the joins the links do not account for. */
  direct: LinkPerformanceRow;
  totals: Omit<LinkPerformanceRow, "link" | "name">;
  /** The first and last ranked link with any join or sale; undefined when there is none (or only one, for worst). */
  best: LinkPerformanceRow | undefined;
  worst: LinkPerformanceRow | undefined;
}

const count = z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]).catch(0);
/** premiumpay decides the columns of channel results; these are the names it is known or expected to use. */
const resultRowSchema = z
  .looseObject({
    joins: count.optional(),
    joined: count.optional(),
    leaves: count.optional(),
    left: count.optional(),
    join_requests: count.optional(),
    requests: count.optional(),
  })
  .transform(
    (row): ChannelFigures => ({
      joins: row.joins ?? row.joined ?? 0,
      leaves: row.leaves ?? row.left ?? 0,
      joinRequests: row.join_requests ?? row.requests ?? 0,
    }),
  );

/** premiumpay's day of a results row (YYYY-MM-DD at the start of `date`, `day` or `created_at`), when it gives one. */
const resultDaySchema = z
  .looseObject({
    date: z.string().optional().catch(undefined),
    day: z.string().optional().catch(undefined),
  })
  .transform((row) => /^\d{4}-\d{2}-\d{2}/.exec(row.date ?? row.day ?? "")?.[0]);

const noFigures = (): ChannelFigures => ({ joins: 0, leaves: 0, joinRequests: 0 });

function addInto(sum: ChannelFigures, figures: ChannelFigures): void {
  sum.joins += figures.joins;
  sum.leaves += figures.leaves;
  sum.joinRequests += figures.joinRequests;
}

/** Channel results (one row per day) added up. */
export function addUpResults(rows: readonly ChannelResult[]): ChannelFigures {
  const sum = noFigures();
  for (const raw of rows) {
    const row = resultRowSchema.safeParse(raw);
    if (row.success) addInto(sum, row.data);
  }
  return sum;
}

/**
 * Channel results per day, by the date premiumpay writes on each row: it counts joins per day of its own and a day
 * cannot be split again, so a row is shown on the local day of the same date. Rows without a date are left out.
 */
function resultsByDay(rows: readonly ChannelResult[]): Map<string, ChannelFigures> {
  const days = new Map<string, ChannelFigures>();
  for (const raw of rows) {
    const row = resultRowSchema.safeParse(raw);
    const day = resultDaySchema.safeParse(raw);
    if (!row.success || !day.success || day.data === undefined) continue;
    const sum = days.get(day.data) ?? noFigures();
    addInto(sum, row.data);
    days.set(day.data, sum);
  }
  return days;
}

/** Sales ÷ joins; none without joins (a link with sales but no joins has no conversion, not an infinite one). */
export const conversion = (sales: number, joins: number) => (joins > 0 ? sales / joins : undefined);

/** The currency most sales were made in: rows are compared by their revenue in it, never across currencies. */
function mainCurrency(sales: readonly Sale[]): string {
  const counts = new Map<string, number>();
  for (const sale of sales) {
    const currency = sale.currency ?? UNKNOWN_CURRENCY;
    counts.set(currency, (counts.get(currency) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? UNKNOWN_CURRENCY;
}

const revenueIn = (row: LinkPerformanceRow, currency: string) =>
  row.revenue.find((total) => total.currency === currency)?.amount ?? 0;

/** By revenue in the main currency, then sales, then joins, then name. */
export function rankRows(rows: LinkPerformanceRow[], currency: string): LinkPerformanceRow[] {
  return rows.sort(
    (a, b) =>
      revenueIn(b, currency) - revenueIn(a, currency) ||
      b.sales - a.sales ||
      b.joins - a.joins ||
      a.name.localeCompare(b.name),
  );
}

export interface LinkInput {
  url: string;
  name: string;
  results: ChannelFigures;
}

/**
 * Pure: the channel's links with their results, the channel's own results and its sales, as ranked rows. Links
 * that sold but premiumpay no longer lists get a row of their own (no joins known).
 */
export function combineLinkPerformance(
  links: readonly LinkInput[],
  channel: ChannelFigures,
  sales: readonly Sale[],
): LinkPerformance {
  const summary = summarizeSales(sales);
  const byLink = new Map(summary.byLink.map((entry) => [entry.link, entry]));
  const row = (link: string | null, name: string, figures: ChannelFigures): LinkPerformanceRow => {
    const sold = byLink.get(link);
    const count = sold?.count ?? 0;
    return {
      link,
      name,
      ...figures,
      sales: count,
      revenue: sold?.totals ?? [],
      conversion: conversion(count, figures.joins),
    };
  };
  const listed = new Set(links.map((link) => link.url));
  const unlisted = summary.byLink.filter((entry) => entry.link !== null && !listed.has(entry.link));
  const rows = [
    ...links.map((link) => row(link.url, link.name, link.results)),
    ...unlisted.map((entry) => row(entry.link, "", { joins: 0, leaves: 0, joinRequests: 0 })),
  ];
  const linked = (key: keyof ChannelFigures) => rows.reduce((sum, r) => sum + r[key], 0);
  // What the channel counted that no link did: joins through no link (clamped: premiumpay's totals may lag).
  const direct = row(null, "", {
    joins: Math.max(0, channel.joins - linked("joins")),
    leaves: Math.max(0, channel.leaves - linked("leaves")),
    joinRequests: Math.max(0, channel.joinRequests - linked("joinRequests")),
  });
  const ranked = rankRows(rows, mainCurrency(sales));
  const active = ranked.filter((r) => r.joins > 0 || r.sales > 0);
  const totalJoins = Math.max(channel.joins, linked("joins"));
  return {
    rows: ranked,
    direct,
    totals: {
      joins: totalJoins,
      leaves: Math.max(channel.leaves, linked("leaves")),
      joinRequests: Math.max(channel.joinRequests, linked("joinRequests")),
      sales: summary.count,
      revenue: summary.totals,
      conversion: conversion(summary.count, totalJoins),
    },
    best: active[0],
    worst: active.length > 1 ? active.at(-1) : undefined,
  };
}

/** Links are asked for a few at a time: a channel with 30 links must not spend premiumpay's rate limit at once. */
const LINK_CONCURRENCY = 3;

/** Runs `task` over `items`, at most `limit` at once, results in order (a tiny pool: no dependency for 10 lines). */
async function inPool<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** What premiumpay answered for one channel and period; the list and every link's own screen are built from it. */
export interface LinkPerformanceSource {
  links: { url: string; name: string; results: ChannelResult[] }[];
  channelResults: ChannelResult[];
  sales: Sale[];
}

/**
 * premiumpay cost for one channel and period, bounded and independent of the number of sales: one channel list,
 * one channel sales request (grouped by link here), one channel results request for the channel and one per link.
 * Sales are counted by their own timestamps (salesWithin), as on /sales.
 */
export async function fetchLinkPerformanceSource(
  client: PremiumpayClient,
  channelId: number,
  period: Period,
): Promise<LinkPerformanceSource> {
  const range = { ...period, channelId };
  const [channels, channelResults, sales] = await Promise.all([
    client.channels({ includeLinks: true }),
    client.channelResults(range),
    client.channelSales(range),
  ]);
  const links = channels.find((channel) => channel.id === channelId)?.links ?? [];
  const perLink = await inPool(links, LINK_CONCURRENCY, async (link) => ({
    url: link.url,
    name: link.name,
    results: await client.channelResults({ ...range, invitationLink: link.url }),
  }));
  return { links: perLink, channelResults, sales: salesWithin(sales, period) };
}

export function linkPerformanceOf(source: LinkPerformanceSource): LinkPerformance {
  return combineLinkPerformance(
    source.links.map((link) => ({ url: link.url, name: link.name, results: addUpResults(link.results) })),
    addUpResults(source.channelResults),
    source.sales,
  );
}

export async function fetchLinkPerformance(
  client: PremiumpayClient,
  channelId: number,
  period: Period,
): Promise<LinkPerformance> {
  return linkPerformanceOf(await fetchLinkPerformanceSource(client, channelId, period));
}

/** One local day of one link (or of the direct row). */
export interface LinkDay extends ChannelFigures {
  /** YYYY-MM-DD in the operator's zone. */
  date: string;
  sales: number;
  /** One entry per currency, largest first. */
  revenue: CurrencyTotal[];
}

/**
 * A link's figures day by day over `days` (the period's local dates, in order): its results by premiumpay's date,
 * its sales by their local date in `zone`. The direct row (link null) gets the channel's joins no link accounts for
 * on each day, clamped at zero as in the list.
 */
export function linkDays(
  source: LinkPerformanceSource,
  link: string | null,
  days: readonly string[],
  zone: string,
): LinkDay[] {
  let figures: Map<string, ChannelFigures>;
  if (link === null) {
    const channel = resultsByDay(source.channelResults);
    const linked = source.links.map((entry) => resultsByDay(entry.results));
    figures = new Map(
      [...channel].map(([day, total]) => {
        const sumOf = (key: keyof ChannelFigures) =>
          Math.max(0, total[key] - linked.reduce((sum, byDay) => sum + (byDay.get(day)?.[key] ?? 0), 0));
        return [day, { joins: sumOf("joins"), leaves: sumOf("leaves"), joinRequests: sumOf("joinRequests") }];
      }),
    );
  } else {
    figures = resultsByDay(source.links.find((entry) => entry.url === link)?.results ?? []);
  }
  const salesByDay = new Map<string, Sale[]>();
  for (const sale of source.sales) {
    if ((sale.invitationLink ?? null) !== link || !sale.date) continue;
    const day = localDate(sale.date, zone);
    const daySales = salesByDay.get(day);
    if (daySales) daySales.push(sale);
    else salesByDay.set(day, [sale]);
  }
  return days.map((date) => {
    const summary = summarizeSales(salesByDay.get(date) ?? []);
    return { date, ...(figures.get(date) ?? noFigures()), sales: summary.count, revenue: summary.totals };
  });
}

export interface CachedLinkPerformance {
  source: LinkPerformanceSource;
  performance: LinkPerformance;
}

export interface LinkPerformanceCache {
  /**
   * The figures for an operator's channel and period, from premiumpay at most once per time to live; `fresh` asks
   * again (the Refresh button).
   */
  get(
    operatorId: number | string,
    client: PremiumpayClient,
    channelId: number,
    period: Period,
    zone: string,
    options?: { fresh?: boolean },
  ): Promise<CachedLinkPerformance>;
}

/**
 * The most rows (sales, result rows and links) the answers hold across operators: a busy channel's 30 days can be
 * tens of thousands of sales, so counting entries alone does not bound the memory. A row takes about 500 bytes of
 * heap (measured on the sandbox's sales), so the cap is about 25 MB. Written here rather than with lru-cache: its
 * clock cannot follow the bot's injected one (tests move it), and this is a Map in recency order plus two counters.
 */
export const LINK_PERFORMANCE_CACHE_MAX_ROWS = 50_000;

/** What an answer holds, in rows: its size in the cache. */
export function linkPerformanceRows(source: LinkPerformanceSource): number {
  let rows = source.sales.length + source.channelResults.length;
  for (const link of source.links) rows += 1 + link.results.length;
  return rows;
}

/**
 * Moving between the link screens asks premiumpay nothing new for a few minutes. An answer depends on the operator
 * (two operators never share figures), the channel and the period's local dates in the operator's zone: "last 7
 * days" asked at 10:15 and at 10:16 is the same entry. A period that reaches today is still growing, so it lives
 * `liveTtlMs` only. Concurrent asks share one fetch; a failure is not remembered.
 *
 * Bounded by what it holds: at most `maxRows` rows in all (the least recently used answers go first) and `maxEntries`
 * answers; expired answers are dropped when one is added or read. An answer larger than `maxRows` is returned but
 * not kept, so its screens ask again.
 */
export function createLinkPerformanceCache(options: {
  now: () => Date;
  ttlMs?: number;
  liveTtlMs?: number;
  maxEntries?: number;
  maxRows?: number;
}): LinkPerformanceCache {
  const ttlMs = options.ttlMs ?? 3 * 60_000;
  const liveTtlMs = options.liveTtlMs ?? 60_000;
  const maxEntries = options.maxEntries ?? 1_000;
  const maxRows = options.maxRows ?? LINK_PERFORMANCE_CACHE_MAX_ROWS;
  // Map order is the recency order: a hit moves its key to the end, so the first key is the least recently used.
  const answers = new Map<string, { until: number; rows: number; answer: CachedLinkPerformance }>();
  let rowsHeld = 0;
  // Asks still waiting for premiumpay hold no rows yet; they are shared, and kept apart so they are never evicted.
  const inFlight = new Map<string, Promise<CachedLinkPerformance>>();

  const drop = (key: string) => {
    const entry = answers.get(key);
    if (!entry) return;
    answers.delete(key);
    rowsHeld -= entry.rows;
  };
  const keep = (key: string, answer: CachedLinkPerformance, until: number) => {
    drop(key);
    const now = options.now().getTime();
    for (const [held, entry] of answers) if (now >= entry.until) drop(held);
    const rows = linkPerformanceRows(answer.source);
    if (rows > maxRows || now >= until) return;
    for (const oldest of answers.keys()) {
      if (rowsHeld + rows <= maxRows && answers.size < maxEntries) break;
      drop(oldest);
    }
    answers.set(key, { until, rows, answer });
    rowsHeld += rows;
  };

  return {
    get(operatorId, client, channelId, period, zone, { fresh = false } = {}) {
      const fromDate = localDate(period.from, zone);
      const toDate = localDate(period.to, zone);
      const key = `${operatorId}|${channelId}|${zone}|${fromDate}|${toDate}`;
      const at = options.now();
      const now = at.getTime();
      if (!fresh) {
        const pending = inFlight.get(key);
        if (pending) return pending;
        const cached = answers.get(key);
        if (cached && now < cached.until) {
          answers.delete(key);
          answers.set(key, cached);
          return Promise.resolve(cached.answer);
        }
      }
      drop(key);
      const until = now + (toDate >= localDate(at, zone) ? liveTtlMs : ttlMs);
      const value = fetchLinkPerformanceSource(client, channelId, period).then((source) => ({
        source,
        performance: linkPerformanceOf(source),
      }));
      inFlight.set(key, value);
      // Registered before the caller awaits, so the answer is kept by the time the caller sees it.
      value.then(
        (answer) => {
          // A Refresh asked while this one was on its way: the newer ask decides what is kept.
          if (inFlight.get(key) !== value) return;
          inFlight.delete(key);
          keep(key, answer, until);
        },
        () => {
          if (inFlight.get(key) === value) inFlight.delete(key);
        },
      );
      return value;
    },
  };
}
