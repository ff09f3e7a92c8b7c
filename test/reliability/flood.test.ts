import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StoredMessage } from "../../src/sandbox/telegram/index.js";
import { type Harness, startHarness } from "../support/harness.js";

let h: Harness;
const unhandled: unknown[] = [];
const recordUnhandled = (reason: unknown) => void unhandled.push(reason);

/** The real defaults of FLOOD_* (the harness lifts them for tests that step through flows quickly). */
const CHAT_BACKLOG = 5;
const FLOOD = 2000;
const SLOW_DOWN = { en: /too fast/, es: /demasiado rápido/ };

beforeAll(async () => {
  process.on("unhandledRejection", recordUnhandled);
  h = await startHarness({
    env: {
      FLOOD_MAX_UPDATES: "40",
      FLOOD_CHAT_BACKLOG: String(CHAT_BACKLOG),
      // One window for the whole test, so what the limiter lets through does not depend on how long the test takes.
      FLOOD_WINDOW_SECONDS: "3600",
      // premiumpay holds the flooder's first channel list until the test lets it go: longer than the test may take.
      PREMIUMPAY_TIMEOUT_MS: "110000",
    },
  });
});
afterAll(async () => {
  process.off("unhandledRejection", recordUnhandled);
  await h?.stop();
});

describe("one chat flooding the bot", () => {
  it("drops the excess before the handlers, tells the flooder once, and serves another operator while the flooder's chat is stuck", async () => {
    const flooder = h.operator({ languageCode: "es" });
    const other = h.operator();
    await flooder.login();
    await other.login();
    // The flooder's first channel list waits on premiumpay, so its chat is stuck: every update of it the bot lets
    // in waits behind that one. Without a bounded backlog those would hold all of the runner's slots and the other
    // operator, behind the whole flood in Telegram's queue, would get nothing until premiumpay answered.
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    h.premiumpay.faults.set("channels", { holdUntil: held }, { times: 1 });
    const sentBeforeFlood = h.telegram.chat(flooder.user.id).botMessages().length;
    const toFlooder = () => h.telegram.chat(flooder.user.id).botMessages().slice(sentBeforeFlood);
    const flood = (count: number) => {
      for (let i = 0; i < count; i++) h.telegram.sendText(flooder.user, "/channels");
    };
    flood(FLOOD);
    for (const command of ["/help", "/account", "/help"]) {
      await other.send(command, command === "/account" ? other.account.clientId : /What I can do/, 20_000);
    }
    const channelLists = (messages: StoredMessage[]) =>
      messages.filter((message) => !SLOW_DOWN.es.test(message.text));
    // The order of messages in the emulator, not a clock: the other operator was served while the flooder waited.
    expect(channelLists(toFlooder())).toEqual([]);

    await h.telegram.waitFor(() => h.telegram.pendingUpdates() === 0, 20_000);
    release();
    await h.telegram.waitFor(() => channelLists(toFlooder()).length >= 1, 20_000);
    // A second wave within the minute: still only one notice, and nothing more let through.
    flood(FLOOD / 4);
    await other.send("/help", /What I can do/, 20_000);
    await h.telegram.waitFor(() => h.telegram.pendingUpdates() === 0, 20_000);

    const answers = toFlooder();
    expect(answers.filter((message) => SLOW_DOWN.es.test(message.text))).toHaveLength(1);
    expect(answers.some((message) => SLOW_DOWN.en.test(message.text))).toBe(false);
    // Only the updates the backlog admitted while the chat was stuck reached the handlers; the rest were dropped.
    expect(channelLists(answers).length).toBeLessThanOrEqual(CHAT_BACKLOG);
    expect(unhandled).toEqual([]);
    expect(h.logs.filter((line) => line.includes('"level":50'))).toEqual([]);
  }, 120_000);
});
