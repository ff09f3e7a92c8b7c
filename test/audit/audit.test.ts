import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditCallback } from "../../src/bot/callback-data/audit.js";
import { AUDIT_PAGE_SIZE } from "../../src/bot/conversations/audit.js";
import type { StoredMessage } from "../../src/sandbox/telegram/index.js";
import type { AuditEntry } from "../../src/store/index.js";
import { localDate, localTime } from "../../src/time.js";
import {
  buttonsOf,
  callbackDataOf,
  type Harness,
  hasButton,
  type OperatorDriver,
  stampedLike,
  startHarness,
} from "../support/harness.js";

// /audit end to end: the actions that exist today record who, when and what; the log pages, exports and stays private.
let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

/** A logged-in operator with a premiumpay account of their own. */
async function operator(languageCode = "en"): Promise<OperatorDriver> {
  const account = h.premiumpay.addClient({ channels: 3 });
  const op = h.operator({ account, languageCode });
  await op.login();
  return op;
}

const logOf = async (op: OperatorDriver): Promise<AuditEntry[]> =>
  (await h.app.deps.store.listAudit(op.chatId, { offset: 0, limit: 5000 })).entries;

const openAudit = (op: OperatorDriver, title = /Audit log/) =>
  op.send("/audit", (message) => title.test(message.text) && buttonsOf(message).length > 0);

/** Every stored byte of the data folder's team file, for "no secret at rest". */
async function teamFileText(): Promise<string> {
  const { readFile } = await import("node:fs/promises");
  await h.app.deps.store.flush();
  const parts = await Promise.all(
    ["audit.json", "audit.json.journal"].map((name) =>
      readFile(`${h.dataDir}/${name}`, "utf8").catch(() => ""),
    ),
  );
  return parts.join("\n");
}

/** /link up to its summary (7 days, no approval); resolves with the summary. */
async function toLinkSummary(op: OperatorDriver, channel: string, name: string): Promise<StoredMessage> {
  await op.send("/link", hasButton(/^cp:c:/));
  await op.click(channel, /Send a name/);
  await op.send(name, /How long/);
  await op.click(/^7 days$/, /approve each join request/);
  return op.click(/^No$/, /Check the new link/);
}

