import { describe, expect, it } from "vitest";
import type { Sale } from "../../src/premiumpay/index.js";
import {
  combineLinkPerformance,
  createLinkPerformanceCache,
  fetchLinkPerformance,
  linkDays,
} from "../../src/reports/link-performance.js";
import type { PremiumpaySandbox } from "../../src/sandbox/premiumpay/index.js";
import { sale as saleAt } from "../charts/support.js";
import { ago, clientFor, NOW, useSandbox } from "../premiumpay/support.js";

let sandbox: PremiumpaySandbox;
useSandbox((started) => {
  sandbox = started;
});

const sale = (amount: number, currency: string, invitationLink: string | null): Sale =>
  saleAt(NOW.toISOString(), amount, currency, invitationLink);
const figures = (joins: number, leaves = 0, joinRequests = 0) => ({ joins, leaves, joinRequests });

describe("link performance, combined", () => {
  it("ranks by revenue in the main currency, with conversion, a direct row, totals, best and worst", () => {
    const links = [
      { url: "u:insta", name: "instagram", results: figures(10, 2, 1) },
      { url: "u:tiktok", name: "tiktok", results: figures(4) },
      { url: "u:quiet", name: "quiet", results: figures(0) },
      { url: "u:nojoins", name: "no joins", results: figures(0) },
    ];
    const sales = [
      sale(10, "EUR", "u:insta"),
      sale(10, "EUR", "u:insta"),
      sale(50, "EUR", "u:tiktok"),
      sale(500, "BRL", "u:insta"),
      sale(5, "EUR", "u:nojoins"),
      sale(7, "EUR", null),
      sale(3, "EUR", "u:gone"),
    ];
    const result = combineLinkPerformance(links, figures(20, 5, 2), sales);
    expect(result.rows.map((row) => row.name || row.link)).toEqual([
      "tiktok",
      "instagram",
      "no joins",
      "u:gone",
      "quiet",
    ]);
    const [tiktok, instagram, noJoins] = result.rows;
    expect(tiktok!.conversion).toBe(0.25);
    expect(instagram!.conversion).toBe(3 / 10);
    expect(instagram!.revenue).toEqual([
      { currency: "BRL", amount: 500, count: 1 },
      { currency: "EUR", amount: 20, count: 2 },
    ]);
    // Sales but no joins: no rate rather than infinity.
    expect(noJoins!.conversion).toBeUndefined();
    expect(result.direct).toMatchObject({ link: null, joins: 6, leaves: 3, joinRequests: 1, sales: 1 });
    expect(result.totals).toMatchObject({ joins: 20, sales: 7, conversion: 7 / 20 });
    expect(result.totals.revenue).toEqual([
      { currency: "BRL", amount: 500, count: 1 },
      { currency: "EUR", amount: 85, count: 6 },
    ]);
    expect(result.best?.name).toBe("tiktok");
    expect(result.worst?.link).toBe("u:gone");
  });

  it("with no joins and no sales: no conversion, no best, no worst", () => {
    const result = combineLinkPerformance([{ url: "u:a", name: "a", results: figures(0) }], figures(0), []);
    expect(result.totals.conversion).toBeUndefined();
    expect(result.best).toBeUndefined();
    expect(result.worst).toBeUndefined();
    expect(result.rows[0]!.conversion).toBeUndefined();
  });
});

