import { describe, expect, it } from "vitest";
import type { PremiumpaySandbox } from "../../src/sandbox/premiumpay/index.js";
import { ago, clientFor, NOW, only, useSandbox } from "./support.js";

let sandbox: PremiumpaySandbox;

useSandbox((started) => {
  sandbox = started;
});

const demo = () => sandbox.data(sandbox.demoClient.clientId);
const from = ago(30);
const to = NOW;
const FROM = "2026-03-16T12:00:00Z";
const TO = "2026-04-15T12:00:00Z";
const inRange = (date: Date) => date >= from && date <= to;

describe("version and status", () => {
  it("version() is a GET without credentials", async () => {
    const info = await clientFor(sandbox).version();
    expect(info).toEqual({ status: "ok", version: "1.0.0" });
    const request = only(sandbox);
    expect(request).toMatchObject({
      method: "GET",
      path: "/version",
      hasAuthorization: false,
      clientId: null,
    });
    expect(request.headers["x-client-id"]).toBeUndefined();
  });

  it("status() sends the bearer token and client id and returns the rate limit", async () => {
    const info = await clientFor(sandbox).status();
    expect(info.ok).toBe(true);
    expect(info.status).toBe("ok");
    expect(info.rateLimit).toMatchObject({ limit: 120 });
    const request = only(sandbox);
    expect(request).toMatchObject({
      method: "GET",
      path: "/status",
      clientId: sandbox.demoClient.clientId,
      tokenMatched: true,
    });
  });
});

describe("sales", () => {
  it("posts only the dates when no ids are given and returns typed sales", async () => {
    const sales = await clientFor(sandbox).sales({ from, to });
    expect(only(sandbox)).toMatchObject({ method: "POST", path: "/data/sales", tokenMatched: true });
    expect(only(sandbox).body).toEqual({ start_date_time: FROM, end_date_time: TO });
    expect(only(sandbox).headers["content-type"]).toMatch(/application\/json/);
    expect(sales).toHaveLength(demo().sales.filter((s) => inRange(s.date)).length);
    for (const sale of sales) {
      expect(typeof sale.amount).toBe("number");
      expect(sale.date).toBeInstanceOf(Date);
      expect(inRange(sale.date!)).toBe(true);
      expect(sale.currency).toMatch(/^[A-Z]{3}$/);
    }
    expect(new Set(sales.map((s) => s.country)).size).toBeGreaterThan(3);
  });

  it("sends pasarela_id and service_id and gets only that service's sales", async () => {
    const gateway = demo().gateways[0]!;
    const service = gateway.services[1]!;
    const sales = await clientFor(sandbox).sales({ from, to, gatewayId: gateway.id, serviceId: service.id });
    expect(only(sandbox).body).toEqual({
      start_date_time: FROM,
      end_date_time: TO,
      pasarela_id: gateway.id,
      service_id: service.id,
    });
    expect(sales.length).toBeGreaterThan(0);
    expect(sales.every((s) => s.raw.service_id === service.id && s.raw.pasarela_id === gateway.id)).toBe(
      true,
    );
  });
});

describe("gateways", () => {
  it("includeServices travels as yes and returns services", async () => {
    const gateways = await clientFor(sandbox).gateways({ includeServices: true });
    expect(only(sandbox).body).toEqual({ include_services: "yes" });
    expect(gateways.map((g) => g.name)).toEqual(demo().gateways.map((g) => g.name));
    expect(gateways[0]!.services).toEqual(
      demo().gateways[0]!.services.map((s) => ({ id: s.id, name: s.name, channelId: s.channelId })),
    );
  });

  it("false travels as no; omitted is not sent", async () => {
    const without = await clientFor(sandbox).gateways({ includeServices: false });
    expect(only(sandbox).body).toEqual({ include_services: "no" });
    expect(without.every((g) => g.services.length === 0)).toBe(true);
    sandbox.clearRequests();
    await clientFor(sandbox).gateways();
    expect(only(sandbox).body).toEqual({});
  });
});

describe("aggregatedSales", () => {
  it("groups by the requested field with counts adding up to the sales", async () => {
    const rows = await clientFor(sandbox).aggregatedSales({ from, to, by: "country" });
    expect(only(sandbox).path).toBe("/data/sales/aggregated");
    expect(only(sandbox).body).toEqual({
      start_date_time: FROM,
      end_date_time: TO,
      aggregate_field: "country",
    });
    expect(rows.map((r) => r.key)).toContain("ES");
    const total = rows.reduce((sum, r) => sum + r.count, 0);
    expect(total).toBe(demo().sales.filter((s) => inRange(s.date)).length);
    expect(rows.every((r) => r.currency !== null && r.amount > 0)).toBe(true);
  });

  it("by payment_method keys rows by method; omitted `by` sends no aggregate_field", async () => {
    const rows = await clientFor(sandbox).aggregatedSales({ from, to, by: "payment_method" });
    expect(rows.map((r) => r.key)).toEqual(expect.arrayContaining(["card", "paypal"]));
    sandbox.clearRequests();
    await clientFor(sandbox).aggregatedSales({ from, to });
    expect(only(sandbox).body).toEqual({ start_date_time: FROM, end_date_time: TO });
  });
});

