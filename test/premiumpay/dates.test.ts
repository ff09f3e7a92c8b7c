import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatPremiumpayDateTime } from "../../src/premiumpay/index.js";
import type { PremiumpaySandbox } from "../../src/sandbox/premiumpay/index.js";
import { clientFor, only, startSandbox } from "./support.js";

// Run in a zone with DST so a formatter that used local time would be caught.
const originalTz = process.env.TZ;
let sandbox: PremiumpaySandbox;

beforeAll(async () => {
  process.env.TZ = "Europe/Madrid";
  sandbox = await startSandbox();
});
afterAll(async () => {
  process.env.TZ = originalTz;
  await sandbox.close();
});

describe("formatPremiumpayDateTime", () => {
  it("Madrid local midnights around the 2026-03-29 DST change format to the right UTC instants", () => {
    expect(new Date(2026, 2, 29).getTimezoneOffset()).toBe(-60);
    expect(new Date(2026, 2, 30).getTimezoneOffset()).toBe(-120);
    expect(formatPremiumpayDateTime(new Date(2026, 2, 29, 0, 0, 0))).toBe("2026-03-28T23:00:00Z");
    expect(formatPremiumpayDateTime(new Date(2026, 2, 29, 23, 59, 59))).toBe("2026-03-29T21:59:59Z");
    expect(formatPremiumpayDateTime(new Date(2026, 2, 30, 0, 0, 0))).toBe("2026-03-29T22:00:00Z");
  });

  it("drops milliseconds without rounding up, and refuses what the format cannot carry", () => {
    expect(formatPremiumpayDateTime(new Date("2026-03-29T01:02:03.999Z"))).toBe("2026-03-29T01:02:03Z");
    expect(formatPremiumpayDateTime(new Date("x"))).toBeNull();
    expect(formatPremiumpayDateTime(new Date(Date.UTC(10_000, 0, 1)))).toBeNull();
  });
});

describe("dates on the wire", () => {
  it("a Madrid day across the DST change is sent as UTC with no milliseconds", async () => {
    const channelId = sandbox.data(sandbox.demoClient.clientId).channels[0]!.id;
    await clientFor(sandbox).channelSales({
      from: new Date(2026, 2, 29, 0, 0, 0, 500),
      to: new Date(2026, 2, 29, 23, 59, 59, 999),
      channelId,
    });
    expect(only(sandbox).body).toMatchObject({
      start_date_time: "2026-03-28T23:00:00Z",
      end_date_time: "2026-03-29T21:59:59Z",
    });
  });

  it("a response date without a zone is read as UTC, not as Madrid time", async () => {
    sandbox.faults.set("sales", { body: [{ amount: 1, date: "2026-03-29 01:30:00" }] });
    const [sale] = await clientFor(sandbox).sales({ from: new Date(2026, 2, 28), to: new Date(2026, 2, 30) });
    expect(sale!.date!.toISOString()).toBe("2026-03-29T01:30:00.000Z");
  });
});
