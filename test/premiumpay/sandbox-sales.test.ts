import { afterEach, describe, expect, it } from "vitest";
import { isPremiumpayError } from "../../src/premiumpay/index.js";
import { type PremiumpaySandbox, startPremiumpaySandbox } from "../../src/sandbox/premiumpay/index.js";
import { clientFor } from "./support.js";

const started: PremiumpaySandbox[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((sandbox) => sandbox.close()));
});

async function sandboxWith(options: Parameters<typeof startPremiumpaySandbox>[0] = {}) {
  const sandbox = await startPremiumpaySandbox({ seed: 5, ...options });
  started.push(sandbox);
  return sandbox;
}

async function control(sandbox: PremiumpaySandbox, route: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${sandbox.url}/_sandbox/${route}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "Content-Type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  expect(response.status).toBe(200);
  return response.json();
}

const totalSales = (sandbox: PremiumpaySandbox) =>
  [...sandbox.state.clients.values()].reduce((sum, client) => sum + client.sales.length, 0);

describe("sales over time", () => {
  it("generates nothing while off, so the seeded data stays as it is", async () => {
    const sandbox = await sandboxWith();
    const before = totalSales(sandbox);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(totalSales(sandbox)).toBe(before);
    expect(sandbox.generator.appeared).toEqual([]);
  });

  it("generates seeded sales at the configured rate, with late and out-of-order timestamps", async () => {
    const sandbox = await sandboxWith();
    const before = totalSales(sandbox);
    await control(sandbox, "generator", {
      salesPerMinute: 6000,
      tickMs: 50,
      lateChance: 0.3,
      outOfOrderChance: 0.3,
      burstChance: 0,
    });
    await new Promise((resolve) => setTimeout(resolve, 600));
    await control(sandbox, "generator", { stop: true });
    const appeared = sandbox.generator.appeared;
    expect(appeared.length).toBeGreaterThan(10);
    expect(totalSales(sandbox)).toBe(before + appeared.length);
    const lateMs = appeared.map((entry) => entry.appearedAt.getTime() - entry.sale.date.getTime());
    expect(lateMs.some((ms) => ms >= 60_000)).toBe(true);
    const dates = appeared.map((entry) => entry.sale.date.getTime());
    expect(dates.some((date, i) => i > 0 && date < dates[i - 1]!)).toBe(true);
    // Every client's list stays sorted by date, as the API answers rely on.
    for (const client of sandbox.state.clients.values()) {
      const sorted = client.sales.map((sale) => sale.date.getTime());
      expect(sorted).toEqual([...sorted].sort((a, b) => a - b));
    }
  });

  it("the control API creates a sale at a chosen moment, visible through the API and in the appeared log", async () => {
    const sandbox = await sandboxWith();
    const [created] = (await control(sandbox, "clients", { count: 1, channels: 2 })) as {
      clientId: string;
      token: string;
      channelIds: number[];
    }[];
    const date = new Date(Date.now() - 5 * 60_000);
    date.setMilliseconds(0);
    const sale = (await control(sandbox, "sales", {
      clientId: created!.clientId,
      channelId: created!.channelIds[1],
      amount: 12.5,
      date: date.toISOString(),
    })) as { id: number };
    const sales = await clientFor(sandbox, created!).channelSales({
      channelId: created!.channelIds[1]!,
      from: new Date(date.getTime() - 1000),
      to: new Date(),
    });
    expect(sales.map((s) => [s.raw.id, s.amount, s.date?.toISOString()])).toEqual([
      [sale.id, 12.5, date.toISOString()],
    ]);
    const log = (await control(sandbox, "appeared?from=0")) as { next: number; sales: { id: number }[] };
    expect(log.next).toBe(1);
    expect(log.sales.map((s) => s.id)).toEqual([sale.id]);
  });

  it("enforces the reported per-minute limit with 429 and Retry-After when asked", async () => {
    const sandbox = await sandboxWith({ rateLimitPerMinute: 3, enforceRateLimit: true });
    const client = clientFor(sandbox, sandbox.demoClient, { retry: { retries: 0 } });
    const status = await client.status();
    expect(status.rateLimit).toMatchObject({ limit: 3 });
    // A minute boundary between the calls would reset the count; at most one retry of the sequence is needed.
    let refused: unknown;
    for (let attempt = 0; attempt < 2 && refused === undefined; attempt++) {
      sandbox.clearRequests();
      refused = await (async () => {
        for (let n = 0; n < 4; n++) await client.status();
      })().catch((error: unknown) => error);
    }
    expect(isPremiumpayError(refused, "rate_limited")).toBe(true);
    const last = sandbox.requests.at(-1);
    expect(last?.endpoint).toBe("status");
  });
});
