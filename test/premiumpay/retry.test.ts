import { describe, expect, it } from "vitest";
import { isPremiumpayError, MAX_CLIENT_ID_LENGTH } from "../../src/premiumpay/index.js";
import type { PremiumpaySandbox } from "../../src/sandbox/premiumpay/index.js";
import { ago, clientFor, failure, NOW, useSandbox } from "./support.js";

let sandbox: PremiumpaySandbox;

useSandbox((started) => {
  sandbox = started;
});

const demo = () => sandbox.data(sandbox.demoClient.clientId);
const range = { from: ago(7), to: NOW };

describe("reads retry", () => {
  it("recovers from two 503s with three requests", async () => {
    sandbox.faults.set("sales", { status: 503 }, { times: 2 });
    const sales = await clientFor(sandbox).sales(range);
    expect(sales.length).toBeGreaterThan(0);
    expect(sandbox.requests.map((r) => r.endpoint)).toEqual(["sales", "sales", "sales"]);
  });

  it("gives up after the configured retries with the last error", async () => {
    sandbox.faults.set("channels", { status: 500 });
    const error = await failure(
      clientFor(sandbox, undefined, { retry: { retries: 2, baseDelayMs: 1 } }).channels(),
    );
    expect(isPremiumpayError(error, "unavailable")).toBe(true);
    expect(sandbox.requests).toHaveLength(3);
  });

  it("defaults to three retries", async () => {
    sandbox.faults.set("version", { destroySocket: true });
    await failure(clientFor(sandbox, undefined, { retry: { baseDelayMs: 1, maxDelayMs: 2 } }).version());
    expect(sandbox.requests).toHaveLength(4);
  });

  it("retries a timeout and a dropped connection", async () => {
    sandbox.faults.set("gateways", { delayMs: 500 }, { times: 1 });
    const client = clientFor(sandbox, undefined, { timeoutMs: 150 });
    expect((await client.gateways()).length).toBeGreaterThan(0);
    sandbox.faults.set("status", { destroySocket: true }, { times: 1 });
    expect((await client.status()).ok).toBe(true);
    expect(sandbox.requests.map((r) => r.endpoint)).toEqual(["gateways", "gateways", "status", "status"]);
  });

  it("retries a 429 without Retry-After using backoff", async () => {
    sandbox.faults.set("aggregatedSales", { status: 429 }, { times: 1 });
    expect((await clientFor(sandbox).aggregatedSales(range)).length).toBeGreaterThan(0);
    expect(sandbox.requests).toHaveLength(2);
  });

  it("waits the Retry-After seconds before retrying", async () => {
    sandbox.faults.set("channelResults", { rateLimit: 1 }, { times: 1 });
    const channelId = demo().channels[0]!.id;
    const rows = await clientFor(sandbox).channelResults({ ...range, channelId });
    expect(rows.length).toBeGreaterThan(0);
    const [first, second] = sandbox.requests;
    // Backoff alone would be ≤ 5 ms here; only Retry-After explains a gap near a second.
    expect(second!.receivedAt.getTime() - first!.receivedAt.getTime()).toBeGreaterThanOrEqual(950);
  });

  it("a Retry-After over the cap surfaces at once as rate_limited", async () => {
    sandbox.faults.set("sales", { rateLimit: 31 });
    const error = await failure(clientFor(sandbox).sales(range));
    expect(isPremiumpayError(error, "rate_limited") && error.retryAfterSeconds).toBe(31);
    expect(sandbox.requests).toHaveLength(1);
  });

  it("auth, rejected, bad_response and invalid_request are never retried", async () => {
    const client = clientFor(sandbox);
    sandbox.faults.set("status", { status: 401 });
    sandbox.faults.set("channels", { ko: "Forbidden channel" });
    sandbox.faults.set("gateways", { malformedJson: true });
    await failure(client.status());
    await failure(client.channels());
    await failure(client.gateways());
    await failure(
      clientFor(sandbox, { clientId: "z".repeat(MAX_CLIENT_ID_LENGTH + 1), token: "t" }).sales(range),
    );
    expect(sandbox.requests.map((r) => r.endpoint)).toEqual(["status", "channels", "gateways"]);
  });
});

describe("creating calls are never retried", () => {
  it("createPublicLink on 503 sends exactly one request and creates nothing", async () => {
    const channel = demo().channels[1]!;
    const links = channel.links.length;
    sandbox.faults.set("createPublicLink", { status: 503 }, { times: 1 });
    const error = await failure(clientFor(sandbox).createPublicLink({ channelId: channel.id, name: "x" }));
    expect(isPremiumpayError(error, "unavailable")).toBe(true);
    expect(sandbox.requests).toHaveLength(1);
    expect(channel.links).toHaveLength(links);
  });

  it("createPublicLink on 429 with a short Retry-After is not retried either", async () => {
    sandbox.faults.set("/bots/channels/public-link", { rateLimit: 1 }, { times: 1 });
    const error = await failure(
      clientFor(sandbox).createPublicLink({ channelId: demo().channels[1]!.id, name: "y" }),
    );
    expect(isPremiumpayError(error, "rate_limited")).toBe(true);
    expect(sandbox.requests).toHaveLength(1);
  });

  it("setWelcomeMessage on a dropped connection or timeout sends exactly one request", async () => {
    const channelId = demo().channels[2]!.id;
    sandbox.faults.set("setWelcomeMessage", { destroySocket: true }, { times: 1 });
    await failure(clientFor(sandbox).setWelcomeMessage({ channelId, message: "a" }));
    sandbox.faults.set("setWelcomeMessage", { delayMs: 400 }, { times: 1 });
    await failure(
      clientFor(sandbox, undefined, { timeoutMs: 100 }).setWelcomeMessage({ channelId, message: "b" }),
    );
    expect(sandbox.requests).toHaveLength(2);
  });
});
