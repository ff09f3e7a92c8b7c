import { readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname } from "node:path";
import { parse } from "csv-parse/sync";
import { afterEach, describe, expect, it } from "vitest";
import {
  ExportPeriodError,
  ExportTooLargeError,
  exportFileName,
  exportSales,
  type SalesExport,
  salesByWindow,
  salesCsv,
} from "../../src/export/index.js";
import type { PremiumpayError } from "../../src/premiumpay/index.js";
import type { PremiumpaySandbox, SandboxSale } from "../../src/sandbox/premiumpay/index.js";
import { plainText } from "../charts/support.js";
import { ago, clientFor, days, failure, NOW, useSandbox } from "../premiumpay/support.js";

let sandbox: PremiumpaySandbox;
useSandbox((started) => {
  sandbox = started;
});

const ZONE = "America/Mexico_City";
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const files: SalesExport[] = [];
afterEach(async () => {
  await Promise.all(files.splice(0).map((file) => file.dispose()));
});

async function run(
  request: Omit<Parameters<typeof exportSales>[0], "t" | "zone"> & { locale?: "en" | "es" },
) {
  const file = await exportSales({ zone: ZONE, t: plainText(request.locale ?? "en"), ...request });
  files.push(file);
  const bytes = await readFile(file.path);
  const records = parse(bytes, { bom: true, relax_column_count: false }) as string[][];
  return { file, bytes, header: records[0]!, rows: records.slice(1) };
}

/** A new account whose first channel sold `count` times, evenly over the year before NOW; request log cleared. */
function yearOfSales(count: number) {
  const account = sandbox.addClient({ channels: 2 });
  const channel = sandbox.data(account.clientId).channels[0]!;
  const start = NOW.getTime() - days(365);
  for (let i = 0; i < count; i++) {
    sandbox.addSale(account.clientId, {
      channelId: channel.id,
      date: new Date(start + Math.floor((i * days(365)) / count)),
    });
  }
  sandbox.clearRequests();
  return { account, channel, start };
}

/** An export of the demo account's first channel over the last 60 days. */
function twoMonthsOfTheDemo(extra: Partial<Parameters<typeof exportSales>[0]> = {}) {
  const channel = sandbox.data(sandbox.demoClient.clientId).channels[0]!;
  return exportSales({
    client: clientFor(sandbox),
    channel: { id: channel.id, name: "VIP" },
    period: { from: ago(60), to: NOW },
    zone: ZONE,
    t: plainText("en"),
    ...extra,
  });
}

const exportFolders = async () =>
  (await readdir(tmpdir())).filter((name) => name.startsWith("sales-export-"));
const utc = (sale: SandboxSale) => sale.date.toISOString().replace(/\.\d{3}Z$/, "Z");
const inPeriod = (sale: SandboxSale, from: Date, to: Date) => sale.date >= from && sale.date <= to;

