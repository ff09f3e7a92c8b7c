import { readFileSync } from "node:fs";
import { get as httpGet } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { Api, InputFile } from "grammy";
import type { Update } from "grammy/types";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { fileUrl, type MessageView } from "../../src/demo/render.js";
import { type DemoWebServer, startDemoWebServer } from "../../src/demo/web-server.js";
import { type BotApiEmulator, type SimUser, startBotApiEmulator } from "../../src/sandbox/telegram/index.js";

const user: SimUser = { id: 7001, first_name: "Demo", language_code: "en" };
const credentials = { clientId: "demo-client", token: "aaa.bbb.ccc" };

let emulator: BotApiEmulator;
let web: DemoWebServer;
let updateOffset = 0;

beforeAll(async () => {
  emulator = await startBotApiEmulator();
  web = await startDemoWebServer({ emulator, user, credentials, port: 0 });
});
afterAll(async () => {
  await web?.close();
  await emulator?.close();
});
// Each test starts with no update left for the "bot".
beforeEach(async () => {
  await takeUpdates();
});

/** Calls the Bot API as the bot would. */
async function botApi<T>(method: string, params: Record<string, unknown>): Promise<T> {
  const response = await fetch(`${emulator.apiRoot}/bot${emulator.token}/${method}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(params),
  });
  const body = (await response.json()) as { ok: boolean; result: T; description?: string };
  if (!body.ok) throw new Error(`${method}: ${body.description}`);
  return body.result;
}

/** What the bot would get from getUpdates now, confirming it. */
async function takeUpdates(): Promise<Update[]> {
  const updates = await botApi<Update[]>("getUpdates", { offset: updateOffset, timeout: 0 });
  const last = updates.at(-1);
  if (last) updateOffset = last.update_id + 1;
  return updates;
}

function request(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(new URL(path, web.url), init);
}

function postJson(path: string, body: unknown): Promise<Response> {
  return request(path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

function statusWithHost(path: string, host: string): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(web.url);
    httpGet({ hostname, port, path, headers: { host } }, (response) => {
      response.resume();
      resolve(response.statusCode);
    }).on("error", reject);
  });
}

interface ServerEvent {
  event: string;
  data: unknown;
}

/** A reader of the page's event stream that waits for the next event of a kind. */
async function openEvents(): Promise<{
  next(event: string, timeoutMs?: number): Promise<unknown>;
  close(): void;
}> {
  const controller = new AbortController();
  const response = await request("/api/events", { signal: controller.signal });
  expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const received: ServerEvent[] = [];
  let buffer = "";
  const pump = async (): Promise<void> => {
    const { value, done } = await reader.read();
    if (done) throw new Error("event stream ended");
    buffer += value;
    for (let end = buffer.indexOf("\n\n"); end !== -1; end = buffer.indexOf("\n\n")) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(frame)?.[1];
      const data = /^data: (.*)$/m.exec(frame)?.[1];
      if (event !== undefined && data !== undefined) received.push({ event, data: JSON.parse(data) });
    }
  };
  // One read at a time; a wait that times out leaves it running for the next call.
  let reading: Promise<void> | undefined;
  const read = () => {
    reading ??= pump().finally(() => {
      reading = undefined;
    });
    return reading;
  };
  return {
    async next(event, timeoutMs = 3000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const index = received.findIndex((e) => e.event === event);
        if (index !== -1) return received.splice(index, 1)[0]!.data;
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no "${event}" event within ${timeoutMs} ms`);
        await Promise.race([read(), sleep(left)]);
      }
    },
    close: () => controller.abort(),
  };
}

