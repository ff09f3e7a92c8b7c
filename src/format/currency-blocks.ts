import type { Locale } from "../config.js";
import type { CurrencyBlock } from "../reports/currency-blocks.js";
import { escapeHtml } from "./html.js";
import { formatCount, formatMoney, INTL_LOCALE } from "./numbers.js";
import { renderTable } from "./table.js";

/** Translated labels, plain text (the caller's `ctx.t`). */
export interface CurrencyBlockLabels {
  /** Header of the first column: country, payment method or service. */
  key: string;
  sales: string;
  amount: string;
  /** First cell of each block's totals row. */
  total: string;
  /** Heading of the block of rows premiumpay sent without a currency. */
  noCurrency: string;
}

export interface RenderedCurrencyBlocks {
  /** Our own HTML, every value escaped: safe to pass as trusted. */
  html: string;
  /** Rows (and whole blocks) left out to keep within `maxChars`. */
  rowsOmitted: number;
}

const currencyNames = new Map<Locale, Intl.DisplayNames>();

/** "Euro (EUR)" / "Dólar estadounidense (USD)"; the code alone when Intl has no name for it. */
export function currencyHeading(currency: string, locale: Locale): string {
  let names = currencyNames.get(locale);
  if (!names) {
    names = new Intl.DisplayNames(INTL_LOCALE[locale], { type: "currency", fallback: "none" });
    currencyNames.set(locale, names);
  }
  let name: string | undefined;
  try {
    name = /^[A-Z]{3}$/.test(currency) ? names.of(currency) : undefined;
  } catch {
    name = undefined;
  }
  if (!name) return currency;
  const capitalised = name.charAt(0).toLocaleUpperCase(INTL_LOCALE[locale]) + name.slice(1);
  return `${capitalised} (${currency})`;
}

/**
 * One titled table per currency (from `groupByCurrency`), each ending in its totals row; blocks that no longer
 * fit `maxChars` are left out whole and counted, so the caller can say so.
 */
export function renderCurrencyBlocks(
  blocks: readonly CurrencyBlock[],
  locale: Locale,
  labels: CurrencyBlockLabels,
  maxChars: number,
): RenderedCurrencyBlocks {
  const parts: string[] = [];
  let used = 0;
  let rowsOmitted = 0;
  for (const block of blocks) {
    const currency = block.currency || null;
    const heading = `<b>${escapeHtml(currency ? currencyHeading(currency, locale) : labels.noCurrency)}</b>`;
    const separator = parts.length > 0 ? 2 : 0;
    const room = maxChars - used - separator - heading.length - 1;
    const table = renderTable(
      [
        { header: labels.key },
        { header: labels.sales, align: "right" },
        { header: labels.amount, align: "right" },
      ],
      block.rows.map((row) => [
        row.key,
        formatCount(row.count, locale),
        formatMoney(row.amount, currency, locale),
      ]),
      {
        maxChars: room,
        maxCellWidth: 28,
        footer: [
          labels.total,
          formatCount(block.total.count, locale),
          formatMoney(block.total.amount, currency, locale),
        ],
      },
    );
    if (table.html.length > room || (table.rowsShown === 0 && block.rows.length > 0)) {
      rowsOmitted += block.rows.length;
      continue;
    }
    rowsOmitted += table.rowsOmitted;
    const text = `${heading}\n${table.html}`;
    parts.push(text);
    used += separator + text.length;
  }
  return { html: parts.join("\n\n"), rowsOmitted };
}
