import { describe, expect, it } from "vitest";
import type { Sale } from "../../src/premiumpay/index.js";
import {
  combineLinkPerformance,
  createLinkPerformanceCache,
  fetchLinkPerformance,
  fetchLinkPerformanceSource,
  linkDays,
  linkPerformanceRows,
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

describe("the link performance cache's bounds", () => {
  const closed = { from: ago(2), to: ago(1) };
  const month = { from: ago(30), to: ago(1) };
  const lastWeek = { from: ago(6), to: NOW };
  const demoChannel = () => sandbox.data(sandbox.demoClient.clientId).channels[0]!;
  /** The rows an answer holds, measured straight from premiumpay; the request log is cleared afterwards. */
  const rowsOf = async (period: { from: Date; to: Date }) => {
    const rows = linkPerformanceRows(
      await fetchLinkPerformanceSource(clientFor(sandbox), demoChannel().id, period),
    );
    sandbox.clearRequests();
    return rows;
  };
  /** A cache on the demo channel that says how many requests each ask made. */
  const cacheWith = (options: Omit<Parameters<typeof createLinkPerformanceCache>[0], "now">) => {
    const clock = { now: NOW };
    const cache = createLinkPerformanceCache({ now: () => clock.now, ...options });
    const client = clientFor(sandbox);
    const ask = async (operator: number, period = closed, fresh = false) => {
      const before = sandbox.requests.length;
      const cached = await cache.get(operator, client, demoChannel().id, period, "UTC", { fresh });
      return { cached, requests: sandbox.requests.length - before };
    };
    return { clock, ask };
  };

  it("drops expired answers when it adds one, so they take no room from live ones", async () => {
    const closedRows = await rowsOf(closed);
    const liveRows = await rowsOf(lastWeek);
    expect(closedRows).toBeGreaterThan(0);
    expect(liveRows).toBeGreaterThan(0);
    // Room for the two first answers, and for two closed ones, but never for all three.
    const maxRows = Math.max(closedRows + liveRows, 2 * closedRows);
    const { clock, ask } = cacheWith({ ttlMs: 180_000, liveTtlMs: 60_000, maxRows });
    await ask(2);
    await ask(1, lastWeek);
    // The live answer expires; operator 2's closed one is older but still valid.
    clock.now = new Date(NOW.getTime() + 60_000);
    expect((await ask(3)).requests).toBeGreaterThan(0);
    // Had the expired answer stayed, making room for operator 3 would have evicted operator 2's, the oldest.
    expect((await ask(2)).requests).toBe(0);
    expect((await ask(3)).requests).toBe(0);
  });

  it("drops an expired answer when it is read", async () => {
    const { clock, ask } = cacheWith({ ttlMs: 180_000 });
    const first = await ask(1);
    clock.now = new Date(NOW.getTime() + 179_999);
    expect(await ask(1)).toEqual({ cached: first.cached, requests: 0 });
    clock.now = new Date(NOW.getTime() + 180_000);
    const again = await ask(1);
    expect(again.requests).toBe(first.requests);
    expect(again.cached).not.toBe(first.cached);
  });

  it("over its row cap, evicts the least recently used answer first", async () => {
    const rows = await rowsOf(closed);
    const { ask } = cacheWith({ maxRows: 2 * rows });
    const first = await ask(1);
    await ask(2);
    // Reading operator 1's answer makes operator 2's the least recently used.
    expect((await ask(1)).requests).toBe(0);
    await ask(3);
    expect((await ask(1)).requests).toBe(0);
    expect((await ask(3)).requests).toBe(0);
    expect((await ask(2)).requests).toBe(first.requests);
  });

  it("returns an answer larger than the cap without keeping it or evicting others for it", async () => {
    const rows = await rowsOf(closed);
    const monthRows = await rowsOf(month);
    expect(monthRows).toBeGreaterThan(rows);
    const { ask } = cacheWith({ maxRows: rows });
    await ask(1);
    const large = await ask(2, month);
    const direct = await fetchLinkPerformance(clientFor(sandbox), demoChannel().id, month);
    expect(large.cached.performance).toEqual(direct);
    expect((await ask(2, month)).requests).toBe(large.requests);
    expect((await ask(1)).requests).toBe(0);
  });

  it("shares one fetch between concurrent asks, then answers from what it kept", async () => {
    const single = await cacheWith({}).ask(1);
    sandbox.clearRequests();
    const { ask } = cacheWith({});
    const [a, b] = await Promise.all([ask(1), ask(1)]);
    expect(a.cached).toBe(b.cached);
    expect(sandbox.requests).toHaveLength(single.requests);
    expect(await ask(1)).toEqual({ cached: a.cached, requests: 0 });
  });

  it("keeps each operator's answers apart: one's refresh or eviction leaves the other's", async () => {
    const rows = await rowsOf(closed);
    const { ask } = cacheWith({ maxRows: 2 * rows });
    const one = await ask(1);
    const two = await ask(2);
    expect(two.requests).toBe(one.requests);
    expect(two.cached).not.toBe(one.cached);
    // Operator 1's Refresh asks again for operator 1 only.
    const refreshed = await ask(1, closed, true);
    expect(refreshed.requests).toBe(one.requests);
    expect(await ask(2)).toEqual({ cached: two.cached, requests: 0 });
    expect(await ask(1)).toEqual({ cached: refreshed.cached, requests: 0 });
    // Operator 3 pushes out the least recently used answer, operator 2's, and nothing of operator 1's.
    await ask(3);
    expect((await ask(1)).requests).toBe(0);
    expect((await ask(2)).requests).toBe(one.requests);
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
