import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StoredMessage } from "../../src/sandbox/telegram/index.js";
import {
  buttonsOf,
  callbackDataOf,
  type Harness,
  type OperatorDriver,
  stampedLike,
  startHarness,
} from "../support/harness.js";

// The picker is shared by every channel flow; these tests drive it through /link.

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.stop());

/** The seeded account with 30 channels, "Channel 01" … "Channel 30". */
const bulkAccount = () => h.premiumpay.clients.find((client) => client.clientId.startsWith("bulk-"))!;

/** A logged-in operator of this premiumpay account. */
async function logIn(account: { clientId: string; token: string }): Promise<OperatorDriver> {
  const op = h.operator({ account });
  await op.login();
  return op;
}

const channelLabels = (message: StoredMessage) =>
  buttonsOf(message)
    .filter(
      (button) =>
        "callback_data" in button &&
        callbackDataOf({ ...message, replyMarkup: { inline_keyboard: [[button]] } })[0]!.startsWith("cp:c:"),
    )
    .map((button) => button.text);
const labels = (message: StoredMessage) => buttonsOf(message).map((button) => button.text);
const numbered = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `Channel ${String(from + i).padStart(2, "0")}`);
/** The channels requests of the operator's account (accounts are shared between tests: count from `since`). */
const channelsRequests = (op: OperatorDriver, since = 0) =>
  h.premiumpay.requests
    .slice(since)
    .filter((request) => request.endpoint === "channels" && request.clientId === op.account.clientId);
const unanswered = (op: OperatorDriver) =>
  [...h.telegram.callbackQueries.values()].filter((query) => query.userId === op.user.id && !query.answer);

/** Taps any callback data on a message, as a modified client could; resolves with the bot's answer. */
async function forge(op: OperatorDriver, messageId: number, data: string) {
  const update = h.telegram.clickButton(op.user, messageId, data, { force: true });
  const id = update.callback_query!.id;
  return h.telegram.waitFor(() => h.telegram.callbackQueries.get(id)?.answer);
}

