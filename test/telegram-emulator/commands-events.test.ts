import type { BotCommand } from "grammy/types";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type BotApiEmulator,
  type StoredMessage,
  startBotApiEmulator,
} from "../../src/sandbox/telegram/index.js";
import { ann, bob, callApi } from "./support.js";

let emu: BotApiEmulator;
beforeEach(async () => {
  emu = await startBotApiEmulator();
});
afterEach(async () => {
  await emu.close();
});

const en: BotCommand[] = [{ command: "start", description: "Main menu" }];
const es: BotCommand[] = [{ command: "start", description: "Menú principal" }];

describe("commands", () => {
  it("stores commands per language and scope and resolves a user's menu like Telegram", async () => {
    emu.addUser(ann);
    await callApi(emu, "setMyCommands", { commands: en });
    await callApi(emu, "setMyCommands", { commands: es, language_code: "es" });
    const vip = [{ command: "vip", description: "Only for Ann" }];
    await callApi(emu, "setMyCommands", { commands: vip, scope: { type: "chat", chat_id: ann.id } });

    expect(emu.commands()).toEqual(en);
    expect(emu.commands({ languageCode: "es" })).toEqual(es);
    expect(emu.commands({ languageCode: "de" })).toEqual([]);
    expect((await callApi(emu, "getMyCommands", { language_code: "es" })).result).toEqual(es);

    expect(emu.menuCommandsFor(bob)).toEqual(es);
    expect(emu.menuCommandsFor({ ...bob, language_code: "de" })).toEqual(en);
    expect(emu.menuCommandsFor(ann)).toEqual(vip);

    await callApi(emu, "deleteMyCommands", { language_code: "es" });
    expect(emu.menuCommandsFor(bob)).toEqual(en);
  });

  it("gives one chat its own menu in the operator's language, whatever the app's language (scope chat)", async () => {
    emu.addUser(ann);
    emu.addUser(bob);
    await callApi(emu, "setMyCommands", { commands: en });
    await callApi(emu, "setMyCommands", { commands: es, language_code: "es" });
    // Ann's Telegram app is in English; she chose Spanish in the bot.
    const annChat = { type: "chat", chat_id: ann.id };
    await callApi(emu, "setMyCommands", { commands: es, scope: annChat });
    expect(emu.menuCommandsFor(ann)).toEqual(es);
    expect(emu.menuCommandsFor({ ...bob, language_code: "en" })).toEqual(en);
    // getMyCommands answers exactly the scope and language asked, without falling back.
    expect((await callApi(emu, "getMyCommands", { scope: annChat })).result).toEqual(es);
    expect((await callApi(emu, "getMyCommands", { scope: annChat, language_code: "en" })).result).toEqual([]);
    expect(
      (await callApi(emu, "getMyCommands", { scope: { type: "chat", chat_id: bob.id } })).result,
    ).toEqual([]);

    // A chat scope with a language code applies only to a user of that app language.
    await callApi(emu, "setMyCommands", { commands: en, scope: annChat, language_code: "en" });
    expect(emu.menuCommandsFor(ann)).toEqual(en);
    expect(emu.menuCommandsFor({ ...ann, language_code: "es" })).toEqual(es);

    // Back to English in the bot: deleting the chat's lists lets the user's app language decide again.
    await callApi(emu, "deleteMyCommands", { scope: annChat, language_code: "en" });
    await callApi(emu, "deleteMyCommands", { scope: annChat });
    expect(emu.menuCommandsFor(ann)).toEqual(en);
    expect(emu.menuCommandsFor({ ...ann, language_code: "es" })).toEqual(es);
  });

  it("refuses chat scopes for unknown chats or without a chat id, and malformed language codes", async () => {
    emu.addUser(ann);
    const description = async (method: string, params: Record<string, unknown>) =>
      (await callApi(emu, method, params)).description;
    expect(await description("setMyCommands", { commands: es, scope: { type: "chat", chat_id: 404 } })).toBe(
      "Bad Request: chat not found",
    );
    expect(await description("getMyCommands", { scope: { type: "chat", chat_id: 404 } })).toBe(
      "Bad Request: chat not found",
    );
    expect(await description("setMyCommands", { commands: es, scope: { type: "chat" } })).toMatch(
      /can't parse BotCommandScope/,
    );
    for (const languageCode of ["ES", "spa", "es-MX", "e"]) {
      expect(await description("setMyCommands", { commands: es, language_code: languageCode })).toBe(
        "Bad Request: Invalid language code specified",
      );
    }
    expect((await callApi(emu, "setMyCommands", { commands: es, language_code: "" })).ok).toBe(true);
    expect(emu.commands()).toEqual(es);
    expect(emu.commands({ scope: { type: "chat", chat_id: 404 } })).toEqual([]);
  });

  it("accepts commands sent urlencoded", async () => {
    const body = new URLSearchParams({ commands: JSON.stringify(es), language_code: "es" });
    await fetch(`${emu.apiRoot}/bot${emu.token}/setMyCommands`, { method: "POST", body });
    expect(emu.commands({ languageCode: "es" })).toEqual(es);
  });

  it("rejects invalid commands and scopes", async () => {
    const invalid = async (params: Record<string, unknown>) =>
      (await callApi(emu, "setMyCommands", params)).description;
    expect(await invalid({ commands: [{ command: "Start", description: "x" }] })).toBe(
      "Bad Request: BOT_COMMAND_INVALID",
    );
    expect(await invalid({ commands: [{ command: "start", description: "" }] })).toBe(
      "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID",
    );
    expect(await invalid({ commands: en, scope: { type: "everywhere" } })).toMatch(/BotCommandScope/);
    expect(emu.commands()).toEqual([]);
  });

  it("records the menu button", async () => {
    await callApi(emu, "setChatMenuButton", { menu_button: { type: "commands" } });
    expect(emu.menuButtons.get("default")).toEqual({ type: "commands" });
    expect((await callApi(emu, "getChatMenuButton")).result).toEqual({ type: "commands" });
  });
});

