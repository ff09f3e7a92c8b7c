import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SandboxSale } from "../../src/sandbox/premiumpay/index.js";
import type { StoredMessage } from "../../src/sandbox/telegram/index.js";
import {
  buttonsOf,
  callbackDataOf,
  type Expectation,
  type Harness,
  hasButton,
  type OperatorDriver,
  salesAroundMadridMidnight,
  stampedLike,
  startHarness,
} from "../support/harness.js";

const START = new Date("2026-03-29T10:15:00Z");
const DAY = 86_400_000;
const ago = (days: number, hours = 0) => new Date(START.getTime() - days * DAY - hours * 3_600_000);
const CHANNEL = 'Links "Lab", VIP';
/** A link premiumpay no longer lists: it has sales but no joins of its own. */
const GONE_LINK = "https://t.me/+gonelink";
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ now: () => START });
});
afterAll(() => h?.stop());

interface Fixture {
  op: OperatorDriver;
  clientId: string;
  channelId: number;
  first: { name: string; link: string };
  second: { name: string; link: string };
}

/** A fresh account whose second channel sold through two links, a link it no longer lists, and directly. */
async function fixture(languageCode = "en"): Promise<Fixture> {
  const account = h.premiumpay.addClient({ channelNames: ["Alpha Club", CHANNEL] });
  const channel = h.premiumpay.data(account.clientId).channels[1]!;
  const [first, second] = channel.links;
  const sell = (days: number, amount: number, currency: string, invitationLink: string | null) =>
    h.premiumpay.addSale(account.clientId, {
      channelId: channel.id,
      date: ago(days, 1),
      amount,
      currency,
      invitationLink,
    });
  sell(1, 10, "EUR", first!.link);
  sell(2, 10, "EUR", first!.link);
  sell(3, 10, "EUR", first!.link);
  sell(2, 50, "USD", first!.link);
  sell(1, 5, "EUR", second!.link);
  sell(2, 7, "EUR", GONE_LINK);
  sell(4, 7, "EUR", GONE_LINK);
  sell(1, 4, "EUR", null);
  // Outside the last 7 days: counted in no figure of that period.
  sell(20, 100, "EUR", second!.link);
  const op = h.operator({ account, languageCode });
  await op.login();
  await h.app.deps.store.updateOperator(op.user.id, { timezone: "Europe/Madrid" });
  return {
    op,
    clientId: account.clientId,
    channelId: channel.id,
    first: { name: first!.name, link: first!.link },
    second: { name: second!.name, link: second!.link },
  };
}

/** /links → the channel → last 7 days; resolves with the link performance screen. */
async function openLinks(op: OperatorDriver, periodLabel = "Last 7 days"): Promise<StoredMessage> {
  await op.send("/links", hasButton(/^cp:c:/));
  await op.click(CHANNEL, hasButton("pd1:last7"));
  return op.click(periodLabel, hasButton("sv1:chart"));
}

/** 📤 Export, then the period on screen (the first of the export's period buttons). */
async function exportShown(op: OperatorDriver, shownLabel: string, expect: Expectation, timeoutMs?: number) {
  await op.click("Export", hasButton("xp1:shown"));
  return op.click(shownLabel, expect, timeoutMs);
}

/** The figure line under a ranked row's title. */
function figuresOf(screen: StoredMessage, title: string): string {
  const lines = screen.text.split("\n");
  const index = lines.findIndex((line) => line.includes(title));
  expect(index).toBeGreaterThanOrEqual(0);
  return lines[index + 1]!;
}

const joinsOf = (line: string) => Number(/\+(\d+)/.exec(line)?.[1]);

