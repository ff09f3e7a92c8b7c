import { request } from "node:http";
import type { Update } from "grammy/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimUser, StoredMessage } from "../../src/sandbox/telegram/index.js";
import { type Harness, startHarness } from "../support/harness.js";

const SECRET = "webhook_secret-reliability";
let h: Harness;

beforeAll(async () => {
  h = await startHarness({
    env: {
      BOT_MODE: "webhook",
      WEBHOOK_URL: "https://bot.example.test/telegram",
      WEBHOOK_SECRET: SECRET,
      HOST: "127.0.0.1",
      PORT: "0",
      // Reads retry a 429 after its Retry-After, as in production.
      PREMIUMPAY_TIMEOUT_MS: "10000",
    },
  });
});
afterAll(() => h?.stop());

function url(): string {
  const address = h.app.webhookAddress!;
  return `http://${address.host}:${address.port}/`;
}

/** Telegram posting an update (again, for a redelivery). */
async function deliver(update: Update | string): Promise<number> {
  const response = await fetch(url(), {
    method: "POST",
    headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
    body: typeof update === "string" ? update : JSON.stringify(update),
  });
  await response.arrayBuffer();
  return response.status;
}

/**
 * Posts a body of `totalBytes` in chunks, without a content-length (chunked transfer encoding), writing only as fast
 * as the server reads; stops when the server closes the connection.
 */
async function postChunked(
  totalBytes: number,
): Promise<{ status?: number; connection?: string; sent: number }> {
  const address = h.app.webhookAddress!;
  const req = request({
    host: address.host,
    port: address.port,
    method: "POST",
    path: "/",
    headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
  });
  const answered: { status?: number; connection?: string } = {};
  req.on("response", (res) => {
    answered.status = res.statusCode;
    answered.connection = res.headers.connection;
    res.resume();
  });
  // The server ends the connection mid-body: the writes still under way fail, as they should.
  req.on("error", () => undefined);
  let closed = false;
  const whenClosed = new Promise<void>((resolve) =>
    req.on("close", () => {
      closed = true;
      resolve();
    }),
  );
  const chunk = Buffer.alloc(64 * 1024, "x");
  let sent = 0;
  req.write('{"update_id":1,"padding":"');
  while (!closed && sent < totalBytes) {
    sent += chunk.length;
    if (!req.write(chunk))
      await Promise.race([new Promise((resolve) => req.once("drain", resolve)), whenClosed]);
  }
  if (!closed) req.end('"}');
  await whenClosed;
  return { ...answered, sent };
}

/** The emulator records what the user typed and builds the update; the test posts it to the webhook. */
const typed = (user: SimUser, text: string) => h.telegram.sendText(user, text);
const says = (pattern: RegExp) => (message: StoredMessage) => pattern.test(message.text);
const repliesTo = (user: SimUser, pattern: RegExp) =>
  h.telegram
    .chat(user.id)
    .botMessages()
    .filter((message) => pattern.test(message.text));

async function loggedIn(user: SimUser): Promise<void> {
  const account = h.premiumpay.addClient({ channels: 2 });
  for (const [text, next] of [
    ["/start", /client id/],
    [account.clientId, /API token/],
    [account.token, /Logged in as/],
  ] as const) {
    const reply = h.telegram.waitForBotMessage(user.id, says(next));
    expect(await deliver(typed(user, text))).toBe(200);
    await reply;
  }
}