describe("events and waiting", () => {
  it("emits update, message, edit, delete, callbackAnswer, chatAction and commands in order", async () => {
    const seen: string[] = [];
    for (const name of [
      "update",
      "message",
      "edit",
      "delete",
      "callbackAnswer",
      "chatAction",
      "commands",
    ] as const) {
      emu.events.on(name, (payload: unknown) => {
        const message = payload as Partial<StoredMessage>;
        seen.push(message.text === undefined ? name : `${name}:${message.from}:${message.text}`);
      });
    }
    emu.sendText(ann, "/start");
    await callApi(emu, "sendChatAction", { chat_id: ann.id, action: "typing" });
    await callApi(emu, "sendMessage", {
      chat_id: ann.id,
      text: "Menu",
      reply_markup: { inline_keyboard: [[{ text: "Go", callback_data: "go" }]] },
    });
    const query = emu.clickButton(ann, 2, "go").callback_query;
    await callApi(emu, "answerCallbackQuery", { callback_query_id: query?.id });
    await callApi(emu, "editMessageText", { chat_id: ann.id, message_id: 2, text: "Gone" });
    await callApi(emu, "deleteMessage", { chat_id: ann.id, message_id: 2 });
    await callApi(emu, "setMyCommands", { commands: en });

    expect(seen).toEqual([
      "message:user:/start",
      "update",
      "chatAction",
      "message:bot:Menu",
      "update",
      "callbackAnswer",
      "edit:bot:Gone",
      "delete:bot:Gone",
      "commands",
    ]);
  });

  it("emits every API call with its outcome", async () => {
    const calls: string[] = [];
    emu.events.on("call", (call) => calls.push(`${call.method}:${call.ok ? "ok" : call.errorCode}`));
    await callApi(emu, "getMe");
    await callApi(emu, "sendMessage", { chat_id: 1, text: "x" });
    expect(calls).toEqual(["getMe:ok", "sendMessage:400"]);
  });

  it("waitFor resolves on the state change that satisfies it", async () => {
    emu.addUser(ann);
    const waiting = emu.waitFor(() => emu.chat(ann.id).lastBotMessage()?.text === "done" && "seen");
    await callApi(emu, "sendMessage", { chat_id: ann.id, text: "working" });
    await callApi(emu, "sendMessage", { chat_id: ann.id, text: "done" });
    await expect(waiting).resolves.toBe("seen");
  });

  it("waitFor rejects with a summary of recent activity on timeout", async () => {
    await callApi(emu, "sendMessage", { chat_id: 5, text: "x" });
    emu.sendText(ann, "hello?");
    await expect(emu.waitFor(() => false, 100)).rejects.toThrow(
      /within 100 ms; pending updates: 1; .*sendMessage failed \(400 Bad Request: chat not found\)/,
    );
  });

  it("waitForBotMessage resolves with the next matching message or edit in that chat only", async () => {
    emu.addUser(ann);
    emu.addUser(bob);
    await callApi(emu, "sendMessage", { chat_id: ann.id, text: "old" });
    const next = emu.waitForBotMessage(ann.id, (m) => m.text.startsWith("Sales"));
    await callApi(emu, "sendMessage", { chat_id: bob.id, text: "Sales for Bob" });
    await callApi(emu, "sendMessage", { chat_id: ann.id, text: "Loading" });
    await callApi(emu, "editMessageText", { chat_id: ann.id, message_id: 2, text: "Sales: 3" });
    await expect(next).resolves.toMatchObject({ chatId: ann.id, text: "Sales: 3", editCount: 1 });
    await expect(emu.waitForBotMessage(ann.id, undefined, 50)).rejects.toThrow(
      /last bot message: "Sales: 3"/,
    );
  });

  it("waitForBotMessage serves 200 waiters at once without event listeners, and none is left behind", async () => {
    const chats = Array.from({ length: 200 }, (_, index) => ({ ...ann, id: 10_000 + index }));
    for (const user of chats) emu.addUser(user);
    const replies = chats.map((user) => emu.waitForBotMessage(user.id, (m) => m.text === `hi ${user.id}`));
    const abandoned = expect(emu.waitForBotMessage(ann.id, undefined, 20)).rejects.toThrow(
      /no matching bot message within 20 ms/,
    );
    expect(emu.events.listenerCount("message") + emu.events.listenerCount("edit")).toBe(0);

    for (const user of chats) await callApi(emu, "sendMessage", { chat_id: user.id, text: `hi ${user.id}` });
    const texts = (await Promise.all(replies)).map((message) => message.text);
    expect(texts).toEqual(chats.map((user) => `hi ${user.id}`));
    await abandoned;
    // Nothing waits any more: a later message resolves no stale waiter (a stale one would throw on `done`).
    await callApi(emu, "sendMessage", { chat_id: ann.id, text: "late" });
    expect(emu.events.listenerCount("message")).toBe(0);
  });
});
