import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SandboxSale } from "../../src/sandbox/premiumpay/index.js";
import type { StoredMessage } from "../../src/sandbox/telegram/index.js";
import {
  callbackDataOf,
  type Harness,
  hasButton,
  type OperatorDriver,
  salesAroundMadridMidnight,
  startHarness,
} from "../support/harness.js";

/** A Sunday, 12:15 in Madrid (CEST since 02:00 that day). */
const START = new Date("2026-03-29T10:15:00Z");
const DAY = 86_400_000;
const ZONE = "Europe/Madrid";
const isDocument = (message: StoredMessage) => message.media?.kind === "document";
const utc = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, "Z");
const rowsOf = (document: StoredMessage) =>
  (parse(document.media!.bytes, { bom: true }) as string[][]).slice(1);

/** A fresh account with one channel (or these channel names), logged in, in Madrid. */
async function operatorOf(h: Harness, channelNames?: string[], languageCode = "en") {
  const account = h.premiumpay.addClient(channelNames ? { channelNames } : { channels: 1 });
  const op = h.operator({ account, languageCode });
  await op.login();
  await h.app.deps.store.updateOperator(op.user.id, { timezone: ZONE });
  const channel = h.premiumpay.data(account.clientId).channels[0]!;
  return { op, clientId: account.clientId, channel };
}

/** /sales → the channel → all links → Export: resolves with the export's period question. */
async function exportChoice(op: OperatorDriver, channel: string): Promise<StoredMessage> {
  await op.send("/sales", hasButton(/^cp:c:/));
  await op.click(channel, /all links, or of one link/);
  await op.click("All links", /Sales:/);
  return op.click("Export", hasButton("xp1:shown"));
}

