import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PremiumpaySandbox, startPremiumpaySandbox } from "../../src/sandbox/premiumpay/index.js";
import {
  type BotApiEmulator,
  type StoredMessage,
  startBotApiEmulator,
} from "../../src/sandbox/telegram/index.js";
import { CredentialsKeyError, createStore } from "../../src/store/index.js";
import { bundleMain, ChatUser, ChildBot, type ChildBundle, childEnv } from "../support/child-bot.js";

let bundle: ChildBundle;
let telegram: BotApiEmulator;
let premiumpay: PremiumpaySandbox;
let dataDir: string;
const oldKey = randomBytes(32).toString("hex");
const newKey = randomBytes(32).toString("hex");
/** Every process of this file, each with the output it produced. */
const bots: ChildBot[] = [];

// Bundling the bot for its child processes takes seconds, and far longer on a loaded machine.
beforeAll(async () => {
  bundle = await bundleMain();
  telegram = await startBotApiEmulator();
  premiumpay = await startPremiumpaySandbox();
  dataDir = await mkdtemp(join(tmpdir(), "ppbot-secrets-"));
}, 60_000);
afterAll(async () => {
  await Promise.all(bots.map((bot) => bot.killHard()));
  await telegram?.close();
  await premiumpay?.close();
  await rm(dataDir, { recursive: true, force: true });
  await bundle?.remove();
});

function env(key: string, extra: Record<string, string> = {}): Record<string, string> {
  return childEnv({ telegram, premiumpay, dataDir, credentialsKey: key, logLevel: "trace", extra });
}

async function start(key: string, extra: Record<string, string> = {}): Promise<ChildBot> {
  const bot = await ChildBot.start(env(key, extra), { entry: bundle.entry });
  bots.push(bot);
  return bot;
}

async function stop(bot: ChildBot): Promise<void> {
  bot.kill("SIGTERM");
  expect(await bot.waitForExit(10_000)).toEqual({ code: 0, signal: null });
}

const mentions = (pattern: RegExp) => (message: StoredMessage) => pattern.test(message.text);

/** Every file in the data folder (operators.json, conversations.json, their journals, anything else), as text. */
async function dataFiles(): Promise<Array<{ name: string; text: string }>> {
  const names = await readdir(dataDir, { recursive: true, withFileTypes: true });
  return Promise.all(
    names
      .filter((entry) => entry.isFile())
      .map(async (entry) => {
        const path = join(entry.parentPath, entry.name);
        return { name: path, text: await readFile(path, "utf8") };
      }),
  );
}

const account = { clientId: "", token: "" };
const operator = () => new ChatUser(telegram, { id: 910_001, first_name: "Olivia" });

