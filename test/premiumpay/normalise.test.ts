import { describe, expect, it } from "vitest";
import { isPremiumpayError } from "../../src/premiumpay/index.js";
import type { PremiumpaySandbox } from "../../src/sandbox/premiumpay/index.js";
import { ago, clientFor, failure, NOW, useSandbox } from "./support.js";

let sandbox: PremiumpaySandbox;

useSandbox((started) => {
  sandbox = started;
});

const range = { from: ago(7), to: NOW };

describe("channel aliases", () => {
  it("channel_id, title, channel_name and link/url/invite_link", async () => {
    sandbox.faults.set("channels", {
      body: [
        {
          channel_id: "17",
          title: "Hola",
          links: [{ name: "a", url: "https://t.me/+a" }, { invite_link: "https://t.me/+b" }],
        },
        { id: 3, channel_name: "Tres", extra: { deep: true } },
        { id: 4, name: "Cuatro", title: "ignored", links: null },
      ],
    });
    const channels = await clientFor(sandbox).channels({ includeLinks: true });
    expect(
      channels.map(({ id, name, links }) => ({ id, name, links: links.map((l) => [l.name, l.url]) })),
    ).toEqual([
      {
        id: 17,
        name: "Hola",
        links: [
          ["a", "https://t.me/+a"],
          ["", "https://t.me/+b"],
        ],
      },
      { id: 3, name: "Tres", links: [] },
      { id: 4, name: "Cuatro", links: [] },
    ]);
    expect(channels[1]!.raw.extra).toEqual({ deep: true });
  });

  it("a list wrapped in { data } is accepted", async () => {
    sandbox.faults.set("channels", { body: { status: "ok", data: [{ id: 9, name: "Nueve" }] } });
    expect((await clientFor(sandbox).channels()).map((c) => c.id)).toEqual([9]);
  });

  it("a channel without any id, or a link without any url, is a bad response", async () => {
    sandbox.faults.set("channels", { body: [{ name: "no id" }] }, { times: 1 });
    expect(isPremiumpayError(await failure(clientFor(sandbox).channels()), "bad_response")).toBe(true);
    sandbox.faults.set("channels", { body: [{ id: 1, links: [{ name: "x" }] }] });
    const error = await failure(clientFor(sandbox).channels());
    expect(isPremiumpayError(error, "bad_response") && error.message).toContain("0.links.0");
  });
});

describe("sale aliases", () => {
  it("price as a numeric string, total, created_at, date_time, missing currency", async () => {
    sandbox.faults.set("sales", {
      body: [
        { price: "12.50", created_at: "2026-04-01 10:00:00", country: "MX" },
        { total: 3, date_time: "2026-04-02T08:30:00+02:00", currency: "EUR", payment_method: "bizum" },
        { amount: 5, date: "not a date", invitation_link: "https://t.me/+z", currency: null },
      ],
    });
    const sales = await clientFor(sandbox).sales(range);
    expect(sales.map(({ raw: _, ...s }) => s)).toEqual([
      {
        amount: 12.5,
        currency: null,
        date: new Date("2026-04-01T10:00:00Z"),
        country: "MX",
        paymentMethod: null,
        invitationLink: null,
      },
      {
        amount: 3,
        currency: "EUR",
        date: new Date("2026-04-02T06:30:00Z"),
        country: null,
        paymentMethod: "bizum",
        invitationLink: null,
      },
      {
        amount: 5,
        currency: null,
        date: null,
        country: null,
        paymentMethod: null,
        invitationLink: "https://t.me/+z",
      },
    ]);
  });

  it("channelSales uses the same normalisation", async () => {
    sandbox.faults.set("channelSales", { body: [{ price: "1.5" }] });
    const sales = await clientFor(sandbox).channelSales({ ...range, channelId: 1001 });
    expect(sales[0]).toMatchObject({ amount: 1.5, currency: null, date: null });
  });

  it("a sale with no amount of any name is a bad response", async () => {
    sandbox.faults.set("sales", { body: [{ currency: "EUR" }] });
    expect(isPremiumpayError(await failure(clientFor(sandbox).sales(range)), "bad_response")).toBe(true);
  });
});

