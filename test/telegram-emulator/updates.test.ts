import type { Update } from "grammy/types";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type BotApiEmulator, startBotApiEmulator } from "../../src/sandbox/telegram/index.js";
import { ann, bob, callApi } from "./support.js";

let emu: BotApiEmulator;
beforeEach(async () => {
  emu = await startBotApiEmulator({ botUsername: "premium_test_bot" });
});
afterEach(async () => {
  await emu.close();
});

const ids = (updates: Update[]) => updates.map((u) => u.update_id);

describe("HTTP surface", () => {
  it("listens on an ephemeral 127.0.0.1 port and answers getMe for its token only", async () => {
    expect(emu.apiRoot).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const me = await callApi<{ username: string; is_bot: boolean; id: number }>(emu, "getMe");
    expect(me).toMatchObject({
      status: 200,
      ok: true,
      result: { username: "premium_test_bot", is_bot: true },
    });
    expect(me.result.id).toBe(Number(emu.token.split(":")[0]));

    const wrong = await callApi(emu, "getMe", {}, { token: "123:nope" });
    expect(wrong).toEqual({ status: 401, ok: false, error_code: 401, description: "Unauthorized" });
  });

  it("answers 404 for unknown methods and matches method names case-insensitively", async () => {
    expect(await callApi(emu, "sendTelepathy")).toEqual({
      status: 404,
      ok: false,
      error_code: 404,
      description: "Not Found: method not found",
    });
    expect((await callApi(emu, "GETME")).ok).toBe(true);
  });

  it("accepts urlencoded, multipart and query-string parameters, decoding JSON-valued fields", async () => {
    emu.addUser(ann);
    const form = new URLSearchParams({
      chat_id: String(ann.id),
      text: "<b>form</b>",
      parse_mode: "HTML",
      reply_markup: JSON.stringify({ inline_keyboard: [[{ text: "Go", callback_data: "go" }]] }),
    });
    const urlencoded = await fetch(`${emu.apiRoot}/bot${emu.token}/sendMessage`, {
      method: "POST",
      body: form,
    });
    expect(urlencoded.status).toBe(200);

    const multipart = new FormData();
    multipart.set("chat_id", String(ann.id));
    multipart.set("text", "multipart");
    expect(
      (await fetch(`${emu.apiRoot}/bot${emu.token}/sendMessage`, { method: "POST", body: multipart })).status,
    ).toBe(200);

    const query = await fetch(`${emu.apiRoot}/bot${emu.token}/sendMessage?chat_id=${ann.id}&text=query`);
    expect(query.status).toBe(200);

    const [first, second, third] = emu.chat(ann.id).botMessages();
    expect(first).toMatchObject({
      text: "form",
      html: "<b>form</b>",
      replyMarkup: { inline_keyboard: [[{ text: "Go" }]] },
    });
    expect(second?.text).toBe("multipart");
    expect(third?.text).toBe("query");
  });
});

