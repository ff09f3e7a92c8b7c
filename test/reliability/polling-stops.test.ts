import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { StoredMessage } from "../../src/sandbox/telegram/index.js";
import { ChatUser, ChildBot } from "../support/child-bot.js";
import { useChildWorld } from "../support/child-world.js";

const world = useChildWorld("polling-stops");

const mentions = (pattern: RegExp) => (message: StoredMessage) => pattern.test(message.text);

/** What a second instance with the same token does: poll getUpdates itself. */
function pollAsSecondInstance(): Promise<Response> {
  return fetch(`${world.telegram.apiRoot}/bot${world.telegram.token}/getUpdates?timeout=1`);
}

describe("a bot that can no longer take updates", () => {
  it("says another process polls, in one line, and exits non-zero when Telegram answers 409", async () => {
    world.bot = await ChildBot.start(world.env, { entry: world.bundle.entry });
    // A poll that arrives before the bot's own is the one ended by the conflict: poll until the bot's is.
    // Matched on the explanation, not on "409" alone: a JSON log line's timestamp or pid can contain "409".
    while (!world.bot!.hasExited && !world.bot!.output().some((line) => line.includes("409 Conflict")))
      await pollAsSecondInstance();

    const exit = await world.bot!.waitForExit(15_000);
    expect(exit.code).not.toBe(0);
    expect(exit.code).not.toBeNull();
    const explanations = world
      .bot!.output()
      .filter((line) => line.includes("another process is receiving this bot's updates"));
    expect(explanations).toHaveLength(1);
    // The runner's own multi-line console output is not what a person reads.
    expect(world.bot!.stderr.join("\n")).not.toContain("[grammY runner]");
  }, 60_000);

  it("exits non-zero when Telegram revokes the token while polling", async () => {
    world.bot = await ChildBot.start(world.env, { entry: world.bundle.entry });
    world.telegram.faults.failNext("getUpdates", { errorCode: 401, description: "Unauthorized" });
    // Wake the running long poll so the next one meets the fault.
    world.telegram.sendText({ id: 910_002, first_name: "Ana" }, "/help");

    const exit = await world.bot!.waitForExit(15_000);
    expect(exit.code).not.toBe(0);
    expect(world.bot!.output().some((line) => line.includes("no longer accepts BOT_TOKEN"))).toBe(true);
  }, 60_000);

  it("ends on an unhandled rejection after saving the data, so a supervisor restarts it", async () => {
    // A real stray rejection inside the bot process, fired on demand.
    const preload = join(world.dataDir, "stray-rejection.mjs");
    await writeFile(
      preload,
      'process.on("SIGUSR2", () => { Promise.reject(new Error("stray rejection from a test")); });\n',
    );
    const withPreload = { ...world.env, NODE_OPTIONS: `--import=${preload}` };
    world.bot = await ChildBot.start(withPreload, { entry: world.bundle.entry });
    const account = world.premiumpay.addClient({ channels: 1 });
    const chat = new ChatUser(world.telegram, { id: 910_001, first_name: "Olivia" });
    await chat.send("/start", mentions(/client id/));
    await chat.send(account.clientId, mentions(/API token/));
    await chat.send(account.token, mentions(/Logged in as/));

    world.bot!.kill("SIGUSR2");
    const exit = await world.bot!.waitForExit(15_000);
    expect(exit).toEqual({ code: 1, signal: null });
    const messages = world.bot!.logs().map((line) => String(line.msg));
    expect(messages.some((msg) => msg.startsWith("unhandled rejection"))).toBe(true);
    expect(messages.at(-1)).toBe("bot stopped");

    world.bot = await ChildBot.start(world.env, { entry: world.bundle.entry });
    await chat.send("/account", mentions(new RegExp(account.clientId)), 15_000);
  }, 90_000);
});