describe("aggregated rows", () => {
  it("key, sales and total aliases; numeric keys become strings", async () => {
    sandbox.faults.set("aggregatedSales", {
      body: [
        { key: "ES", sales: 3, total: "10.5" },
        { service: 117, count: "2", amount: 4, currency: "USD" },
      ],
    });
    const rows = await clientFor(sandbox).aggregatedSales({ ...range, by: "service" });
    expect(rows).toEqual([
      { key: "ES", count: 3, amount: 10.5, currency: null },
      { key: "117", count: 2, amount: 4, currency: "USD" },
    ]);
  });

  it("without `by` the row's own aggregate field is the key; a row without key is a bad response", async () => {
    sandbox.faults.set(
      "aggregatedSales",
      { body: [{ payment_method: "pix", count: 1, amount: 2 }] },
      { times: 1 },
    );
    expect((await clientFor(sandbox).aggregatedSales(range))[0]!.key).toBe("pix");
    sandbox.faults.set("aggregatedSales", { body: [{ country: "ES", count: 1, amount: 2 }] });
    const error = await failure(clientFor(sandbox).aggregatedSales({ ...range, by: "payment_method" }));
    expect(isPremiumpayError(error, "bad_response")).toBe(true);
  });
});

describe("other shapes", () => {
  it("gateways: pasarela_id, title, service_id", async () => {
    sandbox.faults.set("gateways", {
      body: [{ pasarela_id: "5", title: "Stripe", services: [{ service_id: 8, title: "VIP" }] }],
    });
    expect(await clientFor(sandbox).gateways({ includeServices: true })).toEqual([
      { id: 5, name: "Stripe", services: [{ id: 8, name: "VIP" }] },
    ]);
  });

  it("channelResults rows stay flat; nested values become JSON text", async () => {
    sandbox.faults.set("channelResults", {
      body: [{ date: "2026-04-01", joins: 3, ok: true, extra: { a: 1 } }],
    });
    const rows = await clientFor(sandbox).channelResults({ ...range, channelId: 1001 });
    expect(rows).toEqual([{ date: "2026-04-01", joins: 3, ok: true, extra: '{"a":1}' }]);
  });

  it("createPublicLink accepts a bare object, url, boolean flags, and falls back to the requested name", async () => {
    sandbox.faults.set("createPublicLink", {
      body: { url: "https://t.me/+q", requires_approval: true, auto_approval: "no", duration_hours: "0" },
    });
    const link = await clientFor(sandbox).createPublicLink({ channelId: 1001, name: "asked" });
    expect(link).toMatchObject({
      name: "asked",
      url: "https://t.me/+q",
      durationHours: 0,
      requiresApproval: true,
      autoApproval: false,
    });
  });

  it("createPublicLink takes the first element, reads invite_link, and rejects an empty array", async () => {
    sandbox.faults.set(
      "createPublicLink",
      { body: [{ name: "n", invite_link: "https://t.me/+i" }, {}] },
      { times: 1 },
    );
    const link = await clientFor(sandbox).createPublicLink({ channelId: 1001, name: "asked" });
    expect(link).toMatchObject({
      name: "n",
      url: "https://t.me/+i",
      durationHours: null,
      requiresApproval: null,
    });
    sandbox.faults.set("createPublicLink", { body: [] });
    const error = await failure(clientFor(sandbox).createPublicLink({ channelId: 1001, name: "asked" }));
    expect(isPremiumpayError(error, "bad_response")).toBe(true);
  });

  it("status: a ko without error is an answer; rate_limit is an alias of ratelimit", async () => {
    sandbox.faults.set("status", { body: { status: "ko", rate_limit: { remaining: 0, window: "1m" } } });
    expect(await clientFor(sandbox).status()).toEqual({
      ok: false,
      status: "ko",
      rateLimit: { remaining: 0, window: "1m" },
    });
  });

  it("version: a numeric version becomes text", async () => {
    sandbox.faults.set("version", { body: { version: 2 } });
    expect(await clientFor(sandbox).version()).toEqual({ status: "ok", version: "2" });
  });

  it("setWelcomeMessage keeps whatever body premiumpay sent as raw", async () => {
    sandbox.faults.set("setWelcomeMessage", { body: { status: "ok", id: 77 } });
    const result = await clientFor(sandbox).setWelcomeMessage({ channelId: 1001, message: "m" });
    expect(result).toEqual({ ok: true, raw: { status: "ok", id: 77 } });
  });
});
