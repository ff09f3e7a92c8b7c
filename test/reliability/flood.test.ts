import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimUser } from "../../src/sandbox/telegram/index.js";
import { type Harness, startHarness } from "../support/harness.js";

let h: Harness;
const unhandled: unknown[] = [];
const recordUnhandled = (reason: unknown) => void unhandled.push(reason);

beforeAll(async () => {
  process.on("unhandledRejection", recordUnhandled);
  // The real defaults of FLOOD_* (the harness lifts them for tests that step through flows quickly).
  h = await startHarness({ env: { FLOOD_MAX_UPDATES: "40", FLOOD_CHAT_BACKLOG: "5" } });
});
afterAll(async () => {
  process.off("unhandledRejection", recordUnhandled);
  await h?.stop();
});

const FLOOD = 2000;
const SLOW_DOWN = { en: /too fast/, es: /demasiado rápido/ };

function flood(user: SimUser, count: number): void {
  for (let i = 0; i < count; i++) h.telegram.sendText(user, `spam ${i}`);
}

describe("one chat flooding the bot", () => {
  it("drops the excess, tells the flooder once, and keeps serving another operator", async () => {
    const flooder: SimUser = { id: 870_001, first_name: "Flo", language_code: "es" };
    const other = h.operator({ id: 870_002 });
    await other.login();

    flood(flooder, FLOOD);
    // Another operator, behind the whole flood in Telegram's queue, still gets each answer.
    for (const command of ["/help", "/account", "/help"]) {
      await other.send(command, command === "/account" ? other.account.clientId : /What I can do/, 20_000);
    }
    await h.telegram.waitFor(() => h.telegram.pendingUpdates() === 0, 20_000);
    // A second wave within the minute: still only one notice.
    flood(flooder, FLOOD / 4);
    await other.send("/help", /What I can do/, 20_000);
    await h.telegram.waitFor(() => h.telegram.pendingUpdates() === 0, 20_000);

    const toFlooder = h.telegram.chat(flooder.id).botMessages();
    const notices = toFlooder.filter((message) => SLOW_DOWN.es.test(message.text));
    expect(notices).toHaveLength(1);
    expect(toFlooder.some((message) => SLOW_DOWN.en.test(message.text))).toBe(false);
    // Most of the flood was dropped, not answered one by one.
    expect(toFlooder.length).toBeLessThan(FLOOD / 20);
    expect(unhandled).toEqual([]);
    expect(h.logs.filter((line) => line.includes('"level":50'))).toEqual([]);
  }, 120_000);
});
