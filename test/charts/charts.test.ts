import { describe, expect, it } from "vitest";
import {
  CHART_WIDTH,
  type DailyTotals,
  dailyTotals,
  type LinkRevenue,
  lastDaysOf,
  lastWeekCaption,
  lastWeekChart,
  linkRevenue,
  MAX_CAPTION_LENGTH,
  revenueByLinkCaption,
  revenueByLinkChart,
  salesPerDayCaption,
  salesPerDayChart,
} from "../../src/charts/index.js";
import { formatMoney } from "../../src/format/numbers.js";
import { summarizeSales } from "../../src/reports/sales-summary.js";
import { parseTelegramHtml } from "../../src/sandbox/telegram/index.js";
import { captionTexts, PNG_SIGNATURE, plainText, pngSize, sale } from "./support.js";

const ZONE = "Europe/Madrid";
const NOVEMBER = { from: new Date("2026-10-31T23:00:00Z"), to: new Date("2026-11-30T22:59:59Z") };
const A_DAY = { from: new Date("2026-11-03T23:00:00Z"), to: new Date("2026-11-04T22:59:59Z") };
const MONTH = { first: "2026-11-01", last: "2026-11-30" };

const novemberSales = [
  sale("2026-11-01T10:00:00Z", 9.99, "EUR", "https://t.me/+insta"),
  sale("2026-11-01T22:30:00Z", 9.99, "EUR", "https://t.me/+insta"),
  sale("2026-11-02T09:00:00Z", 19.99, "USD", "https://t.me/+tiktok"),
  sale("2026-11-15T12:00:00Z", 49, "EUR", null),
  sale("2026-11-30T22:00:00Z", 4.99, "BRL", "https://t.me/+tiktok"),
];
const NAMES = new Map([
  ["https://t.me/+insta", "instagram"],
  ["https://t.me/+tiktok", "tiktok"],
]);

const empty = (days: string[]): DailyTotals => ({ days, currencies: [] });
const links = (sales = novemberSales): LinkRevenue[] => linkRevenue(summarizeSales(sales).byLink, NAMES);

function expectPng(png: Buffer, height?: number): void {
  expect(png.subarray(0, 8)).toEqual(PNG_SIGNATURE);
  expect(png.subarray(12, 16).toString("ascii")).toBe("IHDR");
  const size = pngSize(png);
  expect(size.width).toBe(CHART_WIDTH);
  if (height !== undefined) expect(size.height).toBe(height);
  expect(size.height).toBeGreaterThan(300);
}

describe("daily totals", async () => {
  it("groups sales by local day and currency, never adding currencies together", async () => {
    const daily = dailyTotals(novemberSales, NOVEMBER, ZONE);
    expect(daily.days).toHaveLength(30);
    expect(daily.days[0]).toBe("2026-11-01");
    const eur = daily.currencies.find((c) => c.currency === "EUR")!;
    // 22:30 UTC on Nov 1 is 23:30 in Madrid: still Nov 1.
    expect(eur.amounts[0]).toBe(19.98);
    expect(eur.total).toBe(68.98);
    expect(daily.currencies.map((c) => c.currency)).toEqual(["EUR", "USD", "BRL"]);
    // 22:00 UTC on Nov 30 is 23:00 in Madrid, the last day.
    expect(daily.currencies.find((c) => c.currency === "BRL")!.amounts[29]).toBe(4.99);
  });
});

