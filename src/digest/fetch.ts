import { type DailyTotals, dailyTotals } from "../charts/index.js";
import type { Limiter } from "../delivery/limit.js";
import {
  isPremiumpayError,
  type PremiumpayClient,
  type PremiumpayErrorKind,
  type Sale,
} from "../premiumpay/index.js";
import { type CurrencyTotal, salesWithin, summarizeSales } from "../reports/sales-summary.js";
import { startOfLocalDayOffset } from "../time.js";
import { localNoon, previousLocalDate } from "./schedule.js";

/** Long premiumpay names are cut so one channel's section always fits well within a Telegram message. */
const MAX_NAME_LENGTH = 80;
export const TOP_AGGREGATES = 3;

export interface DayFigures {
  count: number;
  totals: CurrencyTotal[];
}

export type ChannelDigest =
  | {
      id: number;
      name: string;
      ok: true;
      yesterday: DayFigures;
      dayBefore: DayFigures;
      weekBefore: DayFigures;
      bestLink: { name: string; count: number } | null;
    }
  | { id: number; name: string; ok: false; kind: PremiumpayErrorKind };

export interface AggregateEntry {
  key: string;
  count: number;
  totals: CurrencyTotal[];
}

/** Everything one digest shows; JSON-safe, so a conversation can return it from `external`. */
export interface DigestData {
  /** The local day the digest reports on (the day before the digest's own date). */
  reportDate: string;
  channels: ChannelDigest[];
  /** The operator chose channels, and none of them exists any more. */
  chosenChannelsGone: boolean;
  /** Null when premiumpay failed for them. */
  countries: AggregateEntry[] | null;
  paymentMethods: AggregateEntry[] | null;
  /** The seven local days up to the reported one, per currency, for the opt-in chart (the channels that answered). */
  week: DailyTotals;
}

export type FetchOutcome =
  | { ok: true; data: DigestData }
  /** Credentials refused, or no answer for the channel list: there is nothing to build a digest from. */
  | { ok: false; kind: PremiumpayErrorKind };

type Settled<T> = { ok: true; value: T } | { ok: false; kind: PremiumpayErrorKind };

async function settle<T>(call: () => Promise<T>): Promise<Settled<T>> {
  try {
    return { ok: true, value: await call() };
  } catch (error) {
    if (!isPremiumpayError(error)) throw error;
    return { ok: false, kind: error.kind };
  }
}

function shortName(name: string): string {
  return name.length > MAX_NAME_LENGTH ? `${name.slice(0, MAX_NAME_LENGTH - 1)}…` : name;
}

function figures(sales: readonly Sale[]): DayFigures {
  const summary = summarizeSales(sales);
  return { count: summary.count, totals: summary.totals };
}

/** premiumpay gives one row per key and currency; the digest shows one entry per key, largest count first. */
export function topEntries(
  rows: readonly { key: string; count: number; amount: number; currency: string | null }[],
): AggregateEntry[] {
  const byKey = new Map<string, { count: number; totals: Map<string, CurrencyTotal> }>();
  for (const row of rows) {
    const entry = byKey.get(row.key) ?? { count: 0, totals: new Map<string, CurrencyTotal>() };
    entry.count += row.count;
    const currency = row.currency ?? "";
    const total = entry.totals.get(currency) ?? { currency, amount: 0, count: 0 };
    total.amount = Math.round(total.amount * 100 + row.amount * 100) / 100;
    total.count += row.count;
    entry.totals.set(currency, total);
    byKey.set(row.key, entry);
  }
  // A key with no sales is no "top" anything, and its "0.00" would be an amount without a currency.
  return [...byKey.entries()]
    .filter(([, entry]) => entry.count > 0)
    .map(([key, entry]) => ({
      key: shortName(key),
      count: entry.count,
      totals: [...entry.totals.values()].sort((a, b) => b.amount - a.amount),
    }))
    .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key))
    .slice(0, TOP_AGGREGATES);
}

interface DayBoundaries {
  today: Date;
  yesterday: Date;
  dayBefore: Date;
  weekBefore: Date;
  weekBeforeEnd: Date;
}

const boundaryCache = new Map<string, DayBoundaries>();
const BOUNDARY_CACHE_LIMIT = 1000;