describe("link performance from premiumpay", () => {
  const period = { from: ago(7), to: NOW };

  it("matches the sandbox's sales and results, with one request per endpoint per link", async () => {
    const data = sandbox.data(sandbox.demoClient.clientId);
    const channel = data.channels.find((c) => c.links.length >= 2)!;
    const result = await fetchLinkPerformance(clientFor(sandbox), channel.id, period);
    const inPeriod = data.sales.filter(
      (s) => s.channelId === channel.id && s.date >= period.from && s.date <= period.to,
    );
    for (const link of channel.links) {
      const row = result.rows.find((r) => r.link === link.link)!;
      expect(row.name).toBe(link.name);
      expect(row.sales).toBe(inPeriod.filter((s) => s.invitationLink === link.link).length);
      expect(row.joins).toBeGreaterThanOrEqual(row.sales);
    }
    expect(result.direct.sales).toBe(inPeriod.filter((s) => s.invitationLink === null).length);
    expect(result.totals.sales).toBe(inPeriod.length);
    const byEndpoint = (endpoint: string) => sandbox.requests.filter((r) => r.endpoint === endpoint);
    expect(byEndpoint("channelSales")).toHaveLength(1);
    expect(byEndpoint("channels")).toHaveLength(1);
    expect(byEndpoint("channelResults")).toHaveLength(channel.links.length + 1);
    const asked = byEndpoint("channelResults").map(
      (r) => (r.body as { invitation_link?: string }).invitation_link,
    );
    expect(new Set(asked).size).toBe(asked.length);
  });

  it("caches per operator for a few minutes; a failure is not remembered", async () => {
    let now = NOW;
    // A closed period (yesterday in UTC) keeps the long time to live.
    const closed = { from: ago(2), to: ago(1) };
    const cache = createLinkPerformanceCache({ now: () => now, ttlMs: 180_000 });
    const channel = sandbox.data(sandbox.demoClient.clientId).channels[0]!;
    const client = clientFor(sandbox);
    const get = (operator: number, range = closed) => cache.get(operator, client, channel.id, range, "UTC");
    const first = await get(1);
    const asked = sandbox.requests.length;
    expect(await get(1)).toBe(first);
    expect(sandbox.requests.length).toBe(asked);
    // Another operator never gets the first one's figures.
    await get(2);
    expect(sandbox.requests.length).toBe(asked * 2);
    now = new Date(NOW.getTime() + 180_000);
    await get(1);
    expect(sandbox.requests.length).toBe(asked * 3);

    sandbox.faults.set("channelSales", { status: 500 }, { times: 10 });
    await expect(get(3)).rejects.toMatchObject({ kind: expect.any(String) });
    sandbox.faults.clear();
    const recovered = await get(3);
    expect(recovered.performance.totals.sales).toBe(first.performance.totals.sales);
  });

  it("keys a period by its local dates: a rolling period asked a minute later is the same entry, until the short TTL", async () => {
    let now = NOW;
    const cache = createLinkPerformanceCache({ now: () => now, ttlMs: 180_000, liveTtlMs: 60_000 });
    const channel = sandbox.data(sandbox.demoClient.clientId).channels[0]!;
    const client = clientFor(sandbox);
    const zone = "Europe/Madrid";
    const lastWeek = (at: Date) => ({ from: ago(6), to: at });
    const first = await cache.get(1, client, channel.id, lastWeek(now), zone);
    const asked = sandbox.requests.length;
    now = new Date(NOW.getTime() + 30_000);
    expect(await cache.get(1, client, channel.id, lastWeek(now), zone)).toBe(first);
    expect(sandbox.requests.length).toBe(asked);
    // The same dates in another zone are another question.
    await cache.get(1, client, channel.id, lastWeek(now), "Asia/Tokyo");
    expect(sandbox.requests.length).toBe(asked * 2);
    // A period reaching today expires with the short time to live.
    now = new Date(NOW.getTime() + 61_000);
    expect(await cache.get(1, client, channel.id, lastWeek(now), zone)).not.toBe(first);
    expect(sandbox.requests.length).toBe(asked * 3);
    // Refresh asks again at once.
    await cache.get(1, client, channel.id, lastWeek(now), zone, { fresh: true });
    expect(sandbox.requests.length).toBe(asked * 4);
  });
});

describe("a link day by day", () => {
  it("splits a link's results by premiumpay's date and its sales by local day; the direct row gets the rest", () => {
    const row = (date: string, joins: number) => ({ date, joins, leaves: 1, join_requests: 0 });
    const source = {
      links: [
        { url: "u:a", name: "a", results: [row("2026-03-27", 4), row("2026-03-28", 2)] },
        { url: "u:b", name: "b", results: [row("2026-03-28", 1)] },
      ],
      channelResults: [row("2026-03-27", 5), row("2026-03-28", 2), { joins: 9 }],
      sales: [
        saleAt("2026-03-27T23:30:00Z", 10, "EUR", "u:a"),
        saleAt("2026-03-28T08:00:00Z", 5, "USD", "u:a"),
        saleAt("2026-03-28T10:00:00Z", 3, "EUR", null),
      ],
    };
    const days = ["2026-03-27", "2026-03-28"];
    // 23:30 UTC is already the 28th in Madrid (UTC+1 before the change to summer time).
    expect(linkDays(source, "u:a", days, "Europe/Madrid")).toEqual([
      { date: "2026-03-27", joins: 4, leaves: 1, joinRequests: 0, sales: 0, revenue: [] },
      {
        date: "2026-03-28",
        joins: 2,
        leaves: 1,
        joinRequests: 0,
        sales: 2,
        revenue: [
          { currency: "EUR", amount: 10, count: 1 },
          { currency: "USD", amount: 5, count: 1 },
        ],
      },
    ]);
    expect(linkDays(source, null, days, "Europe/Madrid")).toEqual([
      { date: "2026-03-27", joins: 1, leaves: 0, joinRequests: 0, sales: 0, revenue: [] },
      {
        date: "2026-03-28",
        joins: 0,
        leaves: 0,
        joinRequests: 0,
        sales: 1,
        revenue: [{ currency: "EUR", amount: 3, count: 1 }],
      },
    ]);
  });
});
