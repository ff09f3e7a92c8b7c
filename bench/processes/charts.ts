import { performance } from "node:perf_hooks";
import {
  type ChartImage,
  dailyTotals,
  type LinkRevenue,
  lastWeekChart,
  revenueByLinkChart,
  salesPerDayChart,
} from "../../src/charts/index.js";
import type { Locale } from "../../src/config.js";
import { createI18n } from "../../src/i18n/index.js";
import type { Sale } from "../../src/premiumpay/index.js";
import { failInChild } from "../support/child.js";
import { summarize } from "../support/stats.js";

/**
 * Charts are rendered one after another, each awaited as the bot would: the event loop turns between them, so
 * native memory released by finalizers is released as in the bot.
 *
 * Part 5 in a process of its own (started with --expose-gc), so the memory read is the renderer's alone.
 * argv[2] is JSON `{ charts, warmup }`. Sends one "result" message.
 */
const { charts, warmup } = JSON.parse(process.argv[2] ?? "{}") as { charts: number; warmup: number };

const ZONE = "Europe/Madrid";
const PERIOD = { from: new Date("2026-10-31T23:00:00Z"), to: new Date("2026-11-30T22:59:59Z") };
const CURRENCIES = ["EUR", "USD", "BRL"];
const LINKS = ["instagram", "tiktok", "twitter", "youtube", "promo-summer", "newsletter"];

/** A busy month: 30 days, three currencies, six links and direct sales; each run shifts the figures a little. */
function month(seed: number): Sale[] {
  const sales: Sale[] = [];
  for (let day = 1; day <= 30; day++) {
    for (let n = 0; n < ((day * 7 + seed) % 9) + 2; n++) {
      sales.push({
        amount: [4.99, 9.99, 19.99, 49][(day + n + seed) % 4]!,
        currency: CURRENCIES[(n + seed) % 3]!,
        date: new Date(Date.UTC(2026, 10, day, (n * 5 + seed) % 24)),
        country: "ES",
        paymentMethod: "card",
        invitationLink: n % 7 === 0 ? null : `https://t.me/+${LINKS[(n + day) % LINKS.length]}`,
        raw: {},
      });
    }
  }
  return sales;
}

function links(sales: readonly Sale[]): LinkRevenue[] {
  const byLink = new Map<string | null, Map<string, { amount: number; count: number }>>();
  for (const sale of sales) {
    const totals = byLink.get(sale.invitationLink) ?? new Map();
    const entry = totals.get(sale.currency!) ?? { amount: 0, count: 0 };
    entry.amount += sale.amount;
    entry.count += 1;
    totals.set(sale.currency!, entry);
    byLink.set(sale.invitationLink, totals);
  }
  return [...byLink].map(([link, totals]) => ({
    name: link?.replace("https://t.me/+", "") ?? null,
    count: [...totals.values()].reduce((sum, t) => sum + t.count, 0),
    totals: [...totals].map(([currency, t]) => ({
      currency,
      amount: Math.round(t.amount * 100) / 100,
      count: t.count,
    })),
  }));
}

const i18n = createI18n("en");
const KINDS = ["salesPerDay", "revenueByLink", "lastWeek"] as const;
type Kind = (typeof KINDS)[number];

function render(kind: Kind, seed: number): Promise<ChartImage> {
  const locale: Locale = seed % 2 === 0 ? "en" : "es";
  const t = (key: string, variables?: Record<string, string | number>) => i18n.t(locale, key, variables);
  const sales = month(seed);
  if (kind === "revenueByLink") {
    return revenueByLinkChart(
      links(sales),
      { first: "2026-11-01", last: "2026-11-30" },
      { name: "Trading VIP" },
      locale,
      t,
    );
  }
  const daily = dailyTotals(sales, PERIOD, ZONE);
  return kind === "salesPerDay"
    ? salesPerDayChart(daily, { name: "Trading VIP" }, locale, t)
    : lastWeekChart(daily, locale, t);
}

function memory() {
  globalThis.gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heapUsed };
}

try {
  for (let i = 0; i < warmup; i++) await render(KINDS[i % KINDS.length]!, i);
  const afterWarmup = memory();
  const wall: Record<Kind, number[]> = { salesPerDay: [], revenueByLink: [], lastWeek: [] };
  const cpu: Record<Kind, number[]> = { salesPerDay: [], revenueByLink: [], lastWeek: [] };
  const bytes: Record<Kind, number[]> = { salesPerDay: [], revenueByLink: [], lastWeek: [] };
  for (let i = 0; i < charts; i++) {
    const kind = KINDS[i % KINDS.length]!;
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const image = await render(kind, warmup + i);
    wall[kind].push(performance.now() - started);
    const used = process.cpuUsage(cpuBefore);
    cpu[kind].push((used.user + used.system) / 1000);
    bytes[kind].push(image.png.length);
  }
  const afterCharts = memory();
  process.send?.({
    type: "result",
    perKind: Object.fromEntries(
      KINDS.map((kind) => [
        kind,
        {
          wallMs: summarize(wall[kind]),
          cpuMs: summarize(cpu[kind]),
          pngKiB: Math.round(bytes[kind].reduce((s, b) => s + b, 0) / bytes[kind].length / 1024),
        },
      ]),
    ),
    gcForced: typeof globalThis.gc === "function",
    afterWarmup,
    afterCharts,
  });
  process.exit(0);
} catch (error) {
  failInChild(error);
}
