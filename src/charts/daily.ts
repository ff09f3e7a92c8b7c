import dayjs from "dayjs";
import utc from "dayjs/plugin/utc.js";
import type { Sale } from "../premiumpay/index.js";
import type { Period } from "../reports/periods.js";
import { type CurrencyTotal, type LinkTotal, UNKNOWN_CURRENCY } from "../reports/sales-summary.js";
import { localDate } from "../time.js";

dayjs.extend(utc);

/** A chart never draws more days than a year: longer periods keep their last 366 local days. */
export const MAX_CHART_DAYS = 366;

/** One currency's figures per local day; amounts of different currencies are never added together. */
export interface CurrencyDays {
  /** ISO code as premiumpay sent it, or UNKNOWN_CURRENCY. */
  currency: string;
  /** Same order and length as `DailyTotals.days`. */
  amounts: number[];
  counts: number[];
  total: number;
  count: number;
}

export interface DailyTotals {
  /** Local dates, YYYY-MM-DD, every day of the period in order (days without sales included). */
  days: string[];
  /** Largest total first. */
  currencies: CurrencyDays[];
}

/** The local dates from `period.from` to `period.to` in `zone`, both ends included. */
export function localDays(period: Period, zone: string): string[] {
  const first = localDate(period.from, zone);
  const last = localDate(period.to, zone);
  const days: string[] = [];
  for (let day = dayjs.utc(last); days.length < MAX_CHART_DAYS; day = day.subtract(1, "day")) {
    const date = day.format("YYYY-MM-DD");
    if (date < first) break;
    days.push(date);
  }
  return days.reverse();
}

/** Cents are added as integers so 0.1 + 0.2 shows as 0.30. */
const addCents = (a: number, b: number) => Math.round(a * 100 + b * 100) / 100;

/** Sales grouped by local day (in `zone`) and currency; sales without a date or outside the days are left out. */
export function dailyTotals(sales: Iterable<Sale>, period: Period, zone: string): DailyTotals {
  const days = localDays(period, zone);
  const index = new Map(days.map((day, i) => [day, i]));
  const byCurrency = new Map<string, CurrencyDays>();
  for (const sale of sales) {
    if (!sale.date) continue;
    const i = index.get(localDate(sale.date, zone));
    if (i === undefined) continue;
    const currency = sale.currency ?? UNKNOWN_CURRENCY;
    let entry = byCurrency.get(currency);
    if (!entry) {
      entry = { currency, amounts: days.map(() => 0), counts: days.map(() => 0), total: 0, count: 0 };
      byCurrency.set(currency, entry);
    }
    entry.amounts[i] = addCents(entry.amounts[i]!, sale.amount);
    entry.counts[i]! += 1;
    entry.total = addCents(entry.total, sale.amount);
    entry.count += 1;
  }
  const currencies = [...byCurrency.values()].sort(
    (a, b) => b.total - a.total || a.currency.localeCompare(b.currency),
  );
  return { days, currencies };
}

/** Revenue of one invitation link (or of the sales that came through none). */
export interface LinkRevenue {
  /** The link's name as the operator knows it; null for direct sales (no link). */
  name: string | null;
  count: number;
  /** One entry per currency, largest first. */
  totals: CurrencyTotal[];
}

/** Link totals of a sales summary under the names the operator gave the links (the URL when it has none). */
export function linkRevenue(byLink: readonly LinkTotal[], names: ReadonlyMap<string, string>): LinkRevenue[] {
  return byLink.map((entry) => ({
    name: entry.link === null ? null : names.get(entry.link) || entry.link,
    count: entry.count,
    totals: entry.totals,
  }));
}

/** The last `count` days of daily totals, with each currency's totals recounted for those days only. */
export function lastDaysOf(daily: DailyTotals, count: number): DailyTotals {
  if (daily.days.length <= count) return daily;
  const currencies = daily.currencies
    .map((entry) => {
      const amounts = entry.amounts.slice(-count);
      const counts = entry.counts.slice(-count);
      return {
        currency: entry.currency,
        amounts,
        counts,
        total: amounts.reduce(addCents, 0),
        count: counts.reduce((sum, n) => sum + n, 0),
      };
    })
    .filter((entry) => entry.count > 0)
    .sort((a, b) => b.total - a.total || a.currency.localeCompare(b.currency));
  return { days: daily.days.slice(-count), currencies };
}