describe("webhook mode", () => {
  it("says at info level that it started in webhook mode, with the public URL and the listening address", () => {
    const { host, port } = h.app.webhookAddress!;
    const started = h.logs
      .map((line) => JSON.parse(line) as { level: number; msg: string })
      .filter((line) => line.msg.startsWith("bot started"));
    expect(started).toEqual([
      expect.objectContaining({
        level: 30,
        msg: `bot started: webhook at https://bot.example.test/telegram as @emulated_bot, listening on ${host}:${port}`,
      }),
    ]);
  });

  it("answers Telegram before a slow premiumpay, and handles a redelivered update once", async () => {
    const user: SimUser = { id: 880_001, first_name: "Wendy", language_code: "en" };
    await loggedIn(user);
    h.premiumpay.faults.set("channels", { rateLimit: 4 }, { times: 1 });
    const channelRequests = () => h.premiumpay.requests.filter((r) => r.endpoint === "channels").length;
    const before = channelRequests();
    const listed = h.telegram.waitForBotMessage(user.id, says(/Your channels/), 20_000);
    const update = typed(user, "/channels");

    expect(await deliver(update)).toBe(200);
    // Answered while premiumpay still makes the bot wait out its Retry-After.
    expect(repliesTo(user, /Your channels/)).toHaveLength(0);
    expect(await deliver(update)).toBe(200);
    await listed;
    expect(await deliver(update)).toBe(200);
    const help = h.telegram.waitForBotMessage(user.id, says(/What I can do/));
    expect(await deliver(typed(user, "/help"))).toBe(200);
    await help;

    expect(repliesTo(user, /Your channels/)).toHaveLength(1);
    // The 429 and its one retry: the redeliveries did not call premiumpay again.
    expect(channelRequests() - before).toBe(2);
  }, 60_000);

  it("sends a failed update to the error boundary: Telegram gets 200, the user the error message", async () => {
    const user: SimUser = { id: 880_002, first_name: "Eva", language_code: "es" };
    h.telegram.faults.failNext("sendMessage", { errorCode: 400, description: "Bad Request: chat not found" });
    const told = h.telegram.waitForBotMessage(user.id, says(/Algo ha fallado/));
    expect(await deliver(typed(user, "/help"))).toBe(200);
    await told;
  });

  it("refuses malformed JSON with 400 and a body over 1 MiB with 413", async () => {
    expect(await deliver("{not json")).toBe(400);
    expect(await deliver(JSON.stringify({ no_update_id: true }))).toBe(400);
    const huge = JSON.stringify({ update_id: 1, padding: "x".repeat(2 * 1024 * 1024) });
    expect(await deliver(huge).catch(() => 413)).toBe(413);
    // Still serving afterwards.
    const user: SimUser = { id: 880_003, first_name: "Ines", language_code: "en" };
    const reply = h.telegram.waitForBotMessage(user.id, says(/What I can do/));
    expect(await deliver(typed(user, "/help"))).toBe(200);
    await reply;
  });

  it("refuses a chunked body over 1 MiB with 413 and closes the connection without reading the rest", async () => {
    const total = 64 * 1024 * 1024;
    const result = await postChunked(total);
    expect(result).toMatchObject({ status: 413, connection: "close" });
    // The server stopped reading at the limit: far less than the body went out before the connection closed.
    expect(result.sent).toBeLessThan(total);
    const user: SimUser = { id: 880_006, first_name: "Carla", language_code: "en" };
    const reply = h.telegram.waitForBotMessage(user.id, says(/What I can do/));
    expect(await deliver(typed(user, "/help"))).toBe(200);
    await reply;
  });

  it("answers every update of a 200-update burst from one chat with 2xx", async () => {
    const user: SimUser = { id: 880_004, first_name: "Bea", language_code: "en" };
    const burst = Array.from({ length: 200 }, (_, i) => typed(user, `/help ${i}`));
    const statuses = await Promise.all(burst.map((update) => deliver(update)));
    expect(statuses.filter((status) => status < 200 || status >= 300)).toEqual([]);
  }, 60_000);

  it("does not handle an update again when Telegram redelivers it after a restart", async () => {
    const user: SimUser = { id: 880_005, first_name: "Rita", language_code: "en" };
    const first = typed(user, "/help");
    const reply = h.telegram.waitForBotMessage(user.id, says(/What I can do/));
    expect(await deliver(first)).toBe(200);
    await reply;

    await h.restart();
    expect(await deliver(first)).toBe(200);
    const next = h.telegram.waitForBotMessage(user.id, says(/What I can do/));
    expect(await deliver(typed(user, "/help"))).toBe(200);
    await next;
    expect(repliesTo(user, /What I can do/)).toHaveLength(2);
  }, 60_000);
});
