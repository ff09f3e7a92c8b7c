import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StoredMessage } from "../../src/sandbox/telegram/index.js";
import { type Harness, hasButton, type OperatorDriver, startHarness } from "../support/harness.js";

/** A clock far from the digest's hour, so the scheduler never sends on its own during these tests. */
const NOW = new Date("2026-03-11T10:15:00Z");

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    now: () => NOW,
    env: { DIGEST_DEFAULT_TIME: "23:00", DIGEST_CATCH_UP_HOURS: "0" },
  });
});
afterAll(() => h?.stop());

async function loggedIn(account?: { clientId: string; token: string }): Promise<OperatorDriver> {
  const op = h.operator(account ? { account } : {});
  await op.login();
  return op;
}

const callsOf = (method: string, since: number) =>
  h.telegram.calls.slice(since).filter((call) => call.method === method);
const failedUpdates = (since: number) =>
  h.logs.slice(since).filter((line) => line.includes('"update failed"'));
const helpMessages = (op: OperatorDriver) =>
  op.botMessages().filter((message) => /What I can do/.test(message.text));

/** The flow went on by itself: no update failed, no apology was sent, every tap was answered. */
function expectRecovered(op: OperatorDriver, logsFrom: number): void {
  expect(failedUpdates(logsFrom)).toEqual([]);
  const apologies = h.telegram
    .chat(op.chatId)
    .messages.filter((message) => message.from === "bot" && /Something went wrong/.test(message.text));
  expect(apologies).toEqual([]);
  const unanswered = [...h.telegram.callbackQueries.values()].filter(
    (query) => query.userId === op.user.id && !query.answer,
  );
  expect(unanswered).toEqual([]);
}

/**
 * Taps a button and deletes its message at once, as an operator can before the bot has handled the tap: the bot's
 * edit of that message then fails with "message to edit not found".
 */
function clickThenDelete(op: OperatorDriver, label: string | RegExp, expect: RegExp): Promise<StoredMessage> {
  const { message, button } = op.findButton(label);
  const reply = op.nextBotMessage(expect);
  h.telegram.clickButton(op.user, message.messageId, button.callback_data);
  h.telegram.deleteAsUser(op.user, message.messageId);
  return reply;
}