describe("audit entries", () => {
  it("records the login, a public link, a welcome message and the logout, once each, without secrets", async () => {
    const op = await operator();
    await toLinkSummary(op, "Channel 2", "Instagram bio");
    await op.click("Create", /Link created/);

    await op.send("/welcome", hasButton(/^cp:c:/));
    await op.click("Channel 1", /Send the message new members will receive/);
    await op.send("Welcome aboard!", /invitation links of/);
    await op.click("No invitation link", /Add a button under the message/);
    await op.click("No button", hasButton("wm1:confirm"));
    await op.click("Confirm", /welcome message for .* is saved/);

    const channels = h.premiumpay.data(op.account.clientId).channels;
    const before = await logOf(op);
    expect(before.map((entry) => entry.action)).toEqual(["welcome_set", "public_link_created", "login"]);
    expect(before.every((entry) => entry.actor === op.chatId && entry.account === op.chatId)).toBe(true);
    expect(before[0]!.details).toEqual({
      channelId: channels[0]!.id,
      channelName: "Channel 1",
      messageLength: "Welcome aboard!".length,
      withButton: false,
    });
    expect(before[1]!.details).toEqual({
      channelId: channels[1]!.id,
      channelName: "Channel 2",
      linkName: "Instagram bio",
      durationHours: 168,
      requiresApproval: false,
    });
    expect(before[2]!.details).toEqual({ clientId: op.account.clientId });

    await op.send("/logout", /Log out/);
    await op.click("Yes, log me out", /logged out/);
    const after = await logOf(op);
    expect(after.map((entry) => entry.action)).toEqual(["logout", ...before.map((entry) => entry.action)]);
    // The token is in no entry, and nowhere in the stored log; the created link's URL neither.
    const created = h.premiumpay.data(op.account.clientId).createdLinks[0]!;
    const stored = `${JSON.stringify(after)}\n${await teamFileText()}`;
    expect(stored).not.toContain(op.account.token);
    expect(created.link).toMatch(/^https:\/\/t\.me\//);
    expect(stored).not.toContain(created.link);
  });

  it("a confirming click delivered twice (a crash before its update was confirmed) records one entry", async () => {
    const op = await operator();
    const summary = await toLinkSummary(op, "Channel 1", "Bio");
    const created = op.nextBotMessage(/Link created/);
    const confirm = h.telegram.clickButton(op.user, summary.messageId, stampedLike(summary, "lk1:confirm"));
    await created;
    h.telegram.enqueueRaw(confirm);

    const question = await op.send("/logout", /Log out/);
    const loggedOut = op.nextBotMessage(/logged out/);
    const logout = h.telegram.clickButton(op.user, question.messageId, stampedLike(question, "lo:yes"));
    await loggedOut;
    h.telegram.enqueueRaw(logout);
    // Both redeliveries are handled before this probe (one chat's updates go one at a time).
    await op.send("/start", hasButton("x"));
    expect((await logOf(op)).map((entry) => entry.action)).toEqual([
      "logout",
      "public_link_created",
      "login",
    ]);
  });
});

describe("/audit", () => {
  /** An operator whose log holds `count` entries more than their login, one a minute apart. */
  async function withEntries(count: number, languageCode = "en"): Promise<OperatorDriver> {
    const op = await operator(languageCode);
    for (let i = 0; i < count; i++) {
      await h.app.deps.store.recordAudit({
        key: `seed-${i}`,
        account: op.chatId,
        actor: i % 2 === 0 ? op.chatId : 4242,
        action: "group_connected",
        details: { groupId: -1000 - i, groupTitle: `Group ${i}` },
      });
    }
    return op;
  }

  it("shows the newest 20, pages older and newer, and refuses a page button of an earlier view", async () => {
    const op = await withEntries(44);
    const first = await openAudit(op);
    expect(first.text).toContain("page 1 of 3 · 45 entries");
    const lines = first.text.split("\n").filter((line) => line.includes(" · "));
    expect(lines.slice(1)).toHaveLength(AUDIT_PAGE_SIZE);
    expect(first.text).toContain("Group 43");
    expect(first.text).not.toContain("Group 23");
    expect(first.text).toContain("4242");
    expect(callbackDataOf(first)).toEqual([auditCallback.pack("p", 1), "au1:csv:0", "au1:close:0"]);

    const second = await op.click("Older", /page 2 of 3/);
    expect(second.text).toContain("Group 23");
    const third = await op.click("Older", /page 3 of 3/);
    expect(third.text).toContain("Logged in");
    expect(callbackDataOf(third)).toEqual([auditCallback.pack("p", 1), "au1:csv:0", "au1:close:0"]);
    await op.click("Newer", /page 2 of 3/);

    // A button of the first view, forged with its old stamp, is expired: the page stays.
    const answer = await op.answerTo(first.messageId, stampedLike(first, auditCallback.pack("p", 2)));
    expect(answer.answer?.text).toContain("expired");
    expect(op.lastMessage()?.text).toContain("page 2 of 3");
    await op.click("Close", (message) => buttonsOf(message).length === 0);
  });

  it("exports the whole log as CSV whose rows are the entries, and the screen comes back below the file", async () => {
    const op = await withEntries(25);
    await openAudit(op);
    const document = h.telegram.waitForBotMessage(op.chatId, (message) => message.media?.kind === "document");
    const again = op.nextBotMessage(
      (message) => /page 1 of 2/.test(message.text) && buttonsOf(message).length > 0,
    );
    await op.click("CSV");
    const file = (await document).media!;
    await again;
    expect(file.fileName).toMatch(/^audit-\d{4}-\d{2}-\d{2}\.csv$/);
    const bytes = file.bytes;
    expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const rows = parse(bytes.subarray(3).toString("utf8")) as string[][];
    const entries = await logOf(op);
    expect(rows[0]).toEqual(["Local time (UTC)", "UTC time", "Telegram id", "Name", "Action", "Details"]);
    expect(rows.slice(1)).toEqual(
      entries.map((entry) => [
        `${localDate(new Date(entry.at), "UTC")} ${localTime(new Date(entry.at), "UTC")}`,
        entry.at,
        String(entry.actor),
        // The reader is named as Telegram names them; a user the account does not know is left unnamed.
        entry.actor === op.chatId ? "Olivia" : "",
        entry.action,
        Object.entries(entry.details)
          .map(([key, value]) => `${key}=${value}`)
          .join("; "),
      ]),
    );
    expect(rows).toHaveLength(27);
  });

  it("two accounts never see each other's entries, on screen or in the file", async () => {
    const ann = await withEntries(1);
    const bob = await operator();
    const bobScreen = await openAudit(bob);
    expect(bobScreen.text).toContain("1 entry");
    expect(bobScreen.text).not.toContain("Group 0");
    expect(bobScreen.text).not.toContain(ann.account.clientId);
    const document = h.telegram.waitForBotMessage(
      bob.chatId,
      (message) => message.media?.kind === "document",
    );
    await bob.click("CSV");
    const text = (await document).media!.bytes.toString("utf8");
    expect(text).toContain(bob.account.clientId);
    expect(text).not.toContain(ann.account.clientId);
    const annScreen = await openAudit(ann);
    expect(annScreen.text).not.toContain(bob.account.clientId);
  });

  it("speaks the viewer's language and shows times in the viewer's zone", async () => {
    const op = await withEntries(0, "es");
    await h.app.deps.store.updateOperator(op.chatId, { timezone: "America/Mexico_City" });
    const screen = await openAudit(op, /Registro de actividad/);
    const [login] = await logOf(op);
    const at = new Date(login!.at);
    expect(screen.text).toContain("horas en America/Mexico_City");
    expect(screen.text).toContain(
      `${localDate(at, "America/Mexico_City")} ${localTime(at, "America/Mexico_City")} · tú · 🔑 Sesión iniciada`,
    );
  });

  it("logged out, /audit asks to log in first", async () => {
    const stranger = h.operator();
    await stranger.send("/audit", /not logged in/);
  });
});
