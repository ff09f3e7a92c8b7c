import type { Update } from "grammy/types";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type BotApiEmulator, startBotApiEmulator } from "../../src/sandbox/telegram/index.js";
import { ann, bob, callApi } from "./support.js";

let emu: BotApiEmulator;
beforeEach(async () => {
  emu = await startBotApiEmulator();
  emu.addUser(ann);
  emu.addUser(bob);
});
afterEach(async () => {
  await emu.close();
});

describe("blocked users", () => {
  it("answers 403 to messages, edits and chat actions for a user who blocked the bot", async () => {
    const sent = await callApi<{ message_id: number }>(emu, "sendMessage", {
      chat_id: ann.id,
      text: "before",
    });
    emu.faults.blockUser(ann.id);
    const forbidden = {
      status: 403,
      ok: false,
      error_code: 403,
      description: "Forbidden: bot was blocked by the user",
    };
    expect(await callApi(emu, "sendMessage", { chat_id: ann.id, text: "digest" })).toEqual(forbidden);
    expect(await callApi(emu, "sendChatAction", { chat_id: ann.id, action: "typing" })).toEqual(forbidden);
    expect(
      await callApi(emu, "editMessageText", {
        chat_id: ann.id,
        message_id: sent.result.message_id,
        text: "x",
      }),
    ).toEqual(forbidden);
    expect((await callApi(emu, "sendMessage", { chat_id: bob.id, text: "others still get it" })).ok).toBe(
      true,
    );
    expect(() => emu.sendText(ann, "hi")).toThrow(/blocked the bot/);

    emu.faults.unblockUser(ann.id);
    expect((await callApi(emu, "sendMessage", { chat_id: ann.id, text: "after" })).ok).toBe(true);
    expect(
      emu
        .chat(ann.id)
        .botMessages()
        .map((m) => m.text),
    ).toEqual(["before", "after"]);
  });
});

describe("injected faults", () => {
  it("fails the next calls of a method with the given error and retry_after, without effect", async () => {
    emu.faults.failNext(
      "sendMessage",
      { errorCode: 429, description: "Too Many Requests: retry after 3", retryAfter: 3 },
      2,
    );
    const first = await callApi(emu, "sendMessage", { chat_id: ann.id, text: "1" });
    expect(first).toEqual({
      status: 429,
      ok: false,
      error_code: 429,
      description: "Too Many Requests: retry after 3",
      parameters: { retry_after: 3 },
    });
    expect((await callApi(emu, "sendMessage", { chat_id: ann.id, text: "2" })).status).toBe(429);
    expect((await callApi(emu, "getMe")).ok).toBe(true);
    expect((await callApi(emu, "sendMessage", { chat_id: ann.id, text: "3" })).ok).toBe(true);
    expect(
      emu
        .chat(ann.id)
        .botMessages()
        .map((m) => m.text),
    ).toEqual(["3"]);
    expect(emu.calls.map((c) => [c.method, c.errorCode])).toEqual([
      ["sendMessage", 429],
      ["sendMessage", 429],
      ["getMe", undefined],
      ["sendMessage", undefined],
    ]);
  });

  it("fails getUpdates with 5xx without losing updates", async () => {
    const update = emu.sendText(ann, "hello");
    emu.faults.failNext("getUpdates", { errorCode: 502, description: "Bad Gateway" });
    expect(await callApi(emu, "getUpdates")).toMatchObject({ status: 502, description: "Bad Gateway" });
    expect((await callApi<Update[]>(emu, "getUpdates")).result).toEqual([update]);
  });

  it("drops the connection without answering, then serves normally", async () => {
    const update = emu.sendText(ann, "hello");
    emu.faults.dropNext("getUpdates");
    await expect(callApi(emu, "getUpdates", { offset: update.update_id + 1 })).rejects.toThrow();
    expect(emu.calls.at(-1)).toMatchObject({ method: "getUpdates", ok: false, dropped: true });
    expect((await callApi<Update[]>(emu, "getUpdates")).result).toEqual([update]);
  });

  it("clear() forgets pending faults and blocks", async () => {
    emu.faults.failNext("getMe", { errorCode: 500, description: "Internal Server Error" });
    emu.faults.blockUser(ann.id);
    emu.faults.clear();
    expect((await callApi(emu, "getMe")).ok).toBe(true);
    expect((await callApi(emu, "sendMessage", { chat_id: ann.id, text: "x" })).ok).toBe(true);
  });
});

describe("rate limiting", () => {
  const sendTo = (chat_id: number, text = "m") => callApi(emu, "sendMessage", { chat_id, text });

  it("answers 429 with retry_after beyond the global rate and stores nothing for refused sends", async () => {
    const users = Array.from({ length: 8 }, (_, i) => ({ id: 2000 + i, first_name: `U${i}` }));
    for (const user of users) emu.addUser(user);
    emu.setRateLimit({ globalPerSecond: 5 });
    const answers = await Promise.all(users.map((user) => sendTo(user.id)));
    expect(answers.filter((a) => a.ok)).toHaveLength(5);
    const refused = answers.filter((a) => !a.ok);
    expect(refused).toHaveLength(3);
    for (const answer of refused) {
      expect(answer.status).toBe(429);
      expect(answer.parameters?.retry_after).toBeGreaterThanOrEqual(1);
      expect(answer.description).toBe(`Too Many Requests: retry after ${answer.parameters?.retry_after}`);
    }
    const delivered = users.filter((user) => emu.chat(user.id).botMessages().length === 1);
    expect(delivered).toHaveLength(5);
  });

  it("limits each chat separately and lets sends through again after the window", async () => {
    emu.setRateLimit({ perChatPerSecond: 2 });
    expect((await sendTo(ann.id)).ok).toBe(true);
    expect((await sendTo(ann.id)).ok).toBe(true);
    expect((await sendTo(ann.id)).status).toBe(429);
    expect((await sendTo(bob.id)).ok).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await sendTo(ann.id)).ok).toBe(true);
  });

  it("counts edits too, and can be lifted", async () => {
    const limited = await startBotApiEmulator({ rateLimit: { globalPerSecond: 1 } });
    try {
      limited.addUser(ann);
      const sent = await callApi<{ message_id: number }>(limited, "sendMessage", {
        chat_id: ann.id,
        text: "a",
      });
      const edit = { chat_id: ann.id, message_id: sent.result.message_id, text: "b" };
      expect((await callApi(limited, "editMessageText", edit)).status).toBe(429);
      limited.setRateLimit(null);
      expect((await callApi(limited, "editMessageText", edit)).ok).toBe(true);
    } finally {
      await limited.close();
    }
  });
});