describe("📤 Export in the chat", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ now: () => START });
  });
  afterAll(() => h?.stop());

  it("offers the period shown and the export-only 90 days and 12 months, and Back to the figures", async () => {
    const { op, channel } = await operatorOf(h, ["Año <Pro>"]);
    const choice = await exportChoice(op, channel.name);
    expect(choice.text).toContain("Export sales · Año <Pro>");
    expect(choice.html).toContain("Año &lt;Pro&gt;");
    expect(callbackDataOf(choice)).toEqual(["xp1:shown", "xp1:last90", "xp1:last12m", "xp1:back", "x"]);
    expect(choice.replyMarkup!.inline_keyboard[0]![0]!.text).toBe("📅 Today");
    const back = await op.click("Back", hasButton("sv1:export"));
    expect(back.messageId).toBe(choice.messageId);
    expect(back.text).toContain("Sales: 0\n");
  });

  it("asks in Spanish, and says the 12 months chosen in the operator's zone", async () => {
    const { op, channel } = await operatorOf(h, ["Año Pro"], "es");
    await op.send("/sales", hasButton(/^cp:c:/));
    await op.click(channel.name, hasButton("sl1:all:0"));
    await op.click("Todos los enlaces", /Ventas:/);
    const choice = await op.click("Exportar", hasButton("xp1:shown"));
    expect(choice.text).toContain("Exportar ventas · Año Pro\n¿Qué periodo debe abarcar el archivo?");
    expect(choice.replyMarkup!.inline_keyboard.flat().map((button) => button.text)).toEqual([
      "📅 Hoy",
      "🗓 Últimos 90 días",
      "🗓 Últimos 12 meses",
      "⬅️ Atrás",
      expect.any(String),
    ]);
    const chosen = await op.click("Últimos 12 meses", /Últimos 12 meses:/);
    expect(chosen.text).toContain(`Últimos 12 meses: 2025-03-30 – 2026-03-29 12:15 (${ZONE})`);
    expect(await op.nextBotMessage(/No hay ventas en este periodo/)).toBeDefined();
  });

  it("exports the last 12 months of thousands of sales: rows equal the sandbox's, with a progress line updated, then removed", async () => {
    const { op, clientId, channel } = await operatorOf(h);
    // The last 12 months in Madrid start at local midnight of 2025-03-30 (CET: the clocks changed at 02:00).
    const from = new Date("2025-03-29T23:00:00Z");
    h.premiumpay.addSale(clientId, { channelId: channel.id, date: new Date(from.getTime() - 1000) });
    const span = START.getTime() - from.getTime();
    for (let i = 0; i < 3_000; i++) {
      h.premiumpay.addSale(clientId, {
        channelId: channel.id,
        date: new Date(from.getTime() + Math.floor((i * span) / 3_000)),
      });
    }
    const expected = h.premiumpay
      .data(clientId)
      .sales.filter((sale: SandboxSale) => sale.date >= from && sale.date <= START);
    expect(expected).toHaveLength(3_000);

    await exportChoice(op, channel.name);
    const asked = h.premiumpay.requests.length;
    // Slow windows at first, so that the file takes long enough to show its progress line and update it.
    h.premiumpay.faults.set("channelSales", { delayMs: 700 }, { times: 8 });
    const shown = op.nextBotMessage(/Preparing your file/, 20_000);
    const updated = op.nextBotMessage(
      (message) => message.text.includes("Preparing your file") && message.editCount > 0,
      20_000,
    );
    let document: StoredMessage;
    try {
      const chosen = op.nextBotMessage(/Last 12 months:/, 20_000);
      document = await op.click("Last 12 months", isDocument, 30_000);
      expect((await chosen).text).toContain(
        `Export sales · ${channel.name}\nLast 12 months: 2025-03-30 – 2026-03-29 12:15 (${ZONE})`,
      );
    } finally {
      h.premiumpay.faults.clear();
    }
    const counted = (message: StoredMessage) =>
      Number(/([\d,]+) sales/.exec(message.text)![1]!.replace(",", ""));
    const line = await shown;
    const edit = await updated;
    expect(edit.messageId).toBe(line.messageId);
    expect(counted(edit)).toBeGreaterThan(counted(line));
    expect(counted(edit)).toBeLessThan(3_000);
    expect(op.botMessages().find((message) => message.messageId === line.messageId)).toBeUndefined();

    expect(document.media!.fileName).toMatch(/-2025-03-30_2026-03-29\.csv$/);
    const rows = rowsOf(document);
    expect(rows.map((row) => [row[1], row[2], row[3]])).toEqual(
      expected.map((sale) => [utc(sale.date), sale.amount.toFixed(2), sale.currency]),
    );
    // One request a week: 52 weeks and the 11 hours left.
    const windows = h.premiumpay.requests
      .slice(asked)
      .filter((request) => request.endpoint === "channelSales");
    expect(windows).toHaveLength(53);
    // The figures again below the file, with their buttons.
    await op.nextBotMessage(hasButton("sv1:export"));
  });

  it("exports the last 90 days from local midnight in the operator's zone", async () => {
    const { op, clientId, channel } = await operatorOf(h);
    // 90 local dates back from 2026-03-29: from 2025-12-30 00:00 in Madrid (CET).
    const from = new Date("2025-12-29T23:00:00Z");
    for (const date of [new Date(from.getTime() - 1000), from, new Date(START.getTime() - DAY)]) {
      h.premiumpay.addSale(clientId, { channelId: channel.id, date });
    }
    await exportChoice(op, channel.name);
    const document = await op.click("Last 90 days", isDocument);
    expect(rowsOf(document).map((row) => row[1])).toEqual([utc(from), utc(new Date(START.getTime() - DAY))]);
    expect(document.media!.fileName).toMatch(/-2025-12-30_2026-03-29\.csv$/);
  });

  it("says so for a period without sales, and sends no file of column names alone", async () => {
    const { op, channel } = await operatorOf(h);
    await exportChoice(op, channel.name);
    const empty = await op.click("Today", /No sales in this period/);
    expect(empty.text).toBe("📭 No sales in this period, so there is no file to send.");
    await op.nextBotMessage(hasButton("sv1:export"));
    expect(op.botMessages().filter((message) => message.media)).toEqual([]);
  });

  it("neutralises a link name from premiumpay that starts with = in the file sent", async () => {
    const { op, clientId, channel } = await operatorOf(h, ["+Signals"]);
    const link = channel.links[0]!;
    link.name = '=HYPERLINK("http://evil","x")';
    h.premiumpay.addSale(clientId, {
      channelId: channel.id,
      date: new Date(START.getTime() - 3_600_000),
      invitationLink: link.link,
      country: "@SUM(A1)",
    });
    await exportChoice(op, channel.name);
    const document = await op.click("Today", isDocument);
    const [row] = rowsOf(document);
    expect([row![4], row![5], row![6], row![7]]).toEqual([
      "'+Signals",
      `'=HYPERLINK("http://evil","x")`,
      link.link,
      "'@SUM(A1)",
    ]);
  });

  it("writes a sale by its own timestamp in the operator's zone, whatever premiumpay answers for the range", async () => {
    const { op, channel } = await operatorOf(h);
    await exportChoice(op, channel.name);
    // premiumpay also sends a sale of the day before and one undated.
    h.premiumpay.faults.set(
      "channelSales",
      {
        body: salesAroundMadridMidnight(),
      },
      { times: 1 },
    );
    try {
      const document = await op.click("Today", isDocument);
      expect(rowsOf(document).map((row) => [row[1], row[2]])).toEqual([["2026-03-28T23:00:00Z", "10.00"]]);
    } finally {
      h.premiumpay.faults.clear();
    }
  });
});

describe("📤 Export past the size limit", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ now: () => START, env: { EXPORT_MAX_KB: "1" } });
  });
  afterAll(() => h?.stop());

  it("explains a file too large for the bot's limit instead of sending it", async () => {
    const { op, clientId, channel } = await operatorOf(h);
    for (let hour = 1; hour <= 40; hour++) {
      h.premiumpay.addSale(clientId, {
        channelId: channel.id,
        date: new Date(START.getTime() - hour * 3_600_000),
      });
    }
    await exportChoice(op, channel.name);
    const refused = await op.click("Last 90 days", /too many sales for one file/);
    expect(refused.text).toBe(
      "⚠️ This period has too many sales for one file: the bot sends documents up to 1 kB. Choose a shorter period.",
    );
    await op.nextBotMessage(hasButton("sv1:export"));
    expect(op.botMessages().filter((message) => message.media)).toEqual([]);
  });
});