describe("the event stream", () => {
  it("delivers the bot's messages and edits in the demo user's chat as safe HTML, and nothing from other chats", async () => {
    const events = await openEvents();
    const other: SimUser = { id: 7002, first_name: "Someone else" };
    emulator.addUser(other);
    await botApi("sendMessage", { chat_id: other.id, text: "not for the demo user" });
    const sent = await botApi<{ message_id: number }>("sendMessage", {
      chat_id: user.id,
      text: "Sales of <b>Fitness</b>",
      parse_mode: "HTML",
    });
    expect(await events.next("message")).toMatchObject({
      id: sent.message_id,
      from: "bot",
      html: "Sales of <b>Fitness</b>",
      edited: false,
    });

    await botApi("editMessageText", {
      chat_id: user.id,
      message_id: sent.message_id,
      text: "Sales of <i>&lt;img src=x onerror=alert(1)&gt;</i>",
      parse_mode: "HTML",
      reply_markup: { inline_keyboard: [[{ text: "Open", url: "https://t.me/premiumpay" }]] },
    });
    expect(await events.next("edit")).toEqual({
      id: sent.message_id,
      from: "bot",
      html: "Sales of <i>&lt;img src=x onerror=alert(1)&gt;</i>",
      text: "Sales of <img src=x onerror=alert(1)>",
      date: expect.any(Number),
      edited: true,
      buttons: [[{ kind: "url", text: "Open", url: "https://t.me/premiumpay" }]],
    });
    await expect(events.next("message", 200)).rejects.toThrow(/no "message" event/);
    events.close();
  });

  it("reports deletions by message id and the command menu the bot sets", async () => {
    const events = await openEvents();
    const sent = await botApi<{ message_id: number }>("sendMessage", { chat_id: user.id, text: "soon gone" });
    await botApi("deleteMessage", { chat_id: user.id, message_id: sent.message_id });
    expect(await events.next("delete")).toEqual({ id: sent.message_id });

    await botApi("setMyCommands", { commands: [{ command: "link", description: "Create a public link" }] });
    expect(await events.next("commands")).toEqual([{ command: "link", description: "Create a public link" }]);
    events.close();
  });
});

describe("the page's actions", () => {
  it("sends typed text to the bot as the demo user", async () => {
    const response = await postJson("/api/send", { text: "/start" });
    expect(response.status).toBe(200);
    const [update] = await takeUpdates();
    expect(update?.message).toMatchObject({ text: "/start", from: { id: user.id }, chat: { id: user.id } });
    expect(update?.message?.entities).toEqual([{ type: "bot_command", offset: 0, length: 6 }]);
  });

  it("turns a button tap into a callback query and streams the bot's answer back", async () => {
    const events = await openEvents();
    const sent = await botApi<{ message_id: number }>("sendMessage", {
      chat_id: user.id,
      text: "Pick one",
      reply_markup: { inline_keyboard: [[{ text: "A", callback_data: "pick:a" }]] },
    });
    const response = await postJson("/api/click", { messageId: sent.message_id, data: "pick:a" });
    expect(response.status).toBe(200);
    const { callbackQueryId } = (await response.json()) as { callbackQueryId: string };

    const [update] = await takeUpdates();
    expect(update?.callback_query).toMatchObject({
      id: callbackQueryId,
      data: "pick:a",
      from: { id: user.id },
      message: { message_id: sent.message_id },
    });
    await botApi("answerCallbackQuery", { callback_query_id: callbackQueryId, text: "Picked" });
    expect(await events.next("callbackAnswer")).toEqual({
      id: callbackQueryId,
      text: "Picked",
      showAlert: false,
    });
    events.close();
  });

  it("answers 400 to bad input, and none of it reaches the bot", async () => {
    const sent = await botApi<{ message_id: number }>("sendMessage", {
      chat_id: user.id,
      text: "Pick one",
      reply_markup: { inline_keyboard: [[{ text: "A", callback_data: "pick:a" }]] },
    });
    await postJson("/api/send", { text: "mine" });
    const userMessageId = emulator.chat(user.id).messages.at(-1)!.messageId;
    await takeUpdates();

    const bad: [string, unknown][] = [
      ["/api/send", {}],
      ["/api/send", { text: "" }],
      ["/api/send", { text: "   \n" }],
      ["/api/send", { text: 42 }],
      ["/api/send", { text: "x".repeat(4097) }],
      ["/api/send", "{not json"],
      ["/api/send", []],
      ["/api/click", { messageId: sent.message_id, data: "forged" }],
      ["/api/click", { messageId: String(sent.message_id), data: "pick:a" }],
      ["/api/click", { messageId: 999_999, data: "pick:a" }],
      ["/api/click", { messageId: userMessageId, data: "pick:a" }],
      ["/api/click", { messageId: sent.message_id }],
    ];
    for (const [path, body] of bad) {
      const response = await postJson(path, body);
      expect({ path, body, status: response.status }).toEqual({ path, body, status: 400 });
      expect(((await response.json()) as { error: string }).error).toBeTruthy();
    }
    expect(await takeUpdates()).toEqual([]);
  });

  it("refuses other content types, oversized bodies, foreign Host headers and unknown routes", async () => {
    const asForm = await request("/api/send", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "text=hi",
    });
    expect(asForm.status).toBe(415);
    expect((await postJson("/api/send", { text: "x".repeat(20_000) })).status).toBe(413);
    // fetch() always sends the real Host, so the rebinding page's request is made by hand.
    expect(await statusWithHost("/api/state", "evil.example:8080")).toBe(403);
    expect(await statusWithHost("/api/state", `localhost:${new URL(web.url).port}`)).toBe(200);
    expect((await request("/api/send")).status).toBe(405);
    expect((await request("/api/nothing")).status).toBe(404);
    expect((await request("/../package.json")).status).toBe(404);
    expect((await request("/%2e%2e/package.json")).status).toBe(404);
    expect(await takeUpdates()).toEqual([]);
  });
});