describe("charts", async () => {
  it("sales per day: a PNG 1080 px wide whose height grows with the currencies", async () => {
    const daily = dailyTotals(novemberSales, NOVEMBER, ZONE);
    const three = await salesPerDayChart(daily, { name: "Trading VIP" }, "en", plainText("en"));
    expectPng(three.png, three.height);
    const one = await salesPerDayChart(
      { ...daily, currencies: daily.currencies.slice(0, 1) },
      { name: "Trading VIP" },
      "en",
      plainText("en"),
    );
    expectPng(one.png, one.height);
    expect(three.height).toBeGreaterThan(one.height);
  });

  it("different figures draw a different picture", async () => {
    const daily = dailyTotals(novemberSales, NOVEMBER, ZONE);
    const other = dailyTotals([...novemberSales, sale("2026-11-20T12:00:00Z", 500, "EUR")], NOVEMBER, ZONE);
    const heading = { name: "Trading VIP" };
    const a = (await salesPerDayChart(daily, heading, "en", plainText("en"))).png;
    const b = (await salesPerDayChart(other, heading, "en", plainText("en"))).png;
    expect(a.equals(b)).toBe(false);
    // And the same input the same picture: nothing depends on the machine or the clock.
    expect((await salesPerDayChart(daily, heading, "en", plainText("en"))).png.equals(a)).toBe(true);
  });

  it("charts rendered one after another or at once draw the same pictures", async () => {
    const daily = dailyTotals(novemberSales, NOVEMBER, ZONE);
    const heading = { name: "Trading VIP" };
    const draw = [
      () => salesPerDayChart(daily, heading, "en", plainText("en")),
      () => revenueByLinkChart(links(), MONTH, heading, "es", plainText("es")),
      () => lastWeekChart(daily, "en", plainText("en")),
    ];
    const oneByOne: Buffer[] = [];
    for (const chart of draw) oneByOne.push((await chart()).png);
    const atOnce = await Promise.all([...draw, ...draw].map((chart) => chart()));
    expect(atOnce.map((image) => image.png)).toEqual([...oneByOne, ...oneByOne]);
    // Each keeps its own height, rendered at once.
    expect(new Set(atOnce.slice(0, 3).map((image) => image.png.readUInt32BE(20))).size).toBe(3);
  });

  it("Spanish labels draw a different picture from English ones", async () => {
    const daily = dailyTotals(novemberSales, NOVEMBER, ZONE);
    const heading = { name: "Trading VIP" };
    const english = (await salesPerDayChart(daily, heading, "en", plainText("en"))).png;
    const spanish = (await salesPerDayChart(daily, heading, "es", plainText("es"))).png;
    expect(spanish.equals(english)).toBe(false);
    const week = dailyTotals(novemberSales, { from: new Date("2026-10-26T00:00:00Z"), to: A_DAY.to }, ZONE);
    expect(
      (await lastWeekChart(week, "es", plainText("es"))).png.equals(
        (await lastWeekChart(week, "en", plainText("en"))).png,
      ),
    ).toBe(false);
    const byLinkEn = (await revenueByLinkChart(links(), MONTH, heading, "en", plainText("en"))).png;
    const byLinkEs = (await revenueByLinkChart(links(), MONTH, heading, "es", plainText("es"))).png;
    expect(byLinkEs.equals(byLinkEn)).toBe(false);
  });

  it("revenue by link: one panel per currency, taller with more links", async () => {
    const few = await revenueByLinkChart(
      links(novemberSales.slice(0, 2)),
      MONTH,
      { name: "VIP" },
      "en",
      plainText("en"),
    );
    const many = await revenueByLinkChart(links(), MONTH, { name: "VIP" }, "en", plainText("en"));
    expectPng(few.png, few.height);
    expectPng(many.png, many.height);
    expect(many.height).toBeGreaterThan(few.height);
  });

  it("the week chart keeps the last seven days", async () => {
    const daily = dailyTotals(novemberSales, NOVEMBER, ZONE);
    const week = await lastWeekChart(daily, "en", plainText("en"));
    expectPng(week.png, week.height);
    const lastSeven = lastDaysOf(daily, 7);
    expect(lastSeven.days).toEqual([
      "2026-11-24",
      "2026-11-25",
      "2026-11-26",
      "2026-11-27",
      "2026-11-28",
      "2026-11-29",
      "2026-11-30",
    ]);
    // Only the Brazilian sale of Nov 30 is in the last week.
    expect(lastSeven.currencies.map((c) => [c.currency, c.total, c.count])).toEqual([["BRL", 4.99, 1]]);
    const onlyTheWeek = dailyTotals(
      novemberSales,
      { from: new Date("2026-11-23T23:00:00Z"), to: NOVEMBER.to },
      ZONE,
    );
    expect((await lastWeekChart(onlyTheWeek, "en", plainText("en"))).png.equals(week.png)).toBe(true);
  });

  it("draws empty data, a single day and hostile names without throwing", async () => {
    const heading = { name: "<b>bold</b> & </a> { $x } 🔥 قناة ערוץ ñé" };
    for (const locale of ["en", "es"] as const) {
      const t = plainText(locale);
      expectPng((await salesPerDayChart(empty([]), heading, locale, t)).png);
      expectPng((await salesPerDayChart(dailyTotals([], A_DAY, ZONE), heading, locale, t)).png);
      expectPng((await salesPerDayChart(dailyTotals(novemberSales, A_DAY, ZONE), heading, locale, t)).png);
      expectPng((await lastWeekChart(empty([]), locale, t)).png);
      expectPng((await revenueByLinkChart([], MONTH, heading, locale, t)).png);
      const hostileLinks: LinkRevenue[] = [
        { name: '=HYPERLINK("x")<i>promo</i>', count: 1, totals: [{ currency: "EUR", amount: 1, count: 1 }] },
        { name: "x".repeat(5_000), count: 1, totals: [{ currency: "???", amount: 2, count: 1 }] },
        { name: "", count: 1, totals: [{ currency: "", amount: 3, count: 1 }] },
      ];
      expectPng((await revenueByLinkChart(hostileLinks, MONTH, heading, locale, t)).png);
    }
  });
});