describe("secrets", () => {
  it("never appear in logs at trace level, data files, Telegram calls or messages shown to the operator", async () => {
    Object.assign(account, premiumpay.addClient({ channels: 2 }));
    // A well-formed JWT premiumpay refuses: a failed login must not leak it either.
    const [header, payload] = account.token.split(".");
    const refusedToken = `${header}.${payload}.${randomBytes(32).toString("base64url")}`;
    const bot = await start(oldKey);
    const chat = operator();

    await chat.send("/start", mentions(/client id/));
    await chat.send(account.clientId, mentions(/API token/));
    const refused = await chat.send(refusedToken, mentions(/did not accept/));
    const retry = refused.replyMarkup!.inline_keyboard.flat().find((b) => /token again/.test(b.text))!;
    await chat.click(
      refused.messageId,
      (retry as { callback_data: string }).callback_data,
      mentions(/API token/),
    );
    await chat.send(account.token, mentions(/Logged in as/));
    await chat.send("/account", mentions(/API status: ✅/));

    // premiumpay stops accepting the token.
    premiumpay.faults.set("status", { status: 401 }, { times: 1 });
    await chat.send("/account", mentions(/no longer accepts your credentials/));
    // Telegram refuses a message, then drops the connection of another (retried): grammY's errors carry the
    // token in the URL.
    telegram.faults.failNext("sendMessage", { errorCode: 400, description: "Bad Request: chat not found" });
    await chat.send("/help", mentions(/went wrong/));
    telegram.faults.dropNext("sendMessage");
    await chat.send("/menu", mentions(/what would you like to do/));
    await stop(bot);

    const secrets = {
      "premiumpay token": account.token,
      "refused token": refusedToken,
      "bot token": telegram.token,
      "bot token secret": telegram.token.split(":")[1]!,
      CREDENTIALS_KEY: oldKey,
    };
    const sources: Array<{ name: string; text: string }> = [
      ...bot.output().map((line, index) => ({ name: `log line ${index + 1}`, text: line })),
      ...(await dataFiles()),
      { name: "Telegram API calls", text: JSON.stringify(telegram.calls) },
      { name: "callback answers", text: JSON.stringify([...telegram.callbackQueries.values()]) },
      ...chat.botTexts().map((text, index) => ({ name: `bot message ${index + 1}`, text })),
    ];
    for (const source of sources) {
      for (const [what, secret] of Object.entries(secrets)) {
        if (source.text.toLowerCase().includes(secret.toLowerCase())) {
          throw new Error(`${source.name} contains the ${what}: ${source.text.slice(0, 300)}`);
        }
      }
    }
    // The greps above looked at real material: trace logs, both failures, the encrypted token on disk.
    const logs = bot.logs();
    expect(logs.map((line) => line.msg)).toEqual(
      expect.arrayContaining(["bot started: long polling as @emulated_bot", "update failed", "bot stopped"]),
    );
    expect((await dataFiles()).map((file) => file.name).join(" ")).toContain("operators.json");
    // The operator's own messages with a token were deleted from the chat.
    const typed = telegram
      .chat(chat.chatId)
      .messages.filter((m) => m.from === "user" && m.text.includes("."));
    expect(
      typed.filter((m) => m.text === account.token || m.text === refusedToken).every((m) => m.deleted),
    ).toBe(true);
  }, 60_000);

  it("a wrong CREDENTIALS_KEY refuses to start with one clear line", async () => {
    const bot = ChildBot.spawn(env(newKey), { entry: bundle.entry });
    bots.push(bot);
    expect(await bot.waitForExit(30_000)).toEqual({ code: 1, signal: null });
    expect(bot.stderr).toHaveLength(1);
    expect(bot.stderr[0]).toMatch(/^premiumpay-bot: CREDENTIALS_KEY does not match/);
    expect(bot.output().join("\n")).not.toMatch(/\n\s+at /);
    expect(bot.output().join("\n")).not.toContain(newKey);
    // Nothing was rewritten: the original key still opens the data.
    const store = await createStore({ dataDir, credentialsKey: Buffer.from(oldKey, "hex") });
    expect(await store.getCredentials(910_001)).toEqual(account);
    await store.close();
  }, 40_000);

  it("rotates to a new key with CREDENTIALS_KEY_PREVIOUS; afterwards the old key alone opens nothing", async () => {
    const bot = await start(newKey, { CREDENTIALS_KEY_PREVIOUS: oldKey });
    const chat = operator();
    premiumpay.clearRequests();
    await chat.send("/account", mentions(/API status: ✅/));
    // The stored token, sealed with the old key, still reached premiumpay intact.
    expect(premiumpay.requests.filter((r) => r.endpoint === "status").map((r) => r.tokenMatched)).toEqual([
      true,
    ]);
    await stop(bot);
    expect(bot.output().join("\n")).not.toContain(oldKey);

    await expect(createStore({ dataDir, credentialsKey: Buffer.from(oldKey, "hex") })).rejects.toThrow(
      CredentialsKeyError,
    );
    const store = await createStore({ dataDir, credentialsKey: Buffer.from(newKey, "hex") });
    expect(await store.getCredentials(910_001)).toEqual(account);
    await store.close();

    // And the bot starts on the new key alone.
    const next = await start(newKey);
    await chat.send("/account", mentions(/API status: ✅/));
    await stop(next);
  }, 60_000);

  it("a teammate acting with the owner's account never gets a premiumpay credential: messages, logs, data files", async () => {
    const bot = await start(newKey);
    const owner = operator();
    const teammate = new ChatUser(telegram, { id: 910_002, first_name: "Tess" });
    const press = async (chat: ChatUser, message: StoredMessage, label: RegExp, expect: RegExp) => {
      const button = message.replyMarkup!.inline_keyboard.flat().find((b) => label.test(b.text));
      return (
        await chat.click(
          message.messageId,
          (button as { callback_data: string }).callback_data,
          mentions(expect),
        )
      ).reply;
    };
    const list = await owner.send("/team", mentions(/Team of account/));
    const roles = await press(owner, list, /Invite a teammate/, /Which role/);
    const created = await press(owner, roles, /Viewer/, /valid 24 hours/);
    const code = /\?start=([A-Za-z0-9_-]+)/.exec(created.text)![1]!;
    const ask = await teammate.send(`/start ${code}`, mentions(/Accept\?/));
    await press(teammate, ask, /Accept/, /Welcome!/);
    const picker = await teammate.send("/sales", mentions(/Pick a channel/));
    const links = await press(teammate, picker, /./, /all links, or of one link/);
    await press(teammate, links, /All links/, /Sales:/);
    await teammate.send("/account", mentions(/Your role: viewer/));
    await teammate.send("/team", mentions(/You are a viewer on the team/));
    // premiumpay refuses the owner's token while the teammate acts.
    premiumpay.faults.set("channels", { status: 401 }, { times: 1 });
    await teammate.send("/sales", mentions(/owner has to log in again/));
    await stop(bot);

    const premiumpaySecrets = {
      "premiumpay token": account.token,
      "token signature": account.token.split(".")[2]!,
    };
    const teammateSees = [
      ...teammate.botTexts().map((text, index) => ({ name: `teammate message ${index + 1}`, text })),
      {
        name: "teammate's buttons and callback answers",
        text: JSON.stringify([
          telegram
            .chat(teammate.chatId)
            .botMessages()
            .map((message) => message.replyMarkup ?? null),
          [...telegram.callbackQueries.values()],
        ]),
      },
    ];
    const stored = [
      ...bot.output().map((line, index) => ({ name: `log line ${index + 1}`, text: line })),
      ...(await dataFiles()),
    ];
    for (const source of [...teammateSees, ...stored]) {
      for (const [what, secret] of Object.entries(premiumpaySecrets)) {
        if (source.text.includes(secret)) throw new Error(`${source.name} contains the ${what}`);
      }
    }
    // The invitation code is the teammate's key: it is stored and logged only as its hash.
    for (const source of stored) {
      if (source.text.includes(code)) throw new Error(`${source.name} contains the invitation code`);
    }
    expect((await dataFiles()).map((file) => file.name).join(" ")).toContain("team.json");
    expect(bot.logs().map((line) => line.msg)).toEqual(expect.arrayContaining(["teammate joined"]));
  }, 60_000);
});