describe("the page and its state", () => {
  it("serves the page with a content security policy that allows no inline script", async () => {
    const page = await request("/");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self';");
    expect(await page.text()).toContain('<script type="module" src="/app.js"></script>');
    const script = await request("/app.js");
    expect(script.headers.get("content-type")).toMatch(/^text\/javascript/);
  });

  it("gives the chat without deleted messages, the command menu and the login to try", async () => {
    const kept = await botApi<{ message_id: number }>("sendMessage", { chat_id: user.id, text: "kept" });
    const gone = await botApi<{ message_id: number }>("sendMessage", { chat_id: user.id, text: "gone" });
    await botApi("deleteMessage", { chat_id: user.id, message_id: gone.message_id });
    await botApi("setMyCommands", { commands: [{ command: "sales", description: "Today's sales" }] });

    const state = (await (await request("/api/state")).json()) as {
      messages: { id: number }[];
      commands: unknown;
      credentials: unknown;
    };
    const ids = state.messages.map((message) => message.id);
    expect(ids).toContain(kept.message_id);
    expect(ids).not.toContain(gone.message_id);
    expect(state.commands).toEqual([{ command: "sales", description: "Today's sales" }]);
    expect(state.credentials).toEqual(credentials);
  });
});

describe("photos and documents", () => {
  const bot = () => new Api(emulator.token, { apiRoot: emulator.apiRoot });
  const png = readFileSync(new URL("../../docs/demo-chat.png", import.meta.url));

  it("shows a photo inline and offers a document as a download, each with its bytes", async () => {
    const photo = await bot().sendPhoto(user.id, new InputFile(png, "chart.png"), {
      caption: "<b>Sales</b> per day",
      parse_mode: "HTML",
    });
    const csv = Buffer.from("\uFEFFAmount,Currency\r\n9.99,EUR\r\n", "utf8");
    const document = await bot().sendDocument(
      user.id,
      new InputFile(csv, "sales-vip-2026-11-01_2026-11-30.csv"),
    );
    const state = (await (await request("/api/state")).json()) as { messages: MessageView[] };
    const shownPhoto = state.messages.find((m) => m.id === photo.message_id)!;
    const shownDocument = state.messages.find((m) => m.id === document.message_id)!;
    expect(shownPhoto.html).toBe("<b>Sales</b> per day");
    expect(shownPhoto.media).toMatchObject({ kind: "photo", fileName: "chart.png", size: png.length });
    expect(shownDocument.media).toMatchObject({ kind: "document", size: csv.length });

    const image = await request(shownPhoto.media!.url);
    expect(image.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await image.arrayBuffer()).equals(png)).toBe(true);
    const download = await request(shownDocument.media!.url);
    expect(download.headers.get("content-type")).toBe("application/octet-stream");
    expect(download.headers.get("content-disposition")).toBe(
      "attachment; filename*=UTF-8''sales-vip-2026-11-01_2026-11-30.csv",
    );
    expect(Buffer.from(await download.arrayBuffer()).equals(csv)).toBe(true);
  });

  it("serves only files sent in the demo chat, never another chat's or an unknown one", async () => {
    const other: SimUser = { id: 7999, first_name: "Other" };
    emulator.addUser(other);
    const elsewhere = await bot().sendDocument(other.id, new InputFile(Buffer.from("secret"), "secret.csv"));
    expect((await request(fileUrl(elsewhere.document!.file_id))).status).toBe(404);
    expect((await request(fileUrl("photo-999-nope"))).status).toBe(404);
    expect((await request("/api/files/")).status).toBe(404);
  });

  it("streams a new photo to the page as it is sent", async () => {
    const events = await openEvents();
    try {
      const sent = bot().sendPhoto(user.id, new InputFile(png, "chart.png"));
      const shown = (await events.next("message")) as MessageView;
      expect(shown.media).toMatchObject({ kind: "photo", url: fileUrl((await sent).photo.at(-1)!.file_id) });
    } finally {
      events.close();
    }
  });
});