describe("CSV export of sales", () => {
  it("one channel: a row per sandbox sale of the period, with BOM, CRLF and localized columns", async () => {
    const data = sandbox.data(sandbox.demoClient.clientId);
    const channel = data.channels[1]!;
    const period = { from: ago(30), to: NOW };
    const expected = data.sales.filter(
      (s) => s.channelId === channel.id && inPeriod(s, period.from, period.to),
    );
    expect(expected.length).toBeGreaterThan(20);
    const progress: number[] = [];
    const { file, bytes, header, rows } = await run({
      client: clientFor(sandbox),
      channel: { id: channel.id, name: channel.name },
      period,
      onProgress: (count) => progress.push(count),
    });
    expect(bytes.subarray(0, 3)).toEqual(BOM);
    expect(bytes.toString("utf8")).toContain("\r\n");
    expect(bytes.toString("utf8").replace(/\r\n/g, "")).not.toContain("\n");
    expect(header).toEqual([
      `Local time (${ZONE})`,
      "UTC time",
      "Amount",
      "Currency",
      "Channel",
      "Link name",
      "Invitation link",
      "Country",
      "Payment method",
      "Service",
      "Gateway",
    ]);
    expect(rows.map((row) => [row[1], row[2], row[3], row[6], row[7], row[8]])).toEqual(
      expected.map((s) => [
        utc(s),
        s.amount.toFixed(2),
        s.currency,
        s.invitationLink ?? "",
        s.country,
        s.paymentMethod,
      ]),
    );
    const first = expected[0]!;
    const gateway = data.gateways.find((g) => g.id === first.gatewayId)!;
    expect(rows[0]!.slice(4, 6)).toEqual([
      channel.name,
      first.invitationLink ? channel.links.find((l) => l.link === first.invitationLink)!.name : "",
    ]);
    expect(rows[0]!.slice(9)).toEqual([
      gateway.services.find((s) => s.id === first.serviceId)!.name,
      gateway.name,
    ]);
    // Mexico City is UTC−6 all year since 2022.
    const local = new Date(first.date.getTime() - 6 * 3_600_000).toISOString().slice(0, 19).replace("T", " ");
    expect(rows[0]![0]).toBe(local);
    expect(file.rows).toBe(expected.length);
    expect(progress.at(-1)).toBe(expected.length);
    expect(file.fileName).toMatch(/^sales-[a-z0-9-]+-2026-03-16_2026-04-15\.csv$/);
    expect(file.bytes).toBe(bytes.length);
  });

  it("all channels: every sale of the account in the period, channel named, Spanish column names", async () => {
    const data = sandbox.data(sandbox.demoClient.clientId);
    const period = { from: ago(3), to: ago(1) };
    const expected = data.sales.filter((s) => inPeriod(s, period.from, period.to));
    const { header, rows, file } = await run({
      client: clientFor(sandbox),
      channel: null,
      period,
      locale: "es",
    });
    expect(header[0]).toBe(`Hora local (${ZONE})`);
    expect(header[6]).toBe("Enlace de invitación");
    expect(rows.map((row) => [row[1], row[4]])).toEqual(
      expected.map((s) => [utc(s), data.channels.find((c) => c.id === s.channelId)!.name]),
    );
    expect(file.fileName).toBe("sales-todos-los-canales-2026-04-12_2026-04-14.csv");
  });

  it("neutralises formulas and quotes commas, quotes and line breaks", async () => {
    const account = sandbox.addClient({
      channelNames: ['=HYPERLINK("http://evil","x")', 'Tips, "quoted"\nand more'],
    });
    const data = sandbox.data(account.clientId);
    const [formula, quoted] = data.channels;
    formula!.links[0]!.name = "+cmd|' /C calc'!A0";
    const at = (hours: number) => new Date(NOW.getTime() - hours * 3_600_000);
    sandbox.addSale(account.clientId, {
      channelId: formula!.id,
      date: at(5),
      country: "=1+1",
      paymentMethod: "@SUM(A1)",
    });
    sandbox.addSale(account.clientId, {
      channelId: formula!.id,
      date: at(4),
      amount: -5,
      paymentMethod: "\tcard",
    });
    sandbox.addSale(account.clientId, {
      channelId: quoted!.id,
      date: at(3),
      paymentMethod: "-2+3",
      country: "\rX",
    });
    const { bytes, rows } = await run({
      client: clientFor(sandbox, account),
      channel: null,
      period: { from: at(6), to: NOW },
    });
    expect(rows.map((row) => [row[2], row[4], row[5], row[7], row[8]])).toEqual([
      [expect.any(String), `'=HYPERLINK("http://evil","x")`, "'+cmd|' /C calc'!A0", "'=1+1", "'@SUM(A1)"],
      // A negative amount is a number, not a formula: it stays as it is.
      ["-5.00", `'=HYPERLINK("http://evil","x")`, "'+cmd|' /C calc'!A0", "ES", "'\tcard"],
      [expect.any(String), 'Tips, "quoted"\nand more', quoted!.links[0]!.name, "'\rX", "'-2+3"],
    ]);
    expect(bytes.toString("utf8")).toContain('"Tips, ""quoted""\nand more"');
  });

  it("an empty period gives the header row alone", async () => {
    const account = sandbox.addClient({ channels: 1 });
    const channel = sandbox.data(account.clientId).channels[0]!;
    const progress: number[] = [];
    const { bytes, rows, file } = await run({
      client: clientFor(sandbox, account),
      channel: { id: channel.id, name: "Fotografía Pro" },
      period: { from: ago(10), to: NOW },
      onProgress: (count) => progress.push(count),
    });
    expect(rows).toEqual([]);
    expect(file.rows).toBe(0);
    expect(progress.every((count) => count === 0)).toBe(true);
    expect(bytes.subarray(0, 3)).toEqual(BOM);
    expect(file.fileName).toBe("sales-fotografia-pro-2026-04-05_2026-04-15.csv");
  });

  it("a year with thousands of sales: every row, one request per week, progress as it goes", async () => {
    const { account, channel, start } = yearOfSales(3_000);
    const progress: number[] = [];
    const { rows, file } = await run({
      client: clientFor(sandbox, account),
      channel: { id: channel.id, name: channel.name },
      period: { from: new Date(start), to: NOW },
      onProgress: (count) => progress.push(count),
    });
    expect(rows).toHaveLength(3_000);
    expect(file.rows).toBe(3_000);
    expect(new Set(rows.map((row) => row[1])).size).toBe(3_000);
    const salesRequests = sandbox.requests.filter((r) => r.endpoint === "channelSales");
    expect(salesRequests).toHaveLength(53);
    expect(progress).toHaveLength(53);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  it("streams: a reader that stops reading stops the fetching (memory stays bounded)", async () => {
    const { account, channel, start } = yearOfSales(2_000);
    const pages = salesByWindow(clientFor(sandbox, account), {
      channelId: channel.id,
      period: { from: new Date(start), to: NOW },
    });
    const csv = salesCsv(pages, {
      zone: ZONE,
      t: plainText("en"),
      names: { channels: new Map(), links: new Map(), gateways: [] },
    });
    const reader = csv[Symbol.asyncIterator]();
    await reader.next();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const asked = sandbox.requests.filter((r) => r.endpoint === "channelSales").length;
    // 53 windows in the year; only the few the stream's buffers hold were fetched.
    expect(asked).toBeGreaterThan(0);
    expect(asked).toBeLessThan(10);
    csv.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sandbox.requests.filter((r) => r.endpoint === "channelSales").length).toBe(asked);
  });

  it("refuses a file past Telegram's limit with a typed error, and leaves no file behind", async () => {
    const before = await exportFolders();
    const error = await failure(twoMonthsOfTheDemo({ limitBytes: 2_000 }));
    expect(error).toBeInstanceOf(ExportTooLargeError);
    expect((error as ExportTooLargeError).limitBytes).toBe(2_000);
    expect(await exportFolders()).toEqual(before);
  });

  it("refuses a period longer than a year before asking premiumpay for sales", async () => {
    const error = await failure(
      exportSales({
        client: clientFor(sandbox),
        channel: null,
        period: { from: ago(400), to: NOW },
        zone: ZONE,
        t: plainText("en"),
      }),
    );
    expect(error).toBeInstanceOf(ExportPeriodError);
    expect(sandbox.requests.filter((r) => r.endpoint === "sales")).toHaveLength(0);
  });

  it("a premiumpay failure fails the export with premiumpay's error and leaves no file behind", async () => {
    const before = await exportFolders();
    sandbox.faults.set("channelSales", { status: 401 });
    const error = await failure(twoMonthsOfTheDemo());
    expect((error as PremiumpayError).kind).toBe("auth");
    expect(await exportFolders()).toEqual(before);
  });

  it("names the file after what it holds, accents folded", () => {
    expect(exportFileName("Trading VIP", "channel-1", "2026-11-01", "2026-11-30")).toBe(
      "sales-trading-vip-2026-11-01_2026-11-30.csv",
    );
    expect(exportFileName("Fotografía Pro: ¡Ñandú!", "channel-1", "2026-11-01", "2026-11-30")).toBe(
      "sales-fotografia-pro-nandu-2026-11-01_2026-11-30.csv",
    );
    expect(exportFileName("قناة النخبة 🔥", "channel-1007", "2026-11-01", "2026-11-01")).toBe(
      "sales-channel-1007-2026-11-01_2026-11-01.csv",
    );
    expect(exportFileName("../../etc/passwd", "x", "2026-11-01", "2026-11-01")).toBe(
      "sales-etc-passwd-2026-11-01_2026-11-01.csv",
    );
    expect(dirname(exportFileName("a/b", "x", "d", "d"))).toBe(".");
  });
});
