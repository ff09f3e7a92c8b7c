import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PremiumpaySandbox, startPremiumpaySandbox } from "../../src/sandbox/premiumpay/index.js";
import {
  type BotApiEmulator,
  type StoredMessage,
  startBotApiEmulator,
} from "../../src/sandbox/telegram/index.js";
import { ChatUser, ChildBot, childEnv } from "../support/child-bot.js";
import { callbackDataOf, hasButton, stampedLike } from "../support/harness.js";

let telegram: BotApiEmulator;
let premiumpay: PremiumpaySandbox;
let dataDir: string;
let env: Record<string, string>;
let bot: ChildBot | undefined;

beforeAll(async () => {
  telegram = await startBotApiEmulator();
  premiumpay = await startPremiumpaySandbox();
  dataDir = await mkdtemp(join(tmpdir(), "ppbot-sigterm-"));
  env = childEnv({ telegram, premiumpay, dataDir, credentialsKey: randomBytes(32).toString("hex") });
});
afterAll(async () => {
  await bot?.killHard();
  await telegram?.close();
  await premiumpay?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const mentions = (pattern: RegExp) => (message: StoredMessage) => pattern.test(message.text);
const isPicker = hasButton(/^cp:c:/);

describe("SIGTERM in the middle of a flow", () => {
  it("finishes the update being handled, exits 0, and the flow resumes after the restart", async () => {
    bot = await ChildBot.start(env);
    const account = premiumpay.addClient({ channels: 3 });
    const chat = new ChatUser(telegram, { id: 900_001, first_name: "Olivia" });
    await chat.send("/start", mentions(/client id/));
    await chat.send(account.clientId, mentions(/API token/));
    await chat.send(account.token, mentions(/Logged in as/));

    // The picker's channel list is slow: SIGTERM arrives while /link is being handled.
    premiumpay.faults.set("channels", { delayMs: 1500 }, { times: 1 });
    const channelRequests = () => premiumpay.requests.filter((r) => r.endpoint === "channels").length;
    const before = channelRequests();
    const picker = telegram.waitForBotMessage(chat.chatId, isPicker, 15_000);
    telegram.sendText(chat.user, "/link");
    await telegram.waitFor(() => channelRequests() > before, 10_000);
    bot.kill("SIGTERM");

    const shown = await picker;
    expect(await bot.waitForExit(10_000)).toEqual({ code: 0, signal: null });
    const messages = bot.logs().map((line) => line.msg);
    expect(messages).toContain("shutting down");
    expect(messages.at(-1)).toBe("bot stopped");
    expect(bot.stderr).toEqual([]);

    bot = await ChildBot.start(env);
    const channel = callbackDataOf(shown).find((data) => data.startsWith("cp:c:"))!;
    await chat.click(shown.messageId, stampedLike(shown, channel), mentions(/Send a name/), 15_000);
    await chat.send("Bio", mentions(/How long/));
    // The update the stopped bot had finished is not handled a second time by the new one.
    const pickersStarted = telegram.calls.filter(
      (call) =>
        call.method === "sendMessage" &&
        String(call.params.chat_id) === String(chat.chatId) &&
        String(call.params.text).includes("Loading your channels"),
    );
    expect(pickersStarted).toHaveLength(1);
  }, 60_000);
});