describe("channels", () => {
  it("sends an empty body by default and returns channels without links", async () => {
    const channels = await clientFor(sandbox).channels();
    expect(only(sandbox)).toMatchObject({ path: "/bots/channels", body: {} });
    expect(channels.map((c) => ({ id: c.id, name: c.name }))).toEqual(
      demo().channels.map((c) => ({ id: c.id, name: c.name })),
    );
    expect(channels.every((c) => c.links.length === 0)).toBe(true);
  });

  it("includeLinks returns every link with name and url", async () => {
    const channels = await clientFor(sandbox).channels({ includeLinks: true });
    expect(only(sandbox).body).toEqual({ include_links: "yes" });
    const expected = demo().channels.map((c) => c.links.map((l) => ({ name: l.name, url: l.link })));
    expect(channels.map((c) => c.links.map((l) => ({ name: l.name, url: l.url })))).toEqual(expected);
    expect(channels.some((c) => c.links.length >= 2)).toBe(true);
  });

  it("sends every filter under the API's names, booleans as yes/no", async () => {
    const channels = await clientFor(sandbox).channels({
      includeLinks: true,
      linkNames: ["tiktok"],
      excludeLinkNames: true,
      channelFields: ["id", "name"],
      linkFields: ["name", "link"],
      consolidateLinks: false,
    });
    expect(only(sandbox).body).toEqual({
      include_links: "yes",
      link_names: ["tiktok"],
      exclude_link_names: "yes",
      channel_fields: ["id", "name"],
      link_fields: ["name", "link"],
      consolidate_links: "no",
    });
    const withoutTiktok = demo().channels.filter((c) => !c.links.some((l) => l.name === "tiktok"));
    expect(channels.map((c) => c.id)).toEqual(withoutTiktok.map((c) => c.id));
    expect(channels.every((c) => Object.keys(c.raw).sort().join() === "id,links,name")).toBe(true);
  });

  it("returns all 30 channels of the bulk client", async () => {
    const bulk = sandbox.clients[1]!;
    const channels = await clientFor(sandbox, bulk).channels();
    expect(channels).toHaveLength(30);
    expect(only(sandbox).tokenMatched).toBe(true);
  });

  it("returns hostile channel and link names unchanged", async () => {
    const hostile = sandbox.clients[2]!;
    const channels = await clientFor(sandbox, hostile).channels({ includeLinks: true });
    const state = sandbox.data(hostile.clientId).channels;
    expect(channels.map((c) => c.name)).toEqual(state.map((c) => c.name));
    expect(channels.map((c) => c.name).join()).toContain("<b>bold</b>");
    expect(channels.flatMap((c) => c.links.map((l) => l.name))).toEqual(
      state.flatMap((c) => c.links.map((l) => l.name)),
    );
  });
});

describe("channelResults and channelSales", () => {
  it("channelResults posts channel_id and returns one flat row per day", async () => {
    const channel = demo().channels[1]!;
    const rows = await clientFor(sandbox).channelResults({ from: ago(6.5), to, channelId: channel.id });
    expect(only(sandbox)).toMatchObject({ path: "/bots/channels/results" });
    expect(only(sandbox).body).toEqual({
      start_date_time: "2026-04-09T00:00:00Z",
      end_date_time: TO,
      channel_id: channel.id,
    });
    expect(rows.map((r) => r.date)).toEqual([
      "2026-04-09",
      "2026-04-10",
      "2026-04-11",
      "2026-04-12",
      "2026-04-13",
      "2026-04-14",
      "2026-04-15",
    ]);
    const sold = demo().sales.filter((s) => s.channelId === channel.id && s.date >= ago(6.5) && s.date <= to);
    expect(rows.reduce((sum, r) => sum + Number(r.sales), 0)).toBe(sold.length);
  });

  it("channelSales with invitationLink returns only that link's sales", async () => {
    const channel = demo().channels[2]!;
    const link = channel.links[1]!;
    const sales = await clientFor(sandbox).channelSales({
      from,
      to,
      channelId: channel.id,
      invitationLink: link.link,
    });
    expect(only(sandbox)).toMatchObject({ path: "/bots/channels/sales" });
    expect(only(sandbox).body).toEqual({
      start_date_time: FROM,
      end_date_time: TO,
      channel_id: channel.id,
      invitation_link: link.link,
    });
    expect(sales.length).toBeGreaterThan(0);
    expect(sales.every((s) => s.invitationLink === link.link)).toBe(true);
  });
});

