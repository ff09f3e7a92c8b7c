import { createServer } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type Harness, startHarness } from "../support/harness.js";

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

let h: Harness;
let port: number;
const SECRET = "webhook_secret-123";

beforeAll(async () => {
  port = await freePort();
  h = await startHarness({
    env: {
      BOT_MODE: "webhook",
      WEBHOOK_URL: "https://bot.example.test/telegram",
      WEBHOOK_SECRET: SECRET,
      PORT: String(port),
    },
  });
});
afterAll(() => h?.stop());

function post(update: unknown, secret?: string): Promise<Response> {
  return fetch(`http://127.0.0.1:${port}/`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(secret ? { "x-telegram-bot-api-secret-token": secret } : {}),
    },
    body: JSON.stringify(update),
  });
}

const helpUpdate = (updateId: number, userId: number) => ({
  update_id: updateId,
  message: {
    message_id: 1,
    date: Math.floor(Date.now() / 1000),
    chat: { id: userId, type: "private", first_name: "Wendy" },
    from: { id: userId, is_bot: false, first_name: "Wendy", language_code: "en" },
    text: "/help",
    entities: [{ type: "bot_command", offset: 0, length: 5 }],
  },
});

it("registers the webhook with its secret", () => {
  expect(h.telegram.webhook).toBe("https://bot.example.test/telegram");
  const call = h.telegram.calls.find((entry) => entry.method === "setWebhook");
  expect(call?.params.secret_token).toBe(SECRET);
});

it("refuses updates without the right secret and serves those with it", async () => {
  const user = { id: 777_001, first_name: "Wendy", language_code: "en" };
  h.telegram.addUser(user);
  expect((await post(helpUpdate(1, user.id))).status).toBe(401);
  expect((await post(helpUpdate(2, user.id), "wrong")).status).toBe(401);
  expect(h.telegram.chat(user.id).botMessages()).toHaveLength(0);
  const reply = h.telegram.waitForBotMessage(user.id, (message) => message.text.includes("What I can do"));
  expect((await post(helpUpdate(3, user.id), SECRET)).status).toBe(200);
  await reply;
});