/** Local midnights around a digest's date; cached because a run computes the same few for thousands of operators. */
function dayBoundaries(date: string, zone: string): DayBoundaries {
  const key = `${zone}|${date}`;
  const cached = boundaryCache.get(key);
  if (cached) return cached;
  const anchor = localNoon(date, zone);
  const dayStart = (daysBack: number) => startOfLocalDayOffset(anchor, zone, daysBack);
  const boundaries = {
    today: dayStart(0),
    yesterday: dayStart(1),
    dayBefore: dayStart(2),
    weekBefore: dayStart(8),
    weekBeforeEnd: dayStart(7),
  };
  if (boundaryCache.size >= BOUNDARY_CACHE_LIMIT) boundaryCache.clear();
  boundaryCache.set(key, boundaries);
  return boundaries;
}

export interface DigestRequest {
  /** The digest's own local date; it reports on the day before. */
  date: string;
  zone: string;
  /** Null: every channel. */
  channelIds: readonly number[] | null;
}

/**
 * premiumpay data for one digest. One channelSales call per channel covers the eight days the digest
 * compares (yesterday, the day before, the same weekday a week earlier), split by local day here, which keeps
 * requests per operator at channels + 3. Every call goes through `limit`, shared by all operators of a run.
 */
export async function fetchDigestData(
  client: PremiumpayClient,
  request: DigestRequest,
  limit: Limiter,
): Promise<FetchOutcome> {
  const { today, yesterday, dayBefore, weekBefore, weekBeforeEnd } = dayBoundaries(
    request.date,
    request.zone,
  );
  // premiumpay periods are inclusive and in whole seconds.
  const lastSecond = new Date(today.getTime() - 1000);

  const channels = await limit(() => settle(() => client.channels({ includeLinks: true })));
  if (!channels.ok) return channels;
  const chosen =
    request.channelIds === null
      ? channels.value
      : channels.value.filter((channel) => request.channelIds!.includes(channel.id));

  const yesterdayRange = { from: yesterday, to: lastSecond };
  const [countries, methods, ...perChannel] = await Promise.all([
    limit(() => settle(() => client.aggregatedSales({ ...yesterdayRange, by: "country" }))),
    limit(() => settle(() => client.aggregatedSales({ ...yesterdayRange, by: "payment_method" }))),
    ...chosen.map((channel) =>
      limit(() =>
        settle(() => client.channelSales({ channelId: channel.id, from: weekBefore, to: lastSecond })),
      ),
    ),
  ]);
  const refused = [countries, methods, ...perChannel].find((result) => !result.ok && result.kind === "auth");
  if (refused && !refused.ok) return refused;

  // The same sales again: the chart asks premiumpay nothing more.
  const week = dailyTotals(
    perChannel.flatMap((result) => (result.ok ? result.value : [])),
    { from: weekBeforeEnd, to: lastSecond },
    request.zone,
  );
  // Days end a second before the next midnight, as premiumpay's inclusive periods do (salesWithin's rule).
  const day = (from: Date, nextMidnight: Date) => ({ from, to: new Date(nextMidnight.getTime() - 1000) });
  const channelDigests = chosen.map((channel, index): ChannelDigest => {
    const name = shortName(channel.name || `#${channel.id}`);
    const result = perChannel[index]!;
    if (!result.ok) return { id: channel.id, name, ok: false, kind: result.kind };
    const sales = result.value;
    const yesterdaySales = salesWithin(sales, day(yesterday, today));
    const best = summarizeSales(yesterdaySales).byLink.find((link) => link.link !== null);
    const linkName = best ? channel.links.find((link) => link.url === best.link)?.name || best.link! : "";
    return {
      id: channel.id,
      name,
      ok: true,
      yesterday: figures(yesterdaySales),
      dayBefore: figures(salesWithin(sales, day(dayBefore, yesterday))),
      weekBefore: figures(salesWithin(sales, day(weekBefore, weekBeforeEnd))),
      bestLink: best ? { name: shortName(linkName), count: best.count } : null,
    };
  });
  return {
    ok: true,
    data: {
      reportDate: previousLocalDate(request.date),
      channels: channelDigests,
      chosenChannelsGone: request.channelIds !== null && chosen.length === 0,
      countries: countries.ok ? topEntries(countries.value) : null,
      paymentMethods: methods.ok ? topEntries(methods.value) : null,
      week,
    },
  };
}