describe("/links", () => {
  it("ranks links by revenue, with mixed currencies, conversion, a link without joins, direct and totals", async () => {
    const { op, first, second } = await fixture();
    const screen = await openLinks(op);
    const text = screen.text;
    expect(text).toContain(`Links · ${CHANNEL}`);
    expect(screen.html).toContain("Links &quot;Lab&quot;, VIP");
    const rank = (name: string) => text.indexOf(name);
    expect(rank(`1. ${first.name}`)).toBeGreaterThan(0);
    expect(rank(`2. ${GONE_LINK}`)).toBeGreaterThan(rank(`1. ${first.name}`));
    expect(rank(`3. ${second.name}`)).toBeGreaterThan(rank(`2. ${GONE_LINK}`));

    // Two currencies on one row, never added together.
    const firstLine = figuresOf(screen, `1. ${first.name}`);
    expect(firstLine).toContain("4 sales");
    expect(firstLine).toMatch(/€30\.00/);
    expect(firstLine).toMatch(/\$50\.00/);
    const joins = joinsOf(firstLine);
    expect(joins).toBeGreaterThanOrEqual(4);
    const rate = new Intl.NumberFormat("en-US", { style: "percent", maximumFractionDigits: 1 }).format(
      4 / joins,
    );
    expect(firstLine).toContain(`conversion ${rate}`);

    // Sales but no joins: no conversion rate rather than a division by zero.
    const goneLine = figuresOf(screen, `2. ${GONE_LINK}`);
    expect(goneLine).toContain("+0 ");
    expect(goneLine).toContain("2 sales");
    expect(goneLine).toContain("conversion n/a");

    expect(figuresOf(screen, "Direct / no link")).toMatch(/1 sale · €4\.00/);
    const totals = figuresOf(screen, "Total");
    expect(totals).toContain("8 sales");
    expect(totals).toMatch(/€53\.00 · \$50\.00/);
    expect(totals).not.toMatch(/€103|€153/);
    expect(text).toContain(`Best: ${first.name}`);
    expect(text).toMatch(/Weakest: /);
    expect(callbackDataOf(screen)).toEqual(
      expect.arrayContaining(["sv1:chart", "sv1:export", "sv1:today", "sv1:other", "x"]),
    );
  });

  it("counts a sale by its own timestamp in the operator's zone, whatever premiumpay answers for the range", async () => {
    const { op, first } = await fixture();
    await op.send("/links", hasButton(/^cp:c:/));
    await op.click(CHANNEL, hasButton("pd1:today"));
    // premiumpay also sends a sale of the day before and one undated.
    h.premiumpay.faults.set(
      "channelSales",
      {
        body: [
          ...salesAroundMadridMidnight({ invitation_link: first.link }),
          { amount: 3, currency: "EUR", date: "2026-03-28T22:00:00Z" },
        ],
      },
      { times: 1 },
    );
    let screen: StoredMessage;
    try {
      screen = await op.click("Today", hasButton("sv1:chart"));
    } finally {
      h.premiumpay.faults.clear();
    }
    expect(figuresOf(screen, `1. ${first.name}`)).toMatch(/1 sale · €10\.00/);
    expect(figuresOf(screen, "Direct / no link")).toContain("no sales");
    expect(figuresOf(screen, "Total")).toMatch(/1 sale · €10\.00/);
    // The link's own screen counts the same sale on the same day.
    const detail = await op.click(`1. ${first.name}`, hasButton("lb1"));
    expect(figuresOf(detail, "Total")).toMatch(/1 sale · €10\.00/);
  });

  it("answers a channel with a failing premiumpay with Retry, then shows the figures", async () => {
    const { op } = await fixture();
    await op.send("/links", hasButton(/^cp:c:/));
    await op.click(CHANNEL, hasButton("pd1:last7"));
    h.premiumpay.faults.set("channelResults", { status: 503 });
    try {
      const failed = await op.click("Last 7 days", /cannot be reached/);
      expect(callbackDataOf(failed)).toEqual(["rt:links", "x"]);
    } finally {
      h.premiumpay.faults.clear();
    }
    const recovered = await op.click("Try again", /Total/);
    expect(recovered.text).toContain(`Links · ${CHANNEL}`);
  });

  for (const [languageCode, today, noSales] of [
    ["en", "Today", "no sales"],
    ["es", "Hoy", "sin ventas"],
  ] as const) {
    it(`says "${noSales}" for a period without sales, never an amount without a currency (${languageCode})`, async () => {
      const { op } = await fixture(languageCode);
      // The fixture's sales are all before today.
      const screen = await openLinks(op, today);
      const lines = screen.text.split("\n");
      const figures = lines.filter((line) => line.startsWith("👥"));
      // Every ranked link, the direct row and the totals.
      expect(figures.length).toBeGreaterThanOrEqual(3);
      for (const line of figures) expect(line).toContain(`💰 ${noSales} ·`);
      for (const line of lines.filter((line) => /^(🏆|🐢)/.test(line)))
        expect(line).toContain(`, ${noSales} (`);
      expect(screen.text).not.toContain("—");
      expect(screen.text).not.toMatch(/\b0[.,]00\b/);
    });
  }

  for (const [languageCode, label, title, period] of [
    ["en", "Chart", "Revenue by link", "Last 7 days"],
    ["es", "Gráfico", "Ingresos por enlace", "Últimos 7 días"],
  ] as const) {
    it(`sends the revenue-by-link chart as a PNG photo with a caption (${languageCode})`, async () => {
      const { op, first } = await fixture(languageCode);
      const screen = await openLinks(op, period);
      const again = op.nextBotMessage(
        (message) => message.messageId > screen.messageId && callbackDataOf(message).includes("sv1:chart"),
      );
      const photo = await op.click(label, (message) => message.media?.kind === "photo");
      const png = photo.media!.bytes;
      expect(png.subarray(0, 8)).toEqual(PNG_SIGNATURE);
      expect(png.toString("ascii", 12, 16)).toBe("IHDR");
      expect(png.readUInt32BE(16)).toBe(1080);
      expect(photo.text).toContain(`${title} · ${CHANNEL}`);
      expect(photo.text).toContain(first.name);
      // The figures again below the picture, the old screen without its buttons.
      await again;
      expect(buttonsOf(op.botMessages().find((m) => m.messageId === screen.messageId))).toEqual([]);
    });
  }

  it("sends the period's sales as a CSV document: BOM, quoting, one row per sandbox sale", async () => {
    const { op, clientId, channelId } = await fixture();
    await openLinks(op);
    const document = await exportShown(op, "Last 7 days", (message) => message.media?.kind === "document");
    const file = document.media!;
    expect(file.fileName).toMatch(/^sales-.*\.csv$/);
    expect(file.bytes.subarray(0, 3)).toEqual(BOM);
    expect(file.bytes.toString("utf8")).toContain('"Links ""Lab"", VIP"');
    const [header, ...rows] = parse(file.bytes, { bom: true }) as string[][];
    expect(header![1]).toBe("UTC time");
    const from = ago(7).getTime();
    const expected = h.premiumpay
      .data(clientId)
      .sales.filter((sale: SandboxSale) => sale.channelId === channelId && sale.date.getTime() >= from);
    expect(expected).toHaveLength(8);
    expect(rows.map((row) => [row[1], row[2], row[3], row[4], row[6]])).toEqual(
      expected.map((sale) => [
        sale.date.toISOString().replace(/\.\d{3}Z$/, "Z"),
        sale.amount.toFixed(2),
        sale.currency,
        CHANNEL,
        sale.invitationLink ?? "",
      ]),
    );
  });

  it("shows an export's premiumpay failure with Retry, then sends the file", async () => {
    const { op } = await fixture();
    await openLinks(op);
    h.premiumpay.faults.set("channelSales", { status: 503 });
    try {
      const failed = await exportShown(op, "Last 7 days", /cannot be reached/);
      expect(callbackDataOf(failed)).toEqual(["rt:links", "x"]);
    } finally {
      h.premiumpay.faults.clear();
    }
    const document = await op.click("Try again", (message) => message.media?.kind === "document");
    expect(document.media!.bytes.subarray(0, 3)).toEqual(BOM);
  });

  it("shows a progress line while a slow export builds, and removes it when the file is sent", async () => {
    const { op } = await fixture();
    await openLinks(op);
    const progress = op.nextBotMessage(/Preparing your file/, 10_000);
    h.premiumpay.faults.set("channelSales", { delayMs: 2_600 }, { times: 1 });
    try {
      const document = await exportShown(
        op,
        "Last 7 days",
        (message) => message.media?.kind === "document",
        15_000,
      );
      expect(document.media!.fileName).toMatch(/\.csv$/);
    } finally {
      h.premiumpay.faults.clear();
    }
    const line = await progress;
    expect(op.botMessages().find((message) => message.messageId === line.messageId)).toBeUndefined();
  });

  it("sends the chart after a restart between the screen and the click", async () => {
    const { op } = await fixture();
    await openLinks(op);
    await h.restart();
    const photo = await op.click("Chart", (message) => message.media?.kind === "photo");
    expect(photo.media!.bytes.subarray(0, 8)).toEqual(PNG_SIGNATURE);
  });

  it("opens a link's own screen with its days and a chart, and goes back without asking premiumpay again", async () => {
    const { op, clientId, first } = await fixture();
    const asked = () => h.premiumpay.requests.filter((request) => request.clientId === clientId).length;
    const list = await openLinks(op);
    expect(callbackDataOf(list)).toEqual(expect.arrayContaining(["pe1:0", "pe1:1", "pe1:2", "pe1:3"]));
    const listChart = stampedLike(list, "sv1:chart");
    const afterList = asked();

    const photo = op.nextBotMessage((message) => message.media?.kind === "photo");
    const detail = await op.click(`1. ${first.name}`, hasButton("lb1"));
    const png = (await photo).media!.bytes;
    expect(png.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    expect(png.readUInt32BE(16)).toBe(1080);
    expect((await photo).text).toContain(`Sales per day · ${CHANNEL} · ${first.name}`);
    // Its days in Madrid: €10 on the 26th, $50 and €10 on the 27th (largest first), €10 on the 28th.
    const dayLine = (day: string) => detail.text.split("\n").find((line) => line.includes(day)) ?? "";
    expect(dayLine("Mar 26")).toMatch(/1 sale · €10\.00/);
    expect(dayLine("Mar 27")).toMatch(/2 sales · \$50\.00 · €10\.00/);
    expect(dayLine("Mar 28")).toMatch(/1 sale · €10\.00/);
    expect(figuresOf(detail, "Total")).toMatch(/4 sales/);
    // The list's old buttons are refused on the link's screen.
    const stale = await op.answerTo(list.messageId, listChart);
    expect(stale.answer?.text).toMatch(/expired/);

    const back = await op.click("Back to the links", hasButton("sv1:chart"));
    expect(back.messageId).toBe(detail.messageId);
    expect(back.text).toContain(`1. ${first.name}`);
    const direct = await op.click("Direct / no link", hasButton("lb1"));
    expect(direct.text).toMatch(/1 sale · €4\.00/);
    await op.click("Back to the links", hasButton("sv1:chart"));
    expect(asked()).toBe(afterList);

    // Another period asks once; back to the first one asks nothing.
    await op.click(
      "Yesterday",
      (message) => message.text.includes("Yesterday") && hasButton("sv1:chart")(message),
    );
    const afterYesterday = asked();
    expect(afterYesterday).toBeGreaterThan(afterList);
    await op.click(
      "Last 7 days",
      (message) => message.text.includes("Last 7 days") && hasButton("sv1:chart")(message),
    );
    expect(asked()).toBe(afterYesterday);
    // Refresh asks again.
    await op.click("Refresh", hasButton("sv1:chart"));
    expect(asked()).toBeGreaterThan(afterYesterday);
  });

  it("a link's screen survives a restart: Back shows the list again, and a link opened after it asks once more", async () => {
    const { op, clientId, second } = await fixture();
    const asked = () => h.premiumpay.requests.filter((request) => request.clientId === clientId).length;
    await openLinks(op);
    await op.click(`3. ${second.name}`, hasButton("lb1"));
    await h.restart();
    const before = asked();
    const back = await op.click("Back to the links", hasButton("sv1:chart"));
    expect(back.text).toContain(`3. ${second.name}`);
    // The list is the flow's own record: going back asks nothing.
    expect(asked()).toBe(before);
    // The restarted bot has no cached answer: a link opened now asks premiumpay again, with Retry if it fails.
    h.premiumpay.faults.set("channelSales", { status: 503 });
    try {
      await op.click(`3. ${second.name}`, /cannot be reached/);
    } finally {
      h.premiumpay.faults.clear();
    }
    const detail = await op.click("Try again", hasButton("lb1"));
    expect(detail.text).toContain(second.name);
    expect(asked()).toBeGreaterThan(before);
  });

  it("answers a button of an earlier run as expired and sends nothing", async () => {
    const { op } = await fixture();
    const old = await openLinks(op);
    await op.send("/links", hasButton(/^cp:c:/));
    const chart = buttonsOf(old).find((button) => button.text.includes("Chart"));
    const data = chart && "callback_data" in chart ? chart.callback_data : "";
    const before = op.botMessages().length;
    const answer = await op.answerTo(old.messageId, data);
    expect(answer.answer?.text).toMatch(/expired/);
    expect(op.botMessages().filter((message) => message.media)).toHaveLength(0);
    expect(op.botMessages().length).toBe(before);
  });
});

describe("/sales: export and link figures", () => {
  const isDocument = (message: StoredMessage) => message.media?.kind === "document";
  /** The last 7 days in Madrid: 2026-03-23 00:00 CET until now. */
  const weekStart = new Date("2026-03-22T23:00:00Z");

  it("with one link chosen, Export sends that link's sales only, the link named in the file", async () => {
    const { op, channelId, clientId, first } = await fixture();
    await op.send("/sales", hasButton(/^cp:c:/));
    await op.click(CHANNEL, /all links, or of one link/);
    await op.click(first.name, /Sales:/);
    await op.click("Last 7 days", /Last 7 days:/);
    const choice = await op.click("Export", hasButton("xp1:shown"));
    expect(choice.text).toContain(`Export sales · ${CHANNEL} · ${first.name}`);
    const document = await op.click("Last 7 days", isDocument);
    const [, ...rows] = parse(document.media!.bytes, { bom: true }) as string[][];
    const expected = h.premiumpay
      .data(clientId)
      .sales.filter(
        (sale: SandboxSale) =>
          sale.channelId === channelId && sale.invitationLink === first.link && sale.date >= weekStart,
      );
    expect(expected).toHaveLength(4);
    expect(rows.map((row) => [row[1], row[6]])).toEqual(
      expected.map((sale) => [sale.date.toISOString().replace(/\.\d{3}Z$/, "Z"), first.link]),
    );
    expect(document.media!.fileName).toMatch(/^sales-links-lab-vip-.+-2026-03-23_2026-03-29\.csv$/);
  });

  it("🔗 Links shows the channel's link figures for the period shown, and Back returns to the sales", async () => {
    const { op, first } = await fixture();
    await op.send("/sales", hasButton(/^cp:c:/));
    await op.click(CHANNEL, /all links, or of one link/);
    await op.click("All links", /Sales:/);
    const week = await op.click("Last 7 days", (message) => message.text.includes("Last 7 days:"));
    expect(callbackDataOf(week)).toContain("sv1:links");
    const links = await op.click("🔗 Links", hasButton("sv1:chart"));
    expect(links.messageId).toBe(week.messageId);
    expect(links.text).toContain(`Links · ${CHANNEL}`);
    expect(links.text).toContain("Last 7 days: 2026-03-23 – 2026-03-29");
    expect(figuresOf(links, `1. ${first.name}`)).toContain("4 sales");
    expect(figuresOf(links, "Total")).toContain("8 sales");
    // A link of the list opens its days there too.
    await op.click(`1. ${first.name}`, hasButton("lb1"));
    await op.click("Back to the links", hasButton("sv1:chart"));
    const back = await op.click("Back to sales", hasButton("sv1:links"));
    expect(back.text).toContain(`${CHANNEL} · all links`);
    expect(back.text).toContain("Sales: 8\n");
  });
});
