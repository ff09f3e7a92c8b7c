import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PremiumpaySandbox, startPremiumpaySandbox } from "../../src/sandbox/premiumpay/index.js";
import {
  type BotApiEmulator,
  type StoredMessage,
  startBotApiEmulator,
} from "../../src/sandbox/telegram/index.js";
import { bundleMain, ChatUser, ChildBot, type ChildBundle, childEnv } from "../support/child-bot.js";

let telegram: BotApiEmulator;
let premiumpay: PremiumpaySandbox;
let dataDir: string;
let env: Record<string, string>;
let bundle: ChildBundle;
let bot: ChildBot | undefined;

beforeAll(async () => {
  telegram = await startBotApiEmulator();
  premiumpay = await startPremiumpaySandbox();
  dataDir = await mkdtemp(join(tmpdir(), "ppbot-polling-stops-"));
  env = childEnv({ telegram, premiumpay, dataDir, credentialsKey: randomBytes(32).toString("hex") });
  bundle = await bundleMain();
});
afterAll(async () => {
  await bot?.killHard();
  await telegram?.close();
  await premiumpay?.close();
  await bundle?.remove();
  await rm(dataDir, { recursive: true, force: true });
});

const mentions = (pattern: RegExp) => (message: StoredMessage) => pattern.test(message.text);

/** What a second instance with the same token does: poll getUpdates itself. */
function pollAsSecondInstance(): Promise<Response> {
  return fetch(`${telegram.apiRoot}/bot${telegram.token}/getUpdates?timeout=1`);
}

describe("a bot that can no longer take updates", () => {
  it("says another process polls, in one line, and exits non-zero when Telegram answers 409", async () => {
    bot = await ChildBot.start(env, { entry: bundle.entry });
    // A poll that arrives before the bot's own is the one ended by the conflict: poll until the bot's is.
    while (!bot.hasExited && !bot.output().some((line) => line.includes("409"))) await pollAsSecondInstance();

    const exit = await bot.waitForExit(15_000);
    expect(exit.code).not.toBe(0);
    expect(exit.code).not.toBeNull();
    const explanations = bot
      .output()
      .filter((line) => line.includes("another process is receiving this bot's updates"));
    expect(explanations).toHaveLength(1);
    // The runner's own multi-line console output is not what a person reads.
    expect(bot.stderr.join("\n")).not.toContain("[grammY runner]");
  }, 60_000);

  it("exits non-zero when Telegram revokes the token while polling", async () => {
    bot = await ChildBot.start(env, { entry: bundle.entry });
    telegram.faults.failNext("getUpdates", { errorCode: 401, description: "Unauthorized" });
    // Wake the running long poll so the next one meets the fault.
    telegram.sendText({ id: 910_002, first_name: "Ana" }, "/help");

    const exit = await bot.waitForExit(15_000);
    expect(exit.code).not.toBe(0);
    expect(bot.output().some((line) => line.includes("no longer accepts BOT_TOKEN"))).toBe(true);
  }, 60_000);

  it("ends on an unhandled rejection after saving the data, so a supervisor restarts it", async () => {
    // A real stray rejection inside the bot process, fired on demand.
    const preload = join(dataDir, "stray-rejection.mjs");
    await writeFile(
      preload,
      'process.on("SIGUSR2", () => { Promise.reject(new Error("stray rejection from a test")); });\n',
    );
    const withPreload = { ...env, NODE_OPTIONS: `--import=${preload}` };
    bot = await ChildBot.start(withPreload, { entry: bundle.entry });
    const account = premiumpay.addClient({ channels: 1 });
    const chat = new ChatUser(telegram, { id: 910_001, first_name: "Olivia" });
    await chat.send("/start", mentions(/client id/));
    await chat.send(account.clientId, mentions(/API token/));
    await chat.send(account.token, mentions(/Logged in as/));

    bot.kill("SIGUSR2");
    const exit = await bot.waitForExit(15_000);
    expect(exit).toEqual({ code: 1, signal: null });
    const messages = bot.logs().map((line) => String(line.msg));
    expect(messages.some((msg) => msg.startsWith("unhandled rejection"))).toBe(true);
    expect(messages.at(-1)).toBe("bot stopped");

    bot = await ChildBot.start(env, { entry: bundle.entry });
    await chat.send("/account", mentions(new RegExp(account.clientId)), 15_000);
  }, 90_000);
});