describe("captions", async () => {
  it("carry the key figures per currency, in the operator's language and zone", async () => {
    const daily = dailyTotals(novemberSales, NOVEMBER, ZONE);
    const english = salesPerDayCaption(daily, { name: "Trading <VIP>" }, captionTexts("en"));
    expect(english).toContain("Trading &lt;VIP&gt;");
    expect(english).toContain("Europe/Madrid");
    expect(english).toContain("€68.98");
    expect(english).toContain("$19.99");
    expect(english).toContain("R$4.99");
    const spanish = salesPerDayCaption(daily, { name: "Trading <VIP>" }, captionTexts("es"));
    expect(spanish).toContain(formatMoney(68.98, "EUR", "es"));
    expect(spanish).toContain("Ventas por día");
    expect(salesPerDayCaption(empty(["2026-11-04"]), { name: "VIP" }, captionTexts("es"))).toContain(
      "Sin ventas",
    );
    expect(lastWeekCaption(daily, captionTexts("en"))).toContain("last 7 days");
  });

  it("rank links by revenue within each currency, direct sales named", async () => {
    const caption = revenueByLinkCaption(links(), MONTH, { name: "VIP" }, captionTexts("en"));
    const lines = caption.split("\n");
    expect(lines).toContain("1. Direct / no link: €49.00 (1 sale)");
    expect(lines).toContain("2. instagram: €19.98 (2 sales)");
    expect(lines.indexOf("1. Direct / no link: €49.00 (1 sale)")).toBeLessThan(
      lines.indexOf("2. instagram: €19.98 (2 sales)"),
    );
  });

  it("never exceed 1,024 characters, saying how many lines were left out", async () => {
    const many: LinkRevenue[] = Array.from({ length: 200 }, (_, i) => ({
      name: `influencer-${i}-${"<&>".repeat(5)}`,
      count: 1,
      totals: [{ currency: "EUR", amount: 200 - i, count: 1 }],
    }));
    const caption = revenueByLinkCaption(many, MONTH, { name: "VIP" }, captionTexts("en"));
    expect(caption.length).toBeLessThanOrEqual(MAX_CAPTION_LENGTH);
    expect(caption).toMatch(/… and \d+ more$/);
    const hostile = { name: "<b>&amp;</b>".repeat(400) };
    for (const built of [
      revenueByLinkCaption(many, MONTH, hostile, captionTexts("es")),
      salesPerDayCaption(dailyTotals(novemberSales, NOVEMBER, ZONE), hostile, captionTexts("en")),
    ]) {
      expect(built.length).toBeLessThanOrEqual(MAX_CAPTION_LENGTH);
      // Valid Telegram HTML whatever was cut: the names shown as written, the markup whole.
      const parsed = parseTelegramHtml(built);
      expect(parsed.text).toContain("<b>&amp;</b>");
      expect(parsed.text.length).toBeLessThanOrEqual(MAX_CAPTION_LENGTH);
    }
  });
});