describe("channel picker", () => {
  it("pages through 30 channels, 8 at a time, in one message", async () => {
    const op = await logIn(bulkAccount());
    const since = h.premiumpay.requests.length;
    const first = await op.send("/link", /Page 1 of 4/);
    expect(first.text).toContain("New public link");
    expect(first.text).toContain("You have 30 channels: type part of a name to filter them.");
    expect(channelLabels(first)).toEqual(numbered(1, 8));
    expect(labels(first).slice(8)).toEqual(["Next ▶️", "✖️ Cancel"]);
    // Every button's data is short and names the channel by its premiumpay id.
    for (const data of callbackDataOf(first)) expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);

    const second = await op.click("Next", /Page 2 of 4/);
    expect(second.messageId).toBe(first.messageId);
    expect(channelLabels(second)).toEqual(numbered(9, 16));
    expect(labels(second).slice(8)).toEqual(["◀️ Previous", "Next ▶️", "✖️ Cancel"]);
    await op.click("Next", /Page 3 of 4/);
    const last = await op.click("Next", /Page 4 of 4/);
    expect(channelLabels(last)).toEqual(numbered(25, 30));
    expect(labels(last).slice(6)).toEqual(["◀️ Previous", "✖️ Cancel"]);
    const back = await op.click("Previous", /Page 3 of 4/);
    expect(channelLabels(back)).toEqual(numbered(17, 24));

    const picked = await op.click("Channel 20", /Send a name/);
    expect(picked.messageId).toBe(first.messageId);
    expect(picked.text).toContain("New public link · Channel 20");
    // The list was fetched once for the whole paging.
    expect(channelsRequests(op, since)).toHaveLength(1);
    expect(unanswered(op)).toEqual([]);
  });

  it("puts the last used channel first in the next flow, also after a restart", async () => {
    const op = await logIn(bulkAccount());
    await op.send("/link", /Page 1 of 4/);
    await op.click("Next", /Page 2 of 4/);
    await op.click("Channel 13", /Send a name/);
    await op.click("Cancel", /Cancelled/);

    const again = await op.send("/link", /Page 1 of 4/);
    expect(channelLabels(again)).toEqual(["Channel 13", ...numbered(1, 7)]);
    const page2 = await op.click("Next", /Page 2 of 4/);
    expect(channelLabels(page2)).toEqual([...numbered(8, 12), ...numbered(14, 16)]);
    await op.click("Channel 14", /Send a name/);
    await op.send("/cancel", /Cancelled/);

    await h.restart();
    const afterRestart = await op.send("/link", /Page 1 of 4/);
    expect(channelLabels(afterRestart)).toEqual(["Channel 14", ...numbered(1, 7)]);
  });

  it("filters by a typed part of the name and moves the list below the typed text", async () => {
    const op = await logIn(bulkAccount());
    const since = h.premiumpay.requests.length;
    const full = await op.send("/link", /Page 1 of 4/);

    const filtered = await op.send("channel 2", /Channels matching “channel 2”/);
    expect(filtered.messageId).toBeGreaterThan(full.messageId);
    expect(h.telegram.chat(op.chatId).messages.find((m) => m.messageId === full.messageId)?.deleted).toBe(
      true,
    );
    expect(filtered.text).toContain("Page 1 of 2");
    expect(channelLabels(filtered)).toEqual(numbered(20, 27));
    expect(labels(filtered).slice(8)).toEqual(["Next ▶️", "✖️ Clear filter", "✖️ Cancel"]);
    const rest = await op.click("Next", /Page 2 of 2/);
    expect(channelLabels(rest)).toEqual(numbered(28, 29));

    const one = await op.send("17", /Channels matching “17”/);
    expect(channelLabels(one)).toEqual(["Channel 17"]);
    expect(one.text).not.toContain("Page");

    const none = await op.send("<b>nothing</b>", /No channel matches/);
    expect(none.html).toContain("&lt;b&gt;nothing&lt;/b&gt;");
    expect(labels(none)).toEqual(["✖️ Clear filter", "✖️ Cancel"]);

    const cleared = await op.click("Clear filter", /Page 1 of 4/);
    expect(channelLabels(cleared)).toEqual(numbered(1, 8));

    await op.send("CHANNEL 05", /Channels matching/);
    const picked = await op.click("Channel 05", /Send a name/);
    expect(picked.text).toContain("Channel 05");
    expect(channelsRequests(op, since)).toHaveLength(1);
    expect(unanswered(op)).toEqual([]);
  });

  it("does not filter a short list: it asks for a button instead", async () => {
    const op = await logIn(h.premiumpay.addClient({ channels: 3 }));
    const list = await op.send("/link", /Pick a channel/);
    expect(list.text).not.toContain("Page");
    expect(list.text).not.toContain("type part of a name");
    expect(channelLabels(list)).toEqual(["Channel 1", "Channel 2", "Channel 3"]);
    const hint = await op.send("Channel 2", /Pick a channel with the buttons/);
    expect(hint.text).not.toContain("type part");
    await op.click("Channel 2", /Send a name/);
  });

  it("a hint below the list is replaced by the next one and goes once the flow moves on", async () => {
    const op = await logIn(h.premiumpay.addClient({ channels: 3 }));
    await op.send("/link", /Pick a channel/);
    const first = await op.send("Channel 2", /Pick a channel with the buttons/);
    const second = await op.send("the second one", /Pick a channel with the buttons/);
    const hints = () => op.botMessages().filter((message) => message.text.includes("with the buttons"));
    expect(hints().map((message) => message.messageId)).toEqual([second.messageId]);
    expect(first.messageId).not.toBe(second.messageId);
    const next = await op.click("Channel 2", /Send a name/);
    expect(hints()).toEqual([]);
    expect(op.lastMessage()?.messageId).toBe(next.messageId);
  });

  it("a hint sent before a restart goes once the flow moves on after it, in Spanish too", async () => {
    const op = h.operator({ account: h.premiumpay.addClient({ channels: 3 }), languageCode: "es" });
    await op.login();
    await op.send("/link", /Elige un canal/);
    const hint = await op.send("el segundo", (message) => message.text.includes("/cancel"));
    expect(hint.text).toBe("Elige un canal con los botones, o /cancel.");
    await h.restart();
    await op.click(
      "Channel 2",
      (message) => message.messageId !== hint.messageId && message.text.includes("Channel 2"),
    );
    expect(op.botMessages().map((message) => message.messageId)).not.toContain(hint.messageId);
  });

  it("refuses a forged or stale channel button", async () => {
    const op = await logIn(bulkAccount());
    const list = await op.send("/link", /Page 1 of 4/);
    const someoneElses = h.premiumpay.data(h.premiumpay.demoClient.clientId).channels[0]!.id;

    const foreign = await forge(op, list.messageId, stampedLike(list, `cp:c:${someoneElses}`));
    expect(foreign).toMatchObject({
      text: "That channel is not in your list. Pick one of the buttons.",
      showAlert: true,
    });
    const unknown = await forge(op, list.messageId, stampedLike(list, "cp:c:999999999"));
    expect(unknown.showAlert).toBe(true);
    for (const data of ["cp:c:abc", "cp:c:-5", "cp:x:1", "cp:c:1:2", "lkd1:24"]) {
      expect((await forge(op, list.messageId, data)).text, data).toBe(
        "This button has expired. Send /start for a fresh menu.",
      );
    }
    // Still the same list, nothing picked.
    expect(op.lastMessage()?.text).toContain("Page 1 of 4");
    expect((await h.app.deps.store.getOperator(op.user.id))?.lastChannelId).toBeNull();

    const picked = await op.click("Channel 03", /Send a name/);
    expect(picked.text).toContain("New public link · Channel 03");
    expect((await h.app.deps.store.getOperator(op.user.id))?.lastChannelId).toBe(
      h.premiumpay.data(op.account.clientId).channels[2]!.id,
    );
  });

  it("says so when the operator has no channels, without an empty keyboard", async () => {
    const op = await logIn(h.premiumpay.addClient({ channels: 0 }));
    const empty = await op.send("/link", /no channels on premiumpay yet/);
    expect(empty.replyMarkup).toBeUndefined();
    await op.send("anything", /did not understand/);
  });

  it("when premiumpay is down, explains and fetches again only on Retry", async () => {
    const op = await logIn(h.premiumpay.addClient({ channels: 3 }));
    // The first fetch and its three automatic retries fail.
    h.premiumpay.faults.set("channels", { status: 503 }, { times: 4 });
    const down = await op.send("/link", /cannot be reached right now/, 15_000);
    expect(callbackDataOf(down)).toEqual(["rt:channels", "x"]);
    expect(channelsRequests(op)).toHaveLength(4);

    const list = await op.click("Try again", /Pick a channel/);
    expect(list.messageId).toBe(down.messageId);
    expect(channelLabels(list)).toEqual(["Channel 1", "Channel 2", "Channel 3"]);
    expect(channelsRequests(op)).toHaveLength(5);
    await op.click("Channel 1", /Send a name/);

    h.premiumpay.faults.set("channels", { status: 503 }, { times: 4 });
    await op.send("/link", /cannot be reached right now/, 15_000);
    await op.click("Cancel", /Cancelled/);
    await op.send("anything", /did not understand/);
    expect(unanswered(op)).toEqual([]);
  });
});
