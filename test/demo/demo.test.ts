import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDemo } from "../../src/demo/index.js";
import { createLogger } from "../../src/logger.js";
import { type BotApiEmulator, type SimUser, startBotApiEmulator } from "../../src/sandbox/telegram/index.js";

// Stands in for api.telegram.org: with BOT_TOKEN set, the demo talks to "real" Telegram at TELEGRAM_API_ROOT.
let telegram: BotApiEmulator;
let dataDir: string;
const operator: SimUser = { id: 5150, first_name: "Olivia", language_code: "en" };
const quiet = () => createLogger("warn", { write: () => undefined });

beforeAll(async () => {
  telegram = await startBotApiEmulator({ botUsername: "operators_own_bot" });
  dataDir = await mkdtemp(join(tmpdir(), "ppbot-demo-telegram-"));
});
afterAll(async () => {
  await telegram?.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function say(text: string, expected: string | RegExp) {
  const reply = telegram.waitForBotMessage(operator.id, (message) =>
    typeof expected === "string" ? message.text.includes(expected) : expected.test(message.text),
  );
  telegram.sendText(operator, text);
  return reply;
}

describe("the demo with BOT_TOKEN set", () => {
  it("connects the bot to Telegram with that token, starts no page, and keeps the sandbox as premiumpay", async () => {
    const demo = await startDemo({
      dataDir,
      botToken: telegram.token,
      telegramApiRoot: telegram.apiRoot,
      logger: quiet(),
    });
    try {
      expect(demo.webUrl).toBeUndefined();
      expect(demo.emulator).toBeUndefined();
      expect(demo.botUsername).toBe("operators_own_bot");
      await say("/start", "client id");
      await say(demo.credentials.clientId, "API token");
      await say(demo.credentials.token, `Logged in as ${demo.credentials.clientId}`);
      expect(
        demo.sandbox.requests.some((request) => request.endpoint === "status" && request.tokenMatched),
      ).toBe(true);
    } finally {
      await demo.stop();
    }
  });

  it("still has the login on the next run: same key from the data folder, same sandbox credentials", async () => {
    const demo = await startDemo({
      dataDir,
      botToken: telegram.token,
      telegramApiRoot: telegram.apiRoot,
      logger: quiet(),
    });
    try {
      expect((await demo.app.deps.store.getOperator(operator.id))?.hasCredentials).toBe(true);
      await say("/start", "what would you like to do?");
      // The saved token still decrypts and the sandbox still accepts it: the channel picker lists its channels.
      const picker = await say("/link", "New public link");
      const labels = picker.replyMarkup?.inline_keyboard.flat().map((button) => button.text) ?? [];
      expect(labels).toContain("Fitness Premium");
    } finally {
      await demo.stop();
    }
  });
});
