import type { Message, Update } from "grammy/types";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type BotApiEmulator, startBotApiEmulator } from "../../src/sandbox/telegram/index.js";
import { ann, bob, callApi } from "./support.js";

let emu: BotApiEmulator;
beforeEach(async () => {
  emu = await startBotApiEmulator();
  emu.addUser(ann);
});
afterEach(async () => {
  await emu.close();
});

const keyboard = (...data: string[]) => ({
  inline_keyboard: [data.map((d) => ({ text: d, callback_data: d }))],
});
const send = (params: Record<string, unknown>) =>
  callApi<Message>(emu, "sendMessage", { chat_id: ann.id, ...params });
const badRequest = (description: string) => ({ status: 400, ok: false, error_code: 400, description });

describe("sendMessage", () => {
  it("takes a keyboard with an empty row, as Telegram does, and notes it for the tests", async () => {
    emu.sendText(ann, "/start");
    const withEmptyRow = { inline_keyboard: [[], [{ text: "Cancel", callback_data: "x" }]] };
    await send({ text: "one", reply_markup: keyboard("ok") });
    expect(emu.keyboardsWithEmptyRows).toEqual([]);
    expect((await send({ text: "two", reply_markup: withEmptyRow })).ok).toBe(true);
    expect(emu.keyboardsWithEmptyRows).toEqual([{ method: "sendMessage", keyboard: withEmptyRow }]);
  });

  it("stores raw HTML and visible text, and answers with the Telegram message", async () => {
    emu.sendText(ann, "/start");
    const answer = await send({
      text: "<b>Sales</b> &amp; links",
      parse_mode: "HTML",
      reply_markup: keyboard("today"),
      link_preview_options: { is_disabled: true },
      reply_parameters: { message_id: 1 },
    });
    expect(answer.result).toMatchObject({
      message_id: 2,
      chat: { id: ann.id, type: "private" },
      from: { id: emu.botInfo.id, is_bot: true },
      text: "Sales & links",
      entities: [{ type: "bold", offset: 0, length: 5 }],
      reply_markup: keyboard("today"),
      reply_to_message: { message_id: 1, text: "/start" },
    });
    const view = emu.chat(ann.id);
    expect(view.messages.map((m) => [m.from, m.messageId])).toEqual([
      ["user", 1],
      ["bot", 2],
    ]);
    expect(view.lastBotMessage()).toMatchObject({
      html: "<b>Sales</b> &amp; links",
      text: "Sales & links",
      parseMode: "HTML",
      replyToMessageId: 1,
      linkPreviewOptions: { is_disabled: true },
      editCount: 0,
      deleted: false,
    });
  });

  it("keeps plain and Markdown text as sent, with given entities", async () => {
    await send({ text: "a < b *c*", parse_mode: "MarkdownV2" });
    await send({ text: "plain", entities: [{ type: "italic", offset: 0, length: 5 }] });
    const [markdown, plain] = emu.chat(ann.id).botMessages();
    expect(markdown).toMatchObject({ text: "a < b *c*", html: "a &lt; b *c*", entities: [] });
    expect(plain?.entities).toEqual([{ type: "italic", offset: 0, length: 5 }]);
  });

  it("accepts reply keyboards, keyboard removal and force-reply without attaching them", async () => {
    for (const reply_markup of [
      { keyboard: [[{ text: "Yes" }]] },
      { remove_keyboard: true },
      { force_reply: true },
    ]) {
      expect((await send({ text: "x", reply_markup })).ok).toBe(true);
    }
    expect(
      emu
        .chat(ann.id)
        .botMessages()
        .map((m) => m.replyMarkup),
    ).toEqual([undefined, undefined, undefined]);
  });

  it("rejects unknown chats until the user is known", async () => {
    expect(await callApi(emu, "sendMessage", { chat_id: bob.id, text: "hi" })).toEqual(
      badRequest("Bad Request: chat not found"),
    );
    expect(await callApi(emu, "sendMessage", { text: "hi" })).toEqual(
      badRequest("Bad Request: chat_id is empty"),
    );
    emu.addUser(bob);
    expect((await callApi(emu, "sendMessage", { chat_id: bob.id, text: "hi" })).ok).toBe(true);
  });

  it("rejects empty text, counting visible text only", async () => {
    expect(await send({ text: "" })).toEqual(badRequest("Bad Request: message text is empty"));
    expect(await send({})).toEqual(badRequest("Bad Request: message text is empty"));
    expect(await send({ text: "<b> </b>", parse_mode: "HTML" })).toEqual(
      badRequest("Bad Request: message text is empty"),
    );
  });

  it("rejects text over 4096 UTF-16 code units of visible text", async () => {
    expect((await send({ text: `<b>${"a".repeat(4096)}</b>`, parse_mode: "HTML" })).ok).toBe(true);
    expect((await send({ text: "😀".repeat(2048) })).ok).toBe(true);
    expect(await send({ text: `${"😀".repeat(2048)}a` })).toEqual(
      badRequest("Bad Request: message is too long"),
    );
    expect(await send({ text: "a".repeat(4097) })).toEqual(badRequest("Bad Request: message is too long"));
    expect(emu.chat(ann.id).botMessages()).toHaveLength(2);
  });

  it("rejects malformed HTML with Telegram's can't parse entities error", async () => {
    for (const text of ["<b>open", "<div>x</div>", "Tom & Jerry", "1 < 2", "<a>x</a>", "<b><i>x</b></i>"]) {
      const answer = await send({ text, parse_mode: "HTML" });
      expect(answer.status).toBe(400);
      expect(answer.description).toMatch(/^Bad Request: can't parse entities: /);
    }
    expect(await send({ text: "x", parse_mode: "BBCode" })).toEqual(
      badRequest("Bad Request: unsupported parse_mode"),
    );
    expect(emu.chat(ann.id).botMessages()).toEqual([]);
  });

  it("rejects callback_data over 64 bytes, counting UTF-8 bytes", async () => {
    expect((await send({ text: "x", reply_markup: keyboard("d".repeat(64)) })).ok).toBe(true);
    expect(await send({ text: "x", reply_markup: keyboard("d".repeat(65)) })).toEqual(
      badRequest("Bad Request: BUTTON_DATA_INVALID"),
    );
    expect(await send({ text: "x", reply_markup: keyboard("é".repeat(33)) })).toEqual(
      badRequest("Bad Request: BUTTON_DATA_INVALID"),
    );
  });

  it("validates inline buttons: URL schemes, one action each, no plain text buttons", async () => {
    const withButton = (button: Record<string, unknown>) =>
      send({ text: "x", reply_markup: { inline_keyboard: [[{ text: "B", ...button }]] } });
    for (const url of ["https://example.com/a?b=c", "http://premiumpay.example/x", "tg://resolve?domain=x"]) {
      expect((await withButton({ url })).ok).toBe(true);
    }
    for (const url of ["javascript:alert(1)", "ftp://example.com", "not a url", "http://localhost"]) {
      const answer = await withButton({ url });
      expect(answer.status).toBe(400);
      expect(answer.description).toContain(`inline keyboard button URL '${url}' is invalid`);
    }
    expect((await withButton({ switch_inline_query: "" })).ok).toBe(true);
    expect((await withButton({ copy_text: { text: "secret-link" } })).ok).toBe(true);
    expect(await withButton({})).toEqual(
      badRequest("Bad Request: text buttons are unallowed in the inline keyboard"),
    );
    expect((await withButton({ url: "https://a.io", callback_data: "x" })).status).toBe(400);
    expect((await send({ text: "x", reply_markup: { inline_keyboard: [{ text: "flat" }] } })).status).toBe(
      400,
    );
  });

  it("requires an existing message to reply to unless allowed without", async () => {
    expect(await send({ text: "x", reply_parameters: { message_id: 99 } })).toEqual(
      badRequest("Bad Request: message to be replied not found"),
    );
    const answer = await send({
      text: "x",
      reply_parameters: { message_id: 99, allow_sending_without_reply: true },
    });
    expect(answer.result.reply_to_message).toBeUndefined();
  });
});

describe("editing and deleting", () => {
  it("edits text in place, counting edits, and removes the keyboard when the edit omits it", async () => {
    const { result: sent } = await send({ text: "Step 1", reply_markup: keyboard("next") });
    const edited = await callApi<Message>(emu, "editMessageText", {
      chat_id: ann.id,
      message_id: sent.message_id,
      text: "<i>Step 2</i>",
      parse_mode: "HTML",
    });
    expect(edited.result).toMatchObject({
      message_id: sent.message_id,
      text: "Step 2",
      edit_date: expect.any(Number),
    });
    expect(edited.result.reply_markup).toBeUndefined();
    const stored = emu.chat(ann.id).lastBotMessage();
    expect(stored).toMatchObject({ text: "Step 2", html: "<i>Step 2</i>", editCount: 1 });
    expect(stored?.replyMarkup).toBeUndefined();
    expect(emu.chat(ann.id).messages).toHaveLength(1);
  });

  it("edits only the keyboard with editMessageReplyMarkup", async () => {
    const { result: sent } = await send({ text: "Pick", reply_markup: keyboard("a", "b") });
    const ref = { chat_id: ann.id, message_id: sent.message_id };
    expect((await callApi(emu, "editMessageReplyMarkup", { ...ref, reply_markup: keyboard("c") })).ok).toBe(
      true,
    );
    expect(emu.chat(ann.id).lastBotMessage()).toMatchObject({
      text: "Pick",
      replyMarkup: keyboard("c"),
      editCount: 1,
    });
    expect((await callApi(emu, "editMessageReplyMarkup", ref)).ok).toBe(true);
    expect(emu.chat(ann.id).lastBotMessage()?.replyMarkup).toBeUndefined();
  });

  it("rejects edits that change nothing, but not edits that change only entities or buttons", async () => {
    const { result: sent } = await send({ text: "Same", reply_markup: keyboard("a") });
    const ref = { chat_id: ann.id, message_id: sent.message_id };
    const same = await callApi(emu, "editMessageText", { ...ref, text: "Same", reply_markup: keyboard("a") });
    expect(same.status).toBe(400);
    expect(same.description).toMatch(/^Bad Request: message is not modified: /);
    expect(
      (await callApi(emu, "editMessageReplyMarkup", { ...ref, reply_markup: keyboard("a") })).status,
    ).toBe(400);

    const bold = { ...ref, text: "<b>Same</b>", parse_mode: "HTML", reply_markup: keyboard("a") };
    expect((await callApi(emu, "editMessageText", bold)).ok).toBe(true);
    expect((await callApi(emu, "editMessageText", { ...bold, reply_markup: keyboard("b") })).ok).toBe(true);
    expect(emu.chat(ann.id).lastBotMessage()?.editCount).toBe(2);
  });

  it("rejects edits of unknown, deleted and user messages", async () => {
    emu.sendText(ann, "mine");
    const { result: sent } = await send({ text: "bot" });
    const edit = (message_id: number) =>
      callApi(emu, "editMessageText", { chat_id: ann.id, message_id, text: "new" });
    expect(await edit(99)).toEqual(badRequest("Bad Request: message to edit not found"));
    expect(await edit(1)).toEqual(badRequest("Bad Request: message can't be edited"));

    emu.deleteAsUser(ann, sent.message_id);
    expect(await edit(sent.message_id)).toEqual(badRequest("Bad Request: message to edit not found"));
    expect(emu.chat(ann.id).messages.map((m) => m.deleted)).toEqual([false, true]);
  });

  it("deletes a message once and reports unknown ones", async () => {
    const { result: sent } = await send({ text: "token: secret" });
    const del = () => callApi(emu, "deleteMessage", { chat_id: ann.id, message_id: sent.message_id });
    expect(await del()).toMatchObject({ ok: true, result: true });
    expect(emu.chat(ann.id).messages[0]).toMatchObject({ deleted: true, text: "token: secret" });
    expect(emu.chat(ann.id).lastBotMessage()).toBeUndefined();
    expect(await del()).toEqual(badRequest("Bad Request: message to delete not found"));
  });
});

describe("callback queries", () => {
  it("delivers a click with the message it came from and records the answer", async () => {
    const { result: sent } = await send({ text: "Pick", reply_markup: keyboard("a", "b") });
    const update = emu.clickButton(ann, sent.message_id, "b");
    const query = update.callback_query;
    expect(query).toMatchObject({
      from: { id: ann.id },
      data: "b",
      message: { message_id: sent.message_id },
    });
    expect(emu.unansweredCallbacks()).toEqual([query?.id]);

    const answer = await callApi(emu, "answerCallbackQuery", {
      callback_query_id: query?.id,
      text: "Done",
      show_alert: true,
    });
    expect(answer.ok).toBe(true);
    expect(emu.unansweredCallbacks()).toEqual([]);
    expect(emu.callbackQueries.get(query?.id ?? "")?.answer).toMatchObject({ text: "Done", showAlert: true });
  });

  it("rejects unknown and already answered queries as too old", async () => {
    const { result: sent } = await send({ text: "Pick", reply_markup: keyboard("a") });
    const id = emu.clickButton(ann, sent.message_id, "a").callback_query?.id;
    const tooOld = badRequest(
      "Bad Request: query is too old and response timeout expired or query ID is invalid",
    );
    expect(await callApi(emu, "answerCallbackQuery", { callback_query_id: "12345" })).toEqual(tooOld);
    expect((await callApi(emu, "answerCallbackQuery", { callback_query_id: id })).ok).toBe(true);
    expect(await callApi(emu, "answerCallbackQuery", { callback_query_id: id })).toEqual(tooOld);
  });

  it("refuses clicks on buttons the message does not have unless forced", async () => {
    const { result: sent } = await send({ text: "Pick", reply_markup: keyboard("channel:1") });
    expect(() => emu.clickButton(ann, sent.message_id, "channel:2")).toThrow(/has no button .*channel:1/);
    expect(() => emu.clickButton(ann, 42, "channel:1")).toThrow(/no visible bot message 42/);
    const forged: Update = emu.clickButton(ann, sent.message_id, "channel:2", { force: true });
    expect(forged.callback_query?.data).toBe("channel:2");
  });
});

describe("history limit", () => {
  it("forgets the oldest messages and calls beyond the limit", async () => {
    const small = await startBotApiEmulator({ historyLimit: 2 });
    try {
      small.addUser(ann);
      for (const text of ["1", "2", "3"]) await callApi(small, "sendMessage", { chat_id: ann.id, text });
      expect(small.chat(ann.id).messages.map((m) => m.text)).toEqual(["2", "3"]);
      expect(small.calls).toHaveLength(2);
      const forgotten = await callApi(small, "editMessageText", {
        chat_id: ann.id,
        message_id: 1,
        text: "x",
      });
      expect(forgotten.description).toBe("Bad Request: message to edit not found");
    } finally {
      await small.close();
    }
  });
});