describe("creating calls", () => {
  it("createPublicLink sends every field and the link is added to the channel", async () => {
    const channel = demo().channels[0]!;
    const before = channel.links.length;
    const link = await clientFor(sandbox).createPublicLink({
      channelId: channel.id,
      name: "spring-promo",
      durationHours: 48,
      requiresApproval: true,
      autoApproval: false,
    });
    expect(only(sandbox)).toMatchObject({ path: "/bots/channels/public-link", tokenMatched: true });
    expect(only(sandbox).body).toEqual({
      channel_id: channel.id,
      name: "spring-promo",
      duration_hours: 48,
      requires_approval: "yes",
      auto_approval: "no",
    });
    expect(link).toMatchObject({
      name: "spring-promo",
      durationHours: 48,
      requiresApproval: true,
      autoApproval: false,
    });
    expect(link.url).toMatch(/^https:\/\/t\.me\/\+[\w-]{16}$/);
    expect(channel.links).toHaveLength(before + 1);
    expect(channel.links.at(-1)!.link).toBe(link.url);
    expect(demo().createdLinks.at(-1)).toMatchObject({
      channelId: channel.id,
      name: "spring-promo",
      link: link.url,
    });
  });

  it("createPublicLink omits optional fields that were not given", async () => {
    const channel = demo().channels[3]!;
    await clientFor(sandbox).createPublicLink({ channelId: channel.id, name: "plain" });
    expect(only(sandbox).body).toEqual({ channel_id: channel.id, name: "plain" });
  });

  it("setWelcomeMessage sends button_callback for the button URL and the message is stored", async () => {
    const channel = demo().channels[4]!;
    const result = await clientFor(sandbox).setWelcomeMessage({
      channelId: channel.id,
      message: "¡Bienvenido! <b>VIP</b>",
      inviteLink: channel.links[0]!.link,
      buttonText: "Open",
      buttonUrl: "https://example.com/start",
    });
    expect(result.ok).toBe(true);
    const sent = {
      channel_id: channel.id,
      message: "¡Bienvenido! <b>VIP</b>",
      invite_link: channel.links[0]!.link,
      button: "Open",
      button_callback: "https://example.com/start",
    };
    expect(only(sandbox)).toMatchObject({ path: "/bots/channels/welcome-message", body: sent });
    const { channel_id: _, ...stored } = sent;
    expect(demo().welcomeMessages.get(channel.id)).toEqual(stored);
  });

  it("setWelcomeMessage with only the required fields sends only those", async () => {
    const channel = demo().channels[5]!;
    await clientFor(sandbox).setWelcomeMessage({ channelId: channel.id, message: "Hi" });
    expect(only(sandbox).body).toEqual({ channel_id: channel.id, message: "Hi" });
    expect(demo().welcomeMessages.get(channel.id)).toEqual({ message: "Hi" });
  });

  it("setWelcomeMessage sends the message exactly as typed, surrounding spaces and line breaks included", async () => {
    const channel = demo().channels[4]!;
    const message = "  Welcome!\n\n  Read the rules  ";
    await clientFor(sandbox).setWelcomeMessage({ channelId: channel.id, message });
    expect(only(sandbox).body).toEqual({ channel_id: channel.id, message });
  });
});

describe('"No data"', () => {
  it("every list endpoint turns it into an empty list", async () => {
    const empty = sandbox.addClient({ channels: 0 });
    const client = clientFor(sandbox, empty);
    expect(await client.channels()).toEqual([]);
    expect(await client.sales({ from, to })).toEqual([]);
    expect(await client.aggregatedSales({ from, to, by: "service" })).toEqual([]);
    expect(sandbox.requests.map((r) => r.tokenMatched)).toEqual([true, true, true]);
  });

  it("a channel without sales gives empty channelSales, and gateways/channelResults accept No data too", async () => {
    const added = sandbox.addClient({ channels: 1 });
    const channelId = sandbox.data(added.clientId).channels[0]!.id;
    const client = clientFor(sandbox, added);
    expect(await client.channelSales({ from, to, channelId })).toEqual([]);
    sandbox.faults.set("gateways", { ko: "No data" });
    sandbox.faults.set("channelResults", { ko: "No data" });
    expect(await client.gateways()).toEqual([]);
    expect(await client.channelResults({ from, to, channelId })).toEqual([]);
  });

  it("a sale added later shows up", async () => {
    const added = sandbox.addClient({ channelNames: ["Solo"] });
    const channelId = sandbox.data(added.clientId).channels[0]!.id;
    sandbox.addSale(added.clientId, { channelId, amount: 7.5, currency: "USD", country: "US", date: ago(1) });
    const sales = await clientFor(sandbox, added).channelSales({ from, to, channelId });
    expect(sales.map((s) => [s.amount, s.currency, s.country])).toEqual([[7.5, "USD", "US"]]);
  });
});

describe("connections", () => {
  it("clients of different operators on one base URL share a keep-alive connection", async () => {
    await clientFor(sandbox).status();
    await clientFor(sandbox, sandbox.clients[1]!).status();
    const [first, second] = sandbox.requests;
    expect(first!.remotePort).not.toBeNull();
    expect(second!.remotePort).toBe(first!.remotePort);
    expect(second!.tokenMatched).toBe(true);
  });
});
