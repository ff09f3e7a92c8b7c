import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll } from "vitest";
import { type PremiumpaySandbox, startPremiumpaySandbox } from "../../src/sandbox/premiumpay/index.js";
import { type BotApiEmulator, startBotApiEmulator } from "../../src/sandbox/telegram/index.js";
import { bundleMain, type ChildBot, type ChildBundle, childEnv } from "./child-bot.js";

/** What a test file of child bots shares: the emulator, the sandbox, one data folder, its env and a bundle. */
export interface ChildWorld {
  telegram: BotApiEmulator;
  premiumpay: PremiumpaySandbox;
  dataDir: string;
  env: Record<string, string>;
  bundle: ChildBundle;
  /** The child to kill after each test, if the test left one running. */
  bot: ChildBot | undefined;
}

/** Starts the world before the file's tests and tears it down after them; a child bot a test left running is killed after that test. */
export function useChildWorld(name: string): ChildWorld {
  const world = { bot: undefined } as ChildWorld;
  beforeAll(async () => {
    world.telegram = await startBotApiEmulator();
    world.premiumpay = await startPremiumpaySandbox();
    world.dataDir = await mkdtemp(join(tmpdir(), `ppbot-${name}-`));
    world.env = childEnv({
      telegram: world.telegram,
      premiumpay: world.premiumpay,
      dataDir: world.dataDir,
      credentialsKey: randomBytes(32).toString("hex"),
    });
    world.bundle = await bundleMain();
  });
  // A failed test can leave its bot running and holding the data folder's lock: the next test starts clean.
  afterEach(async () => {
    await world.bot?.killHard();
    world.bot = undefined;
  });
  afterAll(async () => {
    await world.telegram?.close();
    await world.premiumpay?.close();
    await world.bundle?.remove();
    if (world.dataDir) await rm(world.dataDir, { recursive: true, force: true });
  });
  return world;
}
