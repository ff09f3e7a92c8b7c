import { readdir, readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { createPremiumpayClient, isPremiumpayError } from "../../src/premiumpay/index.js";
import { type PremiumpaySandbox, startPremiumpaySandbox } from "../../src/sandbox/premiumpay/index.js";
import { ago, clientFor, failure, NOW, SEED, useSandbox } from "./support.js";

let sandbox: PremiumpaySandbox;

useSandbox((started) => {
  sandbox = started;
});

const demo = () => sandbox.data(sandbox.demoClient.clientId);
const FROM = "2026-04-01T00:00:00Z";
const TO = "2026-04-15T00:00:00Z";

/** A raw request, bypassing the client, to see what the sandbox itself answers. */
async function raw(
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${sandbox.url}${path}`, { method: init.method ?? "POST", ...init });
  return { status: response.status, body: await response.json() };
}

function authed(extra: Record<string, string> = {}): Record<string, string> {
  return {
    "X-client-id": sandbox.demoClient.clientId,
    Authorization: `Bearer ${sandbox.demoClient.token}`,
    "Content-Type": "application/json",
    ...extra,
  };
}

describe("seeded data", () => {
  it("is identical for the same seed and different for another", async () => {
    const twin = await startPremiumpaySandbox({ seed: SEED, now: () => NOW });
    const other = await startPremiumpaySandbox({ seed: SEED + 1, now: () => NOW });
    await Promise.all([twin.close(), other.close()]);
    expect(twin.clients).toEqual(sandbox.clients.slice(0, 3));
    expect(twin.data(twin.demoClient.clientId).sales).toEqual(demo().sales);
    expect(other.demoClient.token).not.toBe(sandbox.demoClient.token);
  });

  it("has a demo client with ~6 channels, a 30-channel client and one with hostile names", () => {
    const [first, bulk, hostile] = sandbox.clients.map((c) => sandbox.data(c.clientId));
    expect(first!.channels).toHaveLength(6);
    expect(first!.channels.filter((c) => c.links.length >= 2 && c.links.length <= 4).length).toBeGreaterThan(
      3,
    );
    expect(bulk!.channels).toHaveLength(30);
    const names = hostile!.channels.flatMap((c) => [c.name, ...c.links.map((l) => l.name)]).join("\n");
    for (const needle of ["<b>bold</b>", "</a>", "&amp;", "{ $x }", "🔥", "قناة", "ערוץ", "{ $name }"]) {
      expect(names).toContain(needle);
    }
  });

  it("spreads sales over the last 90 days across countries, methods, currencies and links", () => {
    const sales = demo().sales;
    const oldest = sales[0]!.date.getTime();
    expect(oldest).toBeGreaterThanOrEqual(ago(90).getTime());
    expect(oldest).toBeLessThan(ago(88).getTime());
    expect(sales.at(-1)!.date.getTime()).toBeLessThanOrEqual(NOW.getTime());
    expect(sales.length).toBeGreaterThan(6 * 90 * 2);
    expect(new Set(sales.map((s) => s.country))).toEqual(new Set(["ES", "MX", "AR", "US", "BR", "CO", "FR"]));
    expect([...new Set(sales.map((s) => s.paymentMethod))]).toEqual(
      expect.arrayContaining(["card", "paypal", "crypto", "bizum"]),
    );
    expect(new Set(sales.map((s) => s.currency))).toEqual(new Set(["EUR", "USD", "BRL"]));
    expect(new Set(sales.map((s) => s.invitationLink)).size).toBeGreaterThan(10);
  });

  it("issues HS256 JWTs that are not written in any source file", async () => {
    const [header, payload, signature] = sandbox.demoClient.token.split(".");
    expect(JSON.parse(Buffer.from(header!, "base64url").toString())).toEqual({ alg: "HS256", typ: "JWT" });
    expect(JSON.parse(Buffer.from(payload!, "base64url").toString())).toMatchObject({
      client_id: sandbox.demoClient.clientId,
    });
    expect(signature).toMatch(/^[\w-]{43}$/);
    const dir = new URL("../../src/sandbox/premiumpay/", import.meta.url);
    for (const file of await readdir(dir)) {
      expect(await readFile(new URL(file, dir), "utf8")).not.toContain(signature);
    }
  });
});

describe("validation", () => {
  const period = JSON.stringify({ start_date_time: FROM, end_date_time: TO });

  it("401 without X-client-id, without a token, or with a client id over 50 characters", async () => {
    const { "X-client-id": _, ...noClient } = authed();
    expect(await raw("/data/sales", { headers: noClient, body: period })).toEqual({
      status: 401,
      body: { status: "ko", error: "Missing X-client-id header" },
    });
    const { Authorization: __, ...noToken } = authed();
    expect((await raw("/data/sales", { headers: noToken, body: period })).status).toBe(401);
    expect(
      (await raw("/status", { method: "GET", headers: authed({ "X-client-id": "a".repeat(51) }) })).status,
    ).toBe(401);
  });

  it("403 for a valid token under another client id, and the log says the token did not match", async () => {
    const headers = authed({ "X-client-id": sandbox.clients[1]!.clientId });
    expect((await raw("/bots/channels", { headers, body: "{}" })).status).toBe(403);
    expect(sandbox.requests[0]).toMatchObject({ tokenMatched: false, hasAuthorization: true });
    expect(sandbox.requests[0]!.headers.authorization).toBe("Bearer <redacted>");
  });

  it("422 for a bad date-time, a bad enum, a missing required field or a non-object body", async () => {
    const badDate = await raw("/data/sales", {
      headers: authed(),
      body: JSON.stringify({ start_date_time: "2026-04-01", end_date_time: TO }),
    });
    expect(badDate).toEqual({
      status: 422,
      body: { status: "ko", error: "start_date_time: must be a date-time like 2019-08-24T14:15:22Z" },
    });
    const badEnum = await raw("/data/sales/aggregated", {
      headers: authed(),
      body: JSON.stringify({ start_date_time: FROM, end_date_time: TO, aggregate_field: "city" }),
    });
    expect(badEnum.status).toBe(422);
    expect(JSON.stringify(badEnum.body)).toContain("aggregate_field");
    const yesNo = await raw("/bots/channels", {
      headers: authed(),
      body: JSON.stringify({ include_links: true }),
    });
    expect(yesNo.status).toBe(422);
    const missing = await raw("/bots/channels/public-link", {
      headers: authed(),
      body: JSON.stringify({ name: "x" }),
    });
    expect(JSON.stringify(missing)).toContain("channel_id");
    expect((await raw("/bots/channels", { headers: authed(), body: "[1]" })).status).toBe(422);
  });

  it("accepts milliseconds and offsets in dates, 400 for invalid JSON, 404/405 for wrong path or method", async () => {
    const lenient = await raw("/data/sales", {
      headers: authed(),
      body: JSON.stringify({ start_date_time: "2026-04-01T02:00:00.000+02:00", end_date_time: TO }),
    });
    expect(lenient.status).toBe(200);
    expect((await raw("/data/sales", { headers: authed(), body: "{oops" })).status).toBe(400);
    expect((await raw("/nope", { headers: authed(), body: "{}" })).status).toBe(404);
    expect((await raw("/version", { headers: authed(), body: "{}" })).status).toBe(405);
  });

  it("an unknown channel, or another client's channel, is 404 Channel not found", async () => {
    const foreign = sandbox.data(sandbox.clients[1]!.clientId).channels[0]!.id;
    const answer = await raw("/bots/channels/welcome-message", {
      headers: authed(),
      body: JSON.stringify({ channel_id: foreign, message: "hi" }),
    });
    expect(answer).toEqual({ status: 404, body: { status: "ko", error: "Channel not found" } });
    expect(sandbox.data(sandbox.clients[1]!.clientId).welcomeMessages.size).toBe(0);
  });
});

describe("endpoint behaviour", () => {
  it('answers "No data" for an empty period', async () => {
    const answer = await raw("/data/sales", {
      headers: authed(),
      body: JSON.stringify({
        start_date_time: "2020-01-01T00:00:00Z",
        end_date_time: "2020-01-02T00:00:00Z",
      }),
    });
    expect(answer).toEqual({ status: 200, body: { status: "ko", error: "No data" } });
  });

  it("aggregates per key and currency, never adding currencies together", async () => {
    const client = clientFor(sandbox);
    const rows = await client.aggregatedSales({ from: ago(30), to: NOW, by: "country" });
    const pairs = rows.map((r) => `${r.key}/${r.currency}`);
    expect(new Set(pairs).size).toBe(pairs.length);
    const es = demo().sales.filter((s) => s.country === "ES" && s.currency === "EUR" && s.date >= ago(30));
    const row = rows.find((r) => r.key === "ES" && r.currency === "EUR")!;
    expect(row.count).toBe(es.length);
    expect(row.amount).toBeCloseTo(
      es.reduce((sum, s) => sum + s.amount, 0),
      2,
    );
  });

  it("consolidate_links adds each link's sale totals; a link can be named instead of given by URL", async () => {
    const channels = await clientFor(sandbox).channels({ includeLinks: true, consolidateLinks: true });
    const link = channels[1]!.links[0]!;
    const sold = demo().sales.filter((s) => s.invitationLink === link.url);
    expect(link.raw.sales).toBe(sold.length);
    const byName = await clientFor(sandbox).channelSales({
      from: ago(90),
      to: NOW,
      channelId: channels[1]!.id,
      invitationLink: link.name,
    });
    expect(byName).toHaveLength(sold.length);
  });

  it("channel results are stable between calls", async () => {
    const client = clientFor(sandbox);
    const params = { from: ago(10), to: NOW, channelId: demo().channels[0]!.id };
    const first = await client.channelResults(params);
    expect(await client.channelResults(params)).toEqual(first);
    expect(Object.keys(first[0]!)).toEqual(
      expect.arrayContaining(["date", "invitation_link", "joins", "leaves", "sales", "amount"]),
    );
  });

  it("serves custom paths when given the same table as the client", async () => {
    const paths = { channels: "/v2/channels", version: "/v2/version" };
    const custom = await startPremiumpaySandbox({ seed: SEED, now: () => NOW, paths });
    try {
      const client = createPremiumpayClient({ ...custom.demoClient, baseUrl: custom.url, paths });
      expect((await client.channels()).length).toBe(6);
      expect((await client.version()).version).toBe("1.0.0");
      expect(custom.requests.map((r) => r.path)).toEqual(["/v2/channels", "/v2/version"]);
    } finally {
      await custom.close();
    }
  });
});

describe("fault knobs", () => {
  it("`times` limits a fault; a path and an endpoint name address the same rule", async () => {
    sandbox.faults.set("/bots/channels", { ko: "first" }, { times: 1 });
    sandbox.faults.set("channels", { ko: "replaced" }, { times: 1 });
    const client = clientFor(sandbox);
    const error = await failure(client.channels());
    expect(isPremiumpayError(error, "rejected") && error.premiumpayMessage).toBe("replaced");
    expect((await client.channels()).length).toBe(6);
  });

  it("latencyMs delays every endpoint until clear()", async () => {
    sandbox.faults.latencyMs = 300;
    const slowClient = clientFor(sandbox, undefined, { timeoutMs: 100, retry: { retries: 0 } });
    expect(isPremiumpayError(await failure(slowClient.version()), "unavailable")).toBe(true);
    sandbox.faults.clear();
    expect(sandbox.faults.latencyMs).toBe(0);
    expect((await slowClient.version()).version).toBe("1.0.0");
  });

  it("a fault answers before authentication, so it works for any caller", async () => {
    sandbox.faults.set("status", { status: 418, body: { error: "teapot" } });
    expect(await raw("/status", { method: "GET" })).toEqual({ status: 418, body: { error: "teapot" } });
  });
});
