import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "../support/harness.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { OPS_ADDRESS: "127.0.0.1:0" } });
});
afterAll(() => h?.stop());

const scrape = async () => (await fetch(`${h.app.opsUrl}/metrics`)).text();

/** The value of the sample `name` whose labels include `labels` (undefined when there is none). */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split("\n")) {
    const match = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const own = Object.fromEntries(
      [...(match[2] ?? "").matchAll(/([a-z_]+)="([^"]*)"/g)].map((pair) => [pair[1], pair[2]]),
    );
    if (Object.entries(labels).every(([key, value]) => own[key] === value)) return Number(match[3]);
  }
  return undefined;
}

describe("/metrics after driving the bot", () => {
  it("counts updates by kind and times them, premiumpay calls by endpoint and outcome, deliveries, the queue and the role", async () => {
    const op = h.operator();
    await op.login();
    await op.click("Language", /Choose your language/);
    // premiumpay refuses the channel list (5xx, beyond the client's retries): an outcome other than ok.
    h.premiumpay.faults.set("channels", { status: 503 });
    await op.send("/channels", /premiumpay/i);
    h.premiumpay.faults.clear();
    await op.send("/channels", /Your channels/);
    expect(await h.app.digest.runNow({ userId: op.user.id })).toMatchObject({ sent: 1 });
    h.telegram.faults.blockUser(op.user.id);
    expect(await h.app.digest.runNow({ userId: op.user.id })).toMatchObject({ blocked: 1 });

    const text = await scrape();
    const messages = sample(text, "bot_updates_handled_total", { kind: "message" });
    // /start, client id, token, /channels twice.
    expect(messages).toBeGreaterThanOrEqual(5);
    expect(sample(text, "bot_updates_handled_total", { kind: "callback_query" })).toBeGreaterThanOrEqual(1);
    expect(sample(text, "bot_update_handling_seconds_count", { kind: "message" })).toBe(messages);
    expect(sample(text, "bot_update_handling_seconds_bucket", { kind: "message", le: "+Inf" })).toBe(
      messages,
    );

    expect(
      sample(text, "bot_premiumpay_requests_total", { endpoint: "channels", outcome: "ok" }),
    ).toBeGreaterThan(0);
    expect(
      sample(text, "bot_premiumpay_requests_total", { endpoint: "channels", outcome: "unavailable" }),
    ).toBeGreaterThan(0);
    expect(sample(text, "bot_premiumpay_request_seconds_count", { endpoint: "channels" })).toBeGreaterThan(1);

    expect(sample(text, "bot_deliveries_total", { kind: "digest", outcome: "sent" })).toBe(1);
    expect(sample(text, "bot_deliveries_total", { kind: "digest", outcome: "blocked" })).toBe(1);
    expect(sample(text, "bot_delivery_queue_depth")).toBe(0);
    // One process on lowdb does the background work itself.
    expect(sample(text, "bot_leader")).toBe(1);
  });
});
