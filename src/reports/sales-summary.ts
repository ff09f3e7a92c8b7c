import type { Sale } from "../premiumpay/index.js";
import type { Period } from "./periods.js";

/** Shown when premiumpay sends a sale without a currency: totals in different currencies are never added up. */
export const UNKNOWN_CURRENCY = "";

export interface CurrencyTotal {
  currency: string;
  amount: number;
  count: number;
}

export interface LinkTotal {
  /** The invitation link, or null for sales premiumpay did not attribute to one. */
  link: string | null;
  count: number;
  totals: CurrencyTotal[];
}

export interface SalesSummary {
  count: number;
  /** One entry per currency, largest amount first. */
  totals: CurrencyTotal[];
  /** One entry per link, most sales first. */
  byLink: LinkTotal[];
}

/** Cents are summed as integers so that 0.1 + 0.2 shows as 0.30, not 0.30000000000000004. */
function addTo(totals: Map<string, CurrencyTotal>, sale: Sale): void {
  const currency = sale.currency ?? UNKNOWN_CURRENCY;
  const entry = totals.get(currency) ?? { currency, amount: 0, count: 0 };
  entry.amount = Math.round(entry.amount * 100 + sale.amount * 100) / 100;
  entry.count += 1;
  totals.set(currency, entry);
}

function sorted(totals: Map<string, CurrencyTotal>): CurrencyTotal[] {
  return [...totals.values()].sort((a, b) => b.amount - a.amount || a.currency.localeCompare(b.currency));
}

/**
 * The one rule for which sales a period counts, used by /sales, /report's gateway screen, the digest, /links (and
 * its link screens) and the CSV export (each of its windows) alike: a sale counts when its own timestamp falls in
 * the period, whatever range premiumpay answered for. Periods are local days in the operator's zone (periods.ts);
 * like premiumpay's, they are inclusive and in whole seconds, so their last second counts whole. A sale without a
 * timestamp belongs to no period.
 */
export function salesWithin(sales: readonly Sale[], period: Period): Sale[] {
  const from = period.from.getTime();
  const end = Math.floor(period.to.getTime() / 1000) * 1000 + 1000;
  return sales.filter(
    (sale) => sale.date !== null && sale.date.getTime() >= from && sale.date.getTime() < end,
  );
}

export function summarizeSales(sales: readonly Sale[]): SalesSummary {
  const totals = new Map<string, CurrencyTotal>();
  const links = new Map<string | null, { count: number; totals: Map<string, CurrencyTotal> }>();
  for (const sale of sales) {
    addTo(totals, sale);
    const link = links.get(sale.invitationLink) ?? { count: 0, totals: new Map() };
    link.count += 1;
    addTo(link.totals, sale);
    links.set(sale.invitationLink, link);
  }
  const byLink = [...links.entries()]
    .map(([link, entry]) => ({ link, count: entry.count, totals: sorted(entry.totals) }))
    .sort((a, b) => b.count - a.count || String(a.link).localeCompare(String(b.link)));
  return { count: sales.length, totals: sorted(totals), byLink };
}
