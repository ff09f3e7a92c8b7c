import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { DEFAULT_DEMO_ALERTS_POLL_SECONDS } from "../../src/demo/config.js";
import { startDemo } from "../../src/demo/index.js";
import { createLogger } from "../../src/logger.js";
import {
  type BotApiEmulator,
  type SimUser,
  type StoredMessage,
  startBotApiEmulator,
} from "../../src/sandbox/telegram/index.js";

// The demo as `npm run demo` starts it (its alert poll interval included), its bot on this emulator.
let telegram: BotApiEmulator;
let dataDir: string;
const operator: SimUser = { id: 6160, first_name: "Alma", language_code: "en" };

beforeAll(async () => {
  telegram = await startBotApiEmulator({ botUsername: "demo_alerts_bot" });
  dataDir = await mkdtemp(join(tmpdir(), "ppbot-demo-alerts-"));
});
afterAll(async () => {
  await telegram?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const say = (text: string, expected: RegExp) => {
  const reply = telegram.waitForBotMessage(operator.id, (message) => expected.test(message.text));
  telegram.sendText(operator, text);
  return reply;
};

const callbackOf = (message: StoredMessage, label: string) => {
  const button = message.replyMarkup?.inline_keyboard.flat().find((b) => b.text.includes(label));
  if (!button || !("callback_data" in button) || !button.callback_data)
    throw new Error(`no "${label}" button in: ${message.text}`);
  return button.callback_data;
};

describe("the demo's sales alerts", () => {
  it("a sale made after turning alerts on arrives within the demo's poll interval", async () => {
    const demo = await startDemo({
      dataDir,
      botToken: telegram.token,
      telegramApiRoot: telegram.apiRoot,
      logger: createLogger("warn", { write: () => undefined }),
    });
    try {
      expect(demo.app.deps.config.alerts.pollMs).toBe(DEFAULT_DEMO_ALERTS_POLL_SECONDS * 1000);
      await say("/start", /client id/);
      await say(demo.credentials.clientId, /API token/);
      await say(demo.credentials.token, /Logged in as/);
      const screen = await say("/alerts", /Sales alerts/);
      telegram.clickButton(operator, screen.messageId, callbackOf(screen, "Turn on"));
      const settings = () => demo.app.deps.store.alertSettings(operator.id);
      await vi.waitFor(async () => expect((await settings()).enabled).toBe(true), { timeout: 10_000 });
      const { clientId } = demo.credentials;
      const channel = demo.sandbox.data(clientId).channels[0]!;
      // Within one interval of the sale (plus sending), not the default minute and not after a second poll.
      const alert = telegram.waitForBotMessage(
        operator.id,
        (message) => message.text.includes("New sale") && message.text.includes("43.21"),
        (DEFAULT_DEMO_ALERTS_POLL_SECONDS + 10) * 1000,
      );
      demo.sandbox.addSale(clientId, { channelId: channel.id, amount: 43.21, date: new Date() });
      expect((await alert).text).toContain(channel.name);
    } finally {
      await demo.stop();
    }
  }, 60_000);
});