describe("getUpdates", () => {
  it("redelivers unconfirmed updates and drops those below the offset", async () => {
    const sent = [emu.sendText(ann, "one"), emu.sendText(ann, "two"), emu.sendText(bob, "three")];
    expect(ids(sent)).toEqual([1, 2, 3]);

    expect(ids((await callApi<Update[]>(emu, "getUpdates")).result)).toEqual([1, 2, 3]);
    expect(ids((await callApi<Update[]>(emu, "getUpdates")).result)).toEqual([1, 2, 3]);
    expect(ids((await callApi<Update[]>(emu, "getUpdates", { offset: 2, limit: 1 })).result)).toEqual([2]);
    expect(emu.pendingUpdates()).toBe(2);
    expect(ids((await callApi<Update[]>(emu, "getUpdates", { offset: 4 })).result)).toEqual([]);
    expect(emu.pendingUpdates()).toBe(0);

    emu.sendText(ann, "four");
    emu.sendText(ann, "five");
    expect(ids((await callApi<Update[]>(emu, "getUpdates", { offset: -1 })).result)).toEqual([5]);
  });

  it("marks commands with a bot_command entity and numbers messages per chat", async () => {
    const first = emu.sendText(ann, "/start@premium_test_bot payload");
    const second = emu.sendText(ann, "hello");
    const other = emu.sendText(bob, "hola");
    expect(first.message?.entities).toEqual([{ type: "bot_command", offset: 0, length: 23 }]);
    expect(first.message?.chat).toEqual({ id: ann.id, type: "private", first_name: "Ann", username: "ann" });
    expect(first.message?.from).toMatchObject({ id: ann.id, is_bot: false, language_code: "en" });
    expect(second.message?.entities).toBeUndefined();
    expect([first.message?.message_id, second.message?.message_id, other.message?.message_id]).toEqual([
      1, 2, 1,
    ]);
  });

  it("long-polls until the timeout and then answers with no updates", async () => {
    const started = Date.now();
    const answer = await callApi<Update[]>(emu, "getUpdates", { timeout: 1 });
    const elapsed = Date.now() - started;
    expect(answer.result).toEqual([]);
    expect(elapsed).toBeGreaterThanOrEqual(900);
    expect(elapsed).toBeLessThan(5000);
  });

  it("answers a long poll as soon as an update arrives", async () => {
    let answered = false;
    const poll = callApi<Update[]>(emu, "getUpdates", { timeout: 30 }).then((answer) => {
      answered = true;
      return answer;
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(answered).toBe(false);
    const update = emu.sendText(ann, "wake up");
    const started = Date.now();
    expect((await poll).result).toEqual([update]);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("answers a hanging long poll with no updates when the emulator closes", async () => {
    const poll = callApi<Update[]>(emu, "getUpdates", { timeout: 30 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await emu.close();
    expect((await poll).result).toEqual([]);
  });

  it("ends the older of two concurrent long polls with 409 Conflict", async () => {
    const older = callApi(emu, "getUpdates", { timeout: 30 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const newer = callApi<Update[]>(emu, "getUpdates", { timeout: 30 });
    expect(await older).toMatchObject({
      status: 409,
      description: expect.stringContaining("Conflict: terminated"),
    });
    const update = emu.sendText(ann, "for the newer one");
    expect((await newer).result).toEqual([update]);
  });

  it("drops update types outside allowed_updates", async () => {
    emu.addUser(ann);
    await callApi(emu, "sendMessage", {
      chat_id: ann.id,
      text: "pick",
      reply_markup: { inline_keyboard: [[{ text: "A", callback_data: "a" }]] },
    });
    emu.clickButton(ann, 1, "a");
    const message = emu.sendText(ann, "text");
    const answer = await callApi<Update[]>(emu, "getUpdates", { allowed_updates: ["message"] });
    expect(answer.result).toEqual([message]);
  });

  it("redelivers a re-enqueued update once even after its id was confirmed", async () => {
    const original = emu.sendText(ann, "/newlink");
    await callApi(emu, "getUpdates", { offset: original.update_id + 1 });
    expect(emu.pendingUpdates()).toBe(0);

    emu.enqueueRaw(original);
    const redelivered = await callApi<Update[]>(emu, "getUpdates", { offset: original.update_id + 1 });
    expect(redelivered.result).toEqual([original]);
    await callApi(emu, "getUpdates", { offset: original.update_id + 1 });
    expect(emu.pendingUpdates()).toBe(0);

    const fresh = emu.enqueueRaw({ message: original.message });
    expect(fresh.update_id).toBe(original.update_id + 1);
  });

  it("refuses getUpdates while a webhook is set; deleteWebhook can drop pending updates", async () => {
    emu.sendText(ann, "queued");
    expect(await callApi(emu, "setWebhook", { url: "https://bot.example.com/hook" })).toMatchObject({
      ok: true,
    });
    expect(emu.webhook).toBe("https://bot.example.com/hook");
    expect(await callApi(emu, "getUpdates")).toMatchObject({ status: 409, ok: false });

    await callApi(emu, "deleteWebhook", { drop_pending_updates: true });
    expect(emu.webhook).toBeUndefined();
    expect((await callApi<Update[]>(emu, "getUpdates")).result).toEqual([]);
  });
});
