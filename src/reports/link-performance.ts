import { z } from "zod";
import type { ChannelResult, PremiumpayClient, Sale } from "../premiumpay/index.js";
import type { Period } from "./periods.js";
import { type CurrencyTotal, summarizeSales, UNKNOWN_CURRENCY } from "./sales-summary.js";

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

/** Channel results (one row per day) added up. */
export function addUpResults(rows: readonly ChannelResult[]): ChannelFigures {
  const sum: ChannelFigures = { joins: 0, leaves: 0, joinRequests: 0 };
  for (const raw of rows) {
    const row = resultRowSchema.safeParse(raw);
    if (!row.success) continue;
    sum.joins += row.data.joins;
    sum.leaves += row.data.leaves;
    sum.joinRequests += row.data.joinRequests;
  }
  return sum;
}

const conversion = (sales: number, joins: number) => (joins > 0 ? sales / joins : undefined);

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

/**
 * premiumpay cost for one channel and period, bounded and independent of the number of sales: one channel list,
 * one channel sales request (grouped by link here), one channel results request for the channel and one per link.
 */
export async function fetchLinkPerformance(
  client: PremiumpayClient,
  channelId: number,
  period: Period,
): Promise<LinkPerformance> {
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
    results: addUpResults(await client.channelResults({ ...range, invitationLink: link.url })),
  }));
  return combineLinkPerformance(perLink, addUpResults(channelResults), sales);
}

export interface LinkPerformanceCache {
  /** The figures for an operator's channel and period, from premiumpay at most once per `ttlMs`. */
  get(
    operatorId: number | string,
    client: PremiumpayClient,
    channelId: number,
    period: Period,
  ): Promise<LinkPerformance>;
}

/**
 * Moving between the link screens asks premiumpay nothing new for a few minutes. Keyed by operator, so two
 * operators never share figures; concurrent asks share one fetch; a failure is not remembered.
 */
export function createLinkPerformanceCache(options: {
  now: () => Date;
  ttlMs?: number;
  maxEntries?: number;
}): LinkPerformanceCache {
  const ttlMs = options.ttlMs ?? 3 * 60_000;
  const maxEntries = options.maxEntries ?? 1_000;
  const entries = new Map<string, { at: number; value: Promise<LinkPerformance> }>();
  return {
    get(operatorId, client, channelId, period) {
      const key = `${operatorId}|${channelId}|${period.from.toISOString()}|${period.to.toISOString()}`;
      const now = options.now().getTime();
      const cached = entries.get(key);
      if (cached && now - cached.at < ttlMs) return cached.value;
      const value = fetchLinkPerformance(client, channelId, period);
      entries.delete(key);
      // Map order is insertion order: the first key is the oldest entry.
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value!);
      entries.set(key, { at: now, value });
      value.catch(() => {
        if (entries.get(key)?.value === value) entries.delete(key);
      });
      return value;
    },
  };
}
