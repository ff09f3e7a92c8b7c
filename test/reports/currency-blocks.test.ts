import { describe, expect, it } from "vitest";
import type { Locale } from "../../src/config.js";
import {
  type CurrencyBlockLabels,
  currencyHeading,
  renderCurrencyBlocks,
} from "../../src/format/currency-blocks.js";
import { renderTable } from "../../src/format/table.js";
import { createI18n } from "../../src/i18n/index.js";
import type { AggregatedRow } from "../../src/premiumpay/index.js";
import { groupByCurrency } from "../../src/reports/currency-blocks.js";

/** The newcomer's country report: ES three times, in three currencies, mixed in with the others. */
const byCountry: AggregatedRow[] = [
  { key: "ES", count: 4, amount: 194.94, currency: "USD" },
  { key: "MX", count: 2, amount: 60, currency: "USD" },
  { key: "ES", count: 9, amount: 426.88, currency: "EUR" },
  { key: "BR", count: 3, amount: 150.1, currency: "BRL" },
  { key: "ES", count: 2, amount: 99.91, currency: "BRL" },
  { key: "FR", count: 1, amount: 30, currency: "eur" },
  { key: "DE", count: 2, amount: 30, currency: "EUR" },
  // premiumpay repeating a key within a currency: summed into one row.
  { key: "MX", count: 1, amount: 0.1, currency: "USD" },
  { key: "MX", count: 1, amount: 0.2, currency: "USD" },
  { key: "AR", count: 1, amount: 5, currency: null },
];

describe("groupByCurrency", () => {
  const blocks = groupByCurrency(byCountry);

  it("makes one block per currency, largest total first, rows without currency apart", () => {
    expect(blocks.map((block) => block.currency)).toEqual(["EUR", "USD", "BRL", ""]);
  });

  it("sorts each block by amount (ties by sales, then name) and shows each key once per block", () => {
    expect(blocks[0]!.rows).toEqual([
      { key: "ES", count: 9, amount: 426.88 },
      { key: "DE", count: 2, amount: 30 },
      { key: "FR", count: 1, amount: 30 },
    ]);
    expect(blocks[1]!.rows).toEqual([
      { key: "ES", count: 4, amount: 194.94 },
      { key: "MX", count: 4, amount: 60.3 },
    ]);
    for (const block of blocks) {
      expect(new Set(block.rows.map((row) => row.key)).size).toBe(block.rows.length);
    }
  });

  it("totals each block in its own currency, in whole cents", () => {
    expect(blocks.map((block) => block.total)).toEqual([
      { count: 12, amount: 486.88 },
      { count: 8, amount: 255.24 },
      { count: 5, amount: 250.01 },
      { count: 1, amount: 5 },
    ]);
  });

  it("gives no block for no rows", () => {
    expect(groupByCurrency([])).toEqual([]);
  });
});

const i18n = createI18n("en");
const labels = (locale: Locale): CurrencyBlockLabels => ({
  key: i18n.t(locale, "report-column-country"),
  sales: i18n.t(locale, "report-column-sales"),
  amount: i18n.t(locale, "report-column-amount"),
  total: i18n.t(locale, "report-total"),
  noCurrency: i18n.t(locale, "report-no-currency"),
});

describe("renderCurrencyBlocks", () => {
  it("renders a titled table per currency with its totals row, in English", () => {
    const { html, rowsOmitted } = renderCurrencyBlocks(groupByCurrency(byCountry), "en", labels("en"), 4000);
    expect(rowsOmitted).toBe(0);
    expect(html).toBe(
      [
        "<b>Euro (EUR)</b>",
        "<pre>Country  Sales   Amount",
        "───────────────────────",
        "ES           9  €426.88",
        "DE           2   €30.00",
        "FR           1   €30.00",
        "───────────────────────",
        "Total       12  €486.88</pre>",
        "",
        "<b>US Dollar (USD)</b>",
        "<pre>Country  Sales   Amount",
        "───────────────────────",
        "ES           4  $194.94",
        "MX           4   $60.30",
        "───────────────────────",
        "Total        8  $255.24</pre>",
        "",
        "<b>Brazilian Real (BRL)</b>",
        "<pre>Country  Sales    Amount",
        "────────────────────────",
        "BR           3  R$150.10",
        "ES           2   R$99.91",
        "────────────────────────",
        "Total        5  R$250.01</pre>",
        "",
        "<b>No currency given</b>",
        "<pre>Country  Sales  Amount",
        "──────────────────────",
        "AR           1    5.00",
        "──────────────────────",
        "Total        1    5.00</pre>",
      ].join("\n"),
    );
  });

  it("reads in Spanish: currency names, headers and the totals line", () => {
    const { html } = renderCurrencyBlocks(groupByCurrency(byCountry), "es", labels("es"), 4000);
    expect(html).toContain("<b>Euro (EUR)</b>\n<pre>País   Ventas   Importe");
    expect(html).toContain("<b>Dólar estadounidense (USD)</b>");
    expect(html).toContain("<b>Real brasileño (BRL)</b>");
    expect(html).toContain("<b>Sin moneda indicada</b>");
    expect(html).toMatch(/Total\s+12\s+486,88\u00a0€<\/pre>/);
    expect(html).toContain("150,10\u00a0BRL");
  });

  it("keeps within the size asked, leaving out whole blocks and counting their rows", () => {
    const blocks = groupByCurrency(byCountry);
    const full = renderCurrencyBlocks(blocks, "en", labels("en"), 4000).html;
    const firstBlockOnly = full.indexOf("\n\n<b>US Dollar");
    const cut = renderCurrencyBlocks(blocks, "en", labels("en"), firstBlockOnly + 10);
    expect(cut.html).toBe(full.slice(0, firstBlockOnly));
    expect(cut.rowsOmitted).toBe(2 + 2 + 1);
    expect(cut.html.length).toBeLessThanOrEqual(firstBlockOnly + 10);
  });

  it("escapes names from premiumpay", () => {
    const rows: AggregatedRow[] = [{ key: "<b>Card</b> & co", count: 1, amount: 1, currency: "EUR" }];
    const { html } = renderCurrencyBlocks(groupByCurrency(rows), "en", labels("en"), 4000);
    expect(html).toContain("&lt;b&gt;Card&lt;/b&gt; &amp; co");
    expect(html).not.toContain("<b>Card");
  });
});

describe("currencyHeading", () => {
  it("names currencies Intl knows and keeps the code of others", () => {
    expect(currencyHeading("EUR", "es")).toBe("Euro (EUR)");
    expect(currencyHeading("MXN", "es")).toBe("Peso mexicano (MXN)");
    expect(currencyHeading("XYZ", "en")).toBe("XYZ");
    expect(currencyHeading("tokens", "en")).toBe("tokens");
  });
});

describe("renderTable's totals row", () => {
  it("is always shown under a rule: rows make room for it when the message is short of space", () => {
    const rows = Array.from({ length: 50 }, (_, index) => [`row ${index}`, String(index)]);
    const columns = [{ header: "Name" }, { header: "N", align: "right" as const }];
    const table = renderTable(columns, rows, { maxChars: 200, footer: ["Total", "1225"] });
    expect(table.html.length).toBeLessThanOrEqual(200);
    expect(table.rowsShown).toBeGreaterThan(0);
    expect(table.rowsOmitted).toBe(50 - table.rowsShown);
    const lines = table.html.replace(/<\/?pre>/g, "").split("\n");
    expect(lines.at(-1)).toBe("Total   1225");
    expect(lines.at(-2)).toBe(lines[1]);
  });
});
