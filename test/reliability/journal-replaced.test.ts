import { copyFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ChatUser, useChildBotWorld } from "../support/child-bot.js";

/** Issue 12.2: the journal deleted, or replaced by an older copy, under a running bot (a real child process). */
const world = useChildBotWorld({ seed: 7, dataDirPrefix: "ppbot-journal-" });

const journal = () => join(world.dataDir, "operators.json.journal");

interface Tampering {
  happened: "deleted" | "replaced";
  /** Right after the login. */
  afterLogin?: () => Promise<void>;
  /** After the language change, before the time zone change. */
  tamper: () => Promise<void>;
}

/**
 * Logs an operator in and switches them to Spanish, tampers with the journal, changes the time zone, then SIGKILLs
 * the bot: every one of those confirmed changes must load, and the bot must have said what happened.
 */
async function survivesTampering({ happened, afterLogin, tamper }: Tampering) {
  const bot = await world.start();
  const account = world.premiumpay.addClient({ channels: 2 });
  const chat = new ChatUser(world.telegram, { id: 940_001, first_name: "Jana", language_code: "en" });
  await chat.logIn(account);
  await afterLogin?.();
  await chat.setLanguage("es");

  await tamper();
  await chat.setTimezone("Asia/Tokyo");
  const errors = bot.logs().filter((line) => line.level === 50);
  expect(errors.map((line) => line.msg)).toEqual([
    `journal ${journal()} was ${happened} under the running bot; writing the full state to ${join(world.dataDir, "operators.json")} and starting a fresh journal`,
  ]);

  await bot.killHard();
  const store = await world.openStore();
  try {
    expect(await store.getCredentials(chat.chatId)).toEqual(account);
    expect(await store.getOperator(chat.chatId)).toMatchObject({ locale: "es", timezone: "Asia/Tokyo" });
  } finally {
    await store.close();
  }
}

describe("the journal deleted or replaced under the running bot", () => {
  it("deleted: logged at error level before the next write, and no confirmed change is lost after a hard kill", async () => {
    await survivesTampering({ happened: "deleted", tamper: () => rm(journal()) });
  }, 60_000);

  it("replaced by an older copy: logged at error level, and no confirmed change is lost after a hard kill", async () => {
    // As a restore from a backup taken after the login would do: the language change is not in it.
    const older = join(world.dataDir, "journal-backup");
    await survivesTampering({
      happened: "replaced",
      afterLogin: () => copyFile(journal(), older),
      tamper: () => rename(older, journal()),
    });
  }, 60_000);
});