describe("Telegram faults", () => {
  it("429 on sendMessage: waits retry_after and delivers the message exactly once", async () => {
    const op = await loggedIn();
    const since = h.telegram.calls.length;
    h.telegram.faults.failNext("sendMessage", {
      errorCode: 429,
      description: "Too Many Requests: retry after 1",
      retryAfter: 1,
    });
    await op.send("/help", /What I can do/);
    const sends = callsOf("sendMessage", since);
    expect(sends.map((call) => call.errorCode ?? "ok")).toEqual([429, "ok"]);
    expect(sends[1]!.at - sends[0]!.at).toBeGreaterThanOrEqual(900);
    expect(helpMessages(op)).toHaveLength(1);
    expect(failedUpdates(since)).toEqual([]);
  });

  it("5xx on getUpdates: polling recovers by itself and serves the next messages", async () => {
    const op = await loggedIn();
    const since = h.telegram.calls.length;
    const logsFrom = h.logs.length;
    h.telegram.faults.failNext("getUpdates", { errorCode: 502, description: "Bad Gateway" });
    // The long poll already waiting takes this one; the failing poll comes right after it.
    await op.send("/help", /What I can do/);
    await h.telegram.waitFor(
      () => callsOf("getUpdates", since).filter((call) => call.errorCode === 502).length === 1,
    );
    await op.send("/help", /What I can do/, 15_000);
    expect(helpMessages(op)).toHaveLength(2);
    expect(failedUpdates(logsFrom)).toEqual([]);
  });

  it("dropped getUpdates connections: polling reconnects and serves the next messages", async () => {
    const op = await loggedIn();
    const since = h.telegram.calls.length;
    h.telegram.faults.dropNext("getUpdates");
    await op.send("/help", /What I can do/);
    await h.telegram.waitFor(() => callsOf("getUpdates", since).filter((call) => call.dropped).length === 1);
    await op.send("/help", /What I can do/, 15_000);
    await op.send("/menu", hasButton("m:channels"));
    expect(helpMessages(op)).toHaveLength(2);
  });

  describe("the operator deletes the flow's message before the bot edits it", () => {
    it("public link: the next step comes in a new message and the link is created", async () => {
      const op = await loggedIn();
      const logsFrom = h.logs.length;
      await op.send("/link", hasButton(/^cp:c:/));
      await op.click("Fitness Premium", /Send a name/);
      await op.send("Deleted screen", /How long/);
      const step = await clickThenDelete(op, /^7 days$/, /approve each join request/);
      expect(step.editCount).toBe(0);
      await op.click(/^No$/, /Check the new link/);
      await op.click("Create the link", /Link created/);
      expect(failedUpdates(logsFrom)).toEqual([]);
    });

    it("welcome message: the next step comes in a new message and the message is saved", async () => {
      const op = await loggedIn();
      const logsFrom = h.logs.length;
      await op.send("/welcome", hasButton(/^cp:c:/));
      await op.click("Crypto Academy", /Send the message new members will receive/);
      await op.send("Hello and welcome", /invitation links of/);
      const step = await clickThenDelete(op, "No invitation link", /Add a button under the message/);
      expect(step.editCount).toBe(0);
      await op.click("No button", /That is exactly what new members/);
      await op.click("Confirm", /is saved/);
      expect(failedUpdates(logsFrom)).toEqual([]);
    });

    it("sales: link choice, figures and Refresh each carry on in a new message, which later taps edit", async () => {
      const op = await loggedIn();
      const logsFrom = h.logs.length;
      const picker = await op.send("/sales", /Pick a channel/);
      const links = await clickThenDelete(op, "Recetas Secretas", /all links, or of one link/);
      expect(links.messageId).not.toBe(picker.messageId);
      expect(links.editCount).toBe(0);
      const figures = await clickThenDelete(op, "All links", /Sales:/);
      expect(figures.messageId).not.toBe(links.messageId);
      const refreshed = await clickThenDelete(op, "Refresh", /Today, 2026-03-11/);
      expect(refreshed.messageId).not.toBe(figures.messageId);
      expect(refreshed.text).toContain("Recetas Secretas");
      // From now on the new message is the flow's: it is edited in place.
      const yesterday = await op.click("Yesterday", /Yesterday, 2026-03-10/);
      expect(yesterday.messageId).toBe(refreshed.messageId);
      const week = await op.click("Last 7 days", /Last 7 days:/);
      expect(week.messageId).toBe(refreshed.messageId);
      expectRecovered(op, logsFrom);
    });

    it("results: the period choice and the table carry on in a new message, which later taps edit", async () => {
      const op = await loggedIn();
      const logsFrom = h.logs.length;
      const picker = await op.send("/results", /Pick a channel/);
      const periods = await clickThenDelete(op, "Fitness Premium", /Which period\?/);
      expect(periods.messageId).not.toBe(picker.messageId);
      const table = await clickThenDelete(op, "Last 7 days", /Fitness Premium.*results[\s\S]*Last 7 days:/);
      expect(table.messageId).not.toBe(periods.messageId);
      const today = await op.click("Today", /results[\s\S]*Today, 2026-03-11/);
      expect(today.messageId).toBe(table.messageId);
      expectRecovered(op, logsFrom);
    });

    it("report: gateway, service, period and figures each carry on in a new message", async () => {
      const op = await loggedIn();
      const logsFrom = h.logs.length;
      const kinds = await op.send("/report", /Which report/);
      const gateways = await clickThenDelete(op, "Sales of a gateway or service", /Which gateway\?/);
      expect(gateways.messageId).not.toBe(kinds.messageId);
      const services = await clickThenDelete(op, "Stripe", /All its services, or one of them/);
      expect(services.messageId).not.toBe(gateways.messageId);
      const periods = await clickThenDelete(op, "All services", /Which period\?/);
      expect(periods.messageId).not.toBe(services.messageId);
      const figures = await clickThenDelete(op, "Last 7 days", /Stripe · all services[\s\S]*Sales:/);
      expect(figures.messageId).not.toBe(periods.messageId);
      const refreshed = await clickThenDelete(op, "Refresh", /Stripe · all services[\s\S]*Sales:/);
      expect(refreshed.messageId).not.toBe(figures.messageId);
      const today = await op.click("Today", /Stripe[\s\S]*Today, 2026-03-11/);
      expect(today.messageId).toBe(refreshed.messageId);
      // The aggregated reports share the period steps; their first edit recovers too.
      await op.click("Another report", /Which report/);
      await clickThenDelete(op, "Sales by country", /Which period\?/);
      expectRecovered(op, logsFrom);
    });

    it("channel picker: a page or a retried list carries on in a new message, and the pick edits it", async () => {
      const bulk = h.premiumpay.clients.find((client) => client.clientId.startsWith("bulk-"))!;
      const op = await loggedIn(bulk);
      const logsFrom = h.logs.length;
      const first = await op.send("/sales", /Page 1 of 4/);
      const second = await clickThenDelete(op, "Next", /Page 2 of 4/);
      expect(second.messageId).not.toBe(first.messageId);
      expect(second.editCount).toBe(0);
      const picked = await op.click("Channel 12", /Channel 12/);
      expect(picked.messageId).toBe(second.messageId);

      // The first fetch and its automatic retries fail; Retry is tapped and its message deleted.
      h.premiumpay.faults.set("channels", { status: 503 }, { times: 4 });
      const down = await op.send("/results", /cannot be reached right now/, 15_000);
      const list = await clickThenDelete(op, "Try again", /Page 1 of 4/);
      expect(list.messageId).not.toBe(down.messageId);
      const period = await op.click("Channel 03", /Which period\?/);
      expect(period.messageId).toBe(list.messageId);
      expectRecovered(op, logsFrom);
    });
  });

  it("digest settings: a deleted screen carries on in a new message", async () => {
    const op = await loggedIn();
    const logsFrom = h.logs.length;
    const screen = await op.send("/digest", /Daily sales digest/);
    const asked = await clickThenDelete(op, "Change time", /At what local time/);
    expect(asked.messageId).not.toBe(screen.messageId);
    const set = await op.click("08:00", /Time: 08:00/);
    expect(set.messageId).toBe(asked.messageId);
    expect((await h.app.deps.store.getOperator(op.user.id))?.digest.time).toBe("08:00");
    expectRecovered(op, logsFrom);
  });

  it("a user who blocked the bot: the failure is logged, nothing retries forever, other users are served", async () => {
    const blocker = await loggedIn();
    const other = await loggedIn();
    const since = h.telegram.calls.length;
    const logsFrom = h.logs.length;
    // The update is already on its way when the user blocks the bot, so every reply to it is refused.
    h.telegram.sendText(blocker.user, "/help");
    h.telegram.faults.blockUser(blocker.user.id);
    await h.telegram.waitFor(() =>
      h.logs.slice(logsFrom).some((line) => line.includes("could not tell the user about a failure")),
    );
    const refused = callsOf("sendMessage", since).filter((call) => call.params.chat_id === blocker.user.id);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((call) => call.errorCode === 403)).toBe(true);
    // Two attempts at most: the answer, then the apology; a 403 is never retried.
    expect(refused.length).toBeLessThanOrEqual(2);

    await other.send("/help", /What I can do/);
    await other.send("/menu", hasButton("m:channels"));

    // The daily digest to them is switched off instead of being retried every day.
    const report = await h.app.digest.runNow({ userId: blocker.user.id });
    expect(report).toMatchObject({ blocked: 1, sent: 0 });
    expect((await h.app.deps.store.getOperator(blocker.user.id))?.digest.enabled).toBe(false);
    h.telegram.faults.unblockUser(blocker.user.id);
    await blocker.send("/help", /What I can do/);
  });
});
