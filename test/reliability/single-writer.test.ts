import { lstat, readdir, readFile } from "node:fs/promises";
import { connect } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { localDate } from "../../src/time.js";
import { ChatUser, useChildBotWorld } from "../support/child-bot.js";
import { runDigestCli, runStoreCopyCli } from "../support/digest-cli.js";

/**
 * The probe's situations of issue 12.1, with real processes: a bot, and a second bot or `npm run digest -- --now`
 * on the same data folder.
 */
const world = useChildBotWorld({ seed: 5, dataDirPrefix: "ppbot-single-writer-" });

async function loggedInOperator(id: number): Promise<ChatUser> {
  const chat = new ChatUser(world.telegram, { id, first_name: "Olga", language_code: "en" });
  await chat.logIn(world.premiumpay.addClient({ channels: 2 }));
  return chat;
}

/** What a restart would load, read once the bot is dead (it holds the folder while it runs). */
async function storedOperator(id: number) {
  const store = await world.openStore();
  try {
    return { ...(await store.getOperator(id)), credentials: await store.getCredentials(id) };
  } finally {
    await store.close();
  }
}

/** Each entry's size and modification time, and the folder's own: a file made and removed again changes it. */
async function folderState(dir: string) {
  const names = (await readdir(dir)).sort();
  const stamp = async (path: string) => {
    const stats = await lstat(path, { bigint: true });
    return `${stats.size} ${stats.mtimeNs}`;
  };
  return {
    folder: await stamp(dir),
    entries: Object.fromEntries(
      await Promise.all(names.map(async (name) => [name, await stamp(join(dir, name))])),
    ),
  };
}

describe("one writer per data folder", () => {
  it("a second bot on the same data folder refuses to start with one line naming the folder and the running bot's pid", async () => {
    const first = await world.start();
    const second = world.spawn();
    expect(await second.waitForExit(20_000)).toEqual({ code: 1, signal: null });
    expect(second.problems()).toEqual([
      `premiumpay-bot: data folder ${world.dataDir} is in use by another process (pid ${first.pid}); stop it or set DATA_DIR to another folder`,
    ]);
    // The first bot was not disturbed.
    const chat = await loggedInOperator(930_001);
    expect(chat.botTexts().at(-1)).toMatch(/Logged in as/);
  }, 60_000);

  it("a refused second bot writes nothing in the folder the first one holds", async () => {
    const first = await world.start();
    const before = await folderState(world.dataDir);
    const second = world.spawn();
    expect(await second.waitForExit(20_000)).toEqual({ code: 1, signal: null });
    expect(await folderState(world.dataDir)).toEqual(before);
    expect(await readFile(join(world.dataDir, "data.lock"), "utf8")).toBe(`${first.pid}\n`);
  }, 60_000);

  it("`npm run store:copy` on a running bot's data folder refuses with one line naming the bot's pid, and the bot goes on", async () => {
    const bot = await world.start();
    const before = await loggedInOperator(930_005);
    const result = await runStoreCopyCli(world.env, ["--from", "lowdb", "--to", "postgres"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr.trim().split("\n")).toEqual([
      `premiumpay-store-copy: data folder ${world.dataDir} is in use by another process (pid ${bot.pid}); stop it or set DATA_DIR to another folder`,
    ]);
    expect(bot.hasExited).toBe(false);
    await before.setLanguage("es");
    const after = await loggedInOperator(930_006);
    expect(after.botTexts().at(-1)).toMatch(/Logged in as/);
    await bot.killHard();
    expect((await storedOperator(before.chatId)).locale).toBe("es");
  }, 60_000);

  it("the control socket is in the data folder, mode 0600, of the bot's user, and refuses a malformed request", async () => {
    const bot = await world.start();
    const socket = await lstat(join(world.dataDir, "control.sock"));
    expect(socket.isSocket()).toBe(true);
    expect(socket.mode & 0o777).toBe(0o600);
    expect(socket.uid).toBe(process.getuid?.());
    const answer = await new Promise<string>((resolve, reject) => {
      let text = "";
      const client = connect(join(world.dataDir, "control.sock"), () =>
        client.end(`${JSON.stringify({ command: "digest-now", userId: "1; rm -rf /" })}\n`),
      );
      client.setEncoding("utf8");
      client.on("data", (chunk: string) => {
        text += chunk;
      });
      client.on("error", reject);
      client.on("close", () => resolve(text));
    });
    expect(JSON.parse(answer)).toMatchObject({
      ok: false,
      pid: bot.pid,
      error: expect.stringMatching(/^invalid request: userId/),
    });
    const chat = await loggedInOperator(930_002);
    expect(chat.botTexts().at(-1)).toMatch(/Logged in as/);
  }, 60_000);

  it("`npm run digest -- --now` while the bot runs is carried out by the bot: a language change confirmed meanwhile and the sent date survive a hard kill", async () => {
    const bot = await world.start();
    const chat = await loggedInOperator(930_003);
    const datesAround = [localDate(new Date(), "UTC")];
    const cli = runDigestCli(world.env, ["--now", "--user", String(chat.chatId)]);
    await chat.setLanguage("es");
    const result = await cli;
    datesAround.push(localDate(new Date(), "UTC"));

    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(chat.botTexts().some((text) => text.startsWith("🗞"))).toBe(true);

    await bot.killHard();
    const stored = await storedOperator(chat.chatId);
    expect(stored.locale).toBe("es");
    expect(datesAround).toContain(stored.digest?.lastSentLocalDate);
    expect(stored.credentials).toBeDefined();
    expect(JSON.parse(result.stdout)).toMatchObject({ sent: 1, failed: 0, botPid: bot.pid });
    expect(bot.logs().some((line) => line.msg === "control channel: digest-now")).toBe(true);
  }, 90_000);

  it("after `npm run digest -- --now` has finished, the bot's next changes survive a hard kill", async () => {
    const bot = await world.start();
    const chat = await loggedInOperator(930_004);
    const result = await runDigestCli(world.env, ["--now"]);
    expect(result.code).toBe(0);

    await chat.setLanguage("es");
    await chat.setTimezone("Asia/Tokyo");
    await bot.killHard();
    const stored = await storedOperator(chat.chatId);
    expect(stored).toMatchObject({ locale: "es", timezone: "Asia/Tokyo" });
    expect(stored.digest?.lastSentLocalDate).not.toBeNull();
    expect(JSON.parse(result.stdout)).toMatchObject({ sent: 1, botPid: bot.pid });
  }, 90_000);

  it("`npm run digest -- --now` refuses a user who is not logged in, answered by the running bot", async () => {
    const bot = await world.start();
    const result = await runDigestCli(world.env, ["--now", "--user", "12345"]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split("\n")).toEqual(["premiumpay-digest: user 12345 is not logged in"]);
    expect(bot.logs().some((line) => line.msg === "control channel: digest-now")).toBe(true);
  }, 60_000);
});
