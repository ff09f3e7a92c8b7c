import type { AggregatedRow } from "../premiumpay/index.js";
import { UNKNOWN_CURRENCY } from "./sales-summary.js";

export interface BlockRow {
  key: string;
  count: number;
  amount: number;
}

/** The rows of one currency: amounts in different currencies are never compared or added up. */
export interface CurrencyBlock {
  /** ISO code as premiumpay sent it, upper-cased; UNKNOWN_CURRENCY for rows without one. */
  currency: string;
  /** One row per key (premiumpay's repeats merged), largest amount first. */
  rows: BlockRow[];
  total: { count: number; amount: number };
}

/** Cents as integers, so that 0.1 + 0.2 adds up to 0.3. */
const add = (a: number, b: number) => Math.round(a * 100 + b * 100) / 100;

const byAmount = (a: BlockRow, b: BlockRow) =>
  b.amount - a.amount || b.count - a.count || a.key.localeCompare(b.key);

/**
 * Aggregated rows (by country, payment method, service) as one block per currency: each key once per block,
 * rows sorted by amount (then sales, then name, so the order is stable), and a total. The block with the largest
 * total comes first, as the existing flat report orders currencies.
 */
export function groupByCurrency(rows: readonly AggregatedRow[]): CurrencyBlock[] {
  const blocks = new Map<string, Map<string, BlockRow>>();
  for (const row of rows) {
    const currency = row.currency?.trim().toUpperCase() || UNKNOWN_CURRENCY;
    const keyed = blocks.get(currency) ?? new Map<string, BlockRow>();
    blocks.set(currency, keyed);
    const seen = keyed.get(row.key);
    keyed.set(
      row.key,
      seen
        ? { key: row.key, count: seen.count + row.count, amount: add(seen.amount, row.amount) }
        : { key: row.key, count: row.count, amount: row.amount },
    );
  }
  return [...blocks.entries()]
    .map(([currency, keyed]): CurrencyBlock => {
      const blockRows = [...keyed.values()].sort(byAmount);
      const total = blockRows.reduce(
        (sum, row) => ({ count: sum.count + row.count, amount: add(sum.amount, row.amount) }),
        { count: 0, amount: 0 },
      );
      return { currency, rows: blockRows, total };
    })
    .sort(
      (a, b) =>
        b.total.amount - a.total.amount ||
        b.total.count - a.total.count ||
        a.currency.localeCompare(b.currency),
    );
}
