/**
 * Issue 12, point 6: storage faults tell the operator the truth.
 *
 * How each fault is made real:
 * - a damaged token or flow: the bot is stopped, one value in its data file gets another byte (as bit rot would),
 *   and the bot starts again on that folder;
 * - a full disk at start (an empty folder, or one whose files need no rewrite): the bot runs as a child process under RLIMIT_FSIZE 0, so the kernel fails every file
 *   write (EFBIG). A read-only folder cannot be made as root (chmod is ignored) and mounting a small file system
 *   needs privileges a test must not assume: a module preloaded into the child makes every open for writing in
 *   the folder fail with EROFS, as a read-only mount does;
 * - a write failing during a run: injected at the store's file-system boundary (node:fs/promises), where writes to
 *   one data file reject with ENOSPC after the handle was opened, exactly as a disk filling up mid-run does.
 *   Only operators.json fails, so a flow can still save its own steps and reach the store's write.
 */
import { copyFile, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { startPremiumpaySandbox } from "../../src/sandbox/premiumpay/index.js";
import { startBotApiEmulator } from "../../src/sandbox/telegram/index.js";
import { createStore } from "../../src/store/index.js";
import { rot } from "../store/helpers.js";
import { bundleMain, ChildBot, type ChildBundle, childEnv } from "../support/child-bot.js";
import { type Harness, hasButton, startHarness } from "../support/harness.js";

const disk = vi.hoisted(() => ({ failing: undefined as RegExp | undefined }));

vi.mock("node:fs/promises", async (importOriginal) => {
  const real = await importOriginal<typeof import("node:fs/promises")>();
  const noSpace = (path: string) =>
    Object.assign(new Error(`ENOSPC: no space left on device, write '${path}'`), {
      code: "ENOSPC",
      errno: -28,
      syscall: "write",
      path,
    });
  const open: typeof real.open = async (path, ...rest) => {
    const handle = await real.open(path, ...rest);
    const writes = ["write", "writeFile", "appendFile", "datasync", "sync", "truncate"] as const;
    for (const method of writes) {
      const original = (handle[method] as (...args: unknown[]) => Promise<unknown>).bind(handle);
      Object.assign(handle, {
        [method]: (...args: unknown[]) =>
          disk.failing?.test(String(path)) ? Promise.reject(noSpace(String(path))) : original(...args),
      });
    }
    return handle;
  };
  return { ...real, open, default: { ...real, open } };
});

const NOT_SAVED = /not saved/;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { ALLOWED_USER_IDS: "" } });
});
afterAll(() => h?.stop());
afterEach(() => {
  disk.failing = undefined;
});

type DataFile = Record<string, Record<string, Record<string, unknown>>>;

/** Edits a data file of the stopped bot (closing compacted everything into the main file). */
async function editDataFile(name: string, edit: (file: DataFile) => void): Promise<void> {
  const path = join(h.dataDir, name);
  const file = JSON.parse(await readFile(path, "utf8")) as DataFile;
  edit(file);
  await writeFile(path, JSON.stringify(file));
}

/** What a restart would load: the folder's data files, copied now and opened by a fresh store. */
async function storedOnDisk() {
  const copy = await mkdtemp(join(tmpdir(), "storage-faults-"));
  for (const name of await readdir(h.dataDir)) {
    if (/^(operators|conversations)\.json(\.journal)?$/.test(name))
      await copyFile(join(h.dataDir, name), join(copy, name));
  }
  const store = await createStore({ dataDir: copy, credentialsKey: h.config.credentialsKey });
  return {
    store,
    async dispose() {
      await store.close();
      await rm(copy, { recursive: true, force: true });
    },
  };
}

describe("damaged data at start", () => {
  it("one damaged token: the bot starts, lists it, and only that operator is told to /login again", async () => {
    const healthy = h.operator();
    const damaged = h.operator();
    await healthy.login();
    await damaged.login();
    await h.stopBot();
    await editDataFile("operators.json", (file) => {
      const premiumpay = file.operators![String(damaged.user.id)]!.premiumpay as { token: string };
      premiumpay.token = rot(premiumpay.token);
    });
    const logsFrom = h.logs.length;
    await h.restart();

    expect(h.logs.slice(logsFrom).join("\n")).toMatch(
      new RegExp(`"operators":\\[${damaged.user.id}\\].*must /login again`),
    );
    const told = await damaged.send("/account", /log in again/);
    expect(told.text).toContain("/login");
    expect(told.text).not.toMatch(/Something went wrong/);
    await healthy.send("/account", /Client id/);
    // Logging in again repairs it.
    await damaged.send("/login", hasButton("x"));
    await damaged.send(damaged.account.clientId, hasButton("x"));
    await damaged.send(damaged.account.token, hasButton("m:channels"));
    await damaged.send("/account", /Client id/);
  });

  it("one damaged flow in progress: dropped with a warning and a note, the bot and the other flows go on", async () => {
    const broken = h.operator({ languageCode: "es" });
    const other = h.operator();
    await broken.send("/login", hasButton("x"));
    await other.send("/login", hasButton("x"));
    await h.stopBot();
    await editDataFile("conversations.json", (file) => {
      const flow = file.conversations![String(broken.user.id)]!;
      flow.data = rot(flow.data as string);
    });
    const logsFrom = h.logs.length;
    const note = broken.nextBotMessage(/could not be resumed/);
    await h.restart();

    await note;
    expect(h.logs.slice(logsFrom).join("\n")).toMatch(
      new RegExp(`"level":40.*"flow":"${broken.user.id}".*dropped a damaged flow`),
    );
    // The other operator's flow resumes where it was: the client id is taken as the answer.
    await other.send(other.account.clientId, /token/i);
  });
});

describe("a write that fails during a run", () => {
  it("a failed login is reported as not saved and is not kept, in memory or later on disk", async () => {
    const op = h.operator();
    await op.send("/start", hasButton("x"));
    await op.send(op.account.clientId, hasButton("x"));
    disk.failing = /operators\.json/;
    const answer = await op.send(op.account.token, NOT_SAVED);
    expect(answer.text).not.toMatch(/Logged in/);
    expect(await h.app.deps.store.getOperator(op.user.id)).toBeUndefined();
    await op.send("/account", /not logged in/);

    // The disk recovers; the next write (another operator's) must not carry the failed login with it.
    disk.failing = undefined;
    const other = h.operator();
    await other.login();
    await h.app.deps.store.flush();
    const onDisk = await storedOnDisk();
    try {
      expect(await onDisk.store.getOperator(op.user.id)).toBeUndefined();
      expect((await onDisk.store.getOperator(other.user.id))?.hasCredentials).toBe(true);
    } finally {
      await onDisk.dispose();
    }
    expect(botTexts(op).join("\n")).not.toMatch(/Logged in/);
  });

  it("a failed settings change is reported as not saved, in the operator's language, and is undone", async () => {
    const op = h.operator({ languageCode: "es" });
    await op.login();
    const english = h.operator();
    await english.login();
    disk.failing = /operators\.json/;
    const answer = await op
      .send("/timezone", /Tu zona horaria/)
      .then(() => op.click("Madrid", /no se ha guardado/));
    expect(answer.text).toContain("no se ha guardado");
    expect((await h.app.deps.store.getOperator(op.user.id))?.timezone).toBe("UTC");

    await english.click("Language", /Choose your language/);
    await english.click("Español", NOT_SAVED);
    expect((await h.app.deps.store.getOperator(english.user.id))?.locale).toBeUndefined();
    disk.failing = undefined;
    await english.send("/help", /What I can do/);
  });
});

function botTexts(op: { botMessages(): { text: string }[] }): string[] {
  return op.botMessages().map((message) => message.text);
}

describe("a full disk or a read-only data folder at start", () => {
  let bundle: ChildBundle;
  beforeAll(async () => {
    bundle = await bundleMain();
  });
  afterAll(() => bundle?.remove());

  it.each([
    ["an empty data folder", false],
    ["a data folder with operators (nothing to rewrite at start)", true],
  ])("exits 1 with one line naming the data folder, no JSON and no stack: %s", async (_, withData) => {
    const telegram = await startBotApiEmulator();
    const premiumpay = await startPremiumpaySandbox({ seed: 1 });
    const dataDir = await mkdtemp(join(tmpdir(), "storage-full-"));
    const credentialsKey = "ab".repeat(32);
    try {
      if (withData) {
        const store = await createStore({ dataDir, credentialsKey: Buffer.from(credentialsKey, "hex") });
        await store.updateOperator(5, { locale: "es" });
        await store.close();
      }
      const env = childEnv({ telegram, premiumpay, dataDir, credentialsKey });
      const bot = ChildBot.spawn(env, { entry: bundle.entry, fullDisk: true });
      const exit = await bot.waitForExit(30_000);
      expect(exit.code).toBe(1);
      const output = bot.problems();
      expect(output).toHaveLength(1);
      expect(output[0]).toContain(dataDir);
      expect(output[0]).not.toMatch(/^\{|"stack"|\n\s+at /);
    } finally {
      await telegram.close();
      await premiumpay.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it("a read-only data folder: exits 1 with one line naming the data folder, no JSON and no stack", async () => {
    const telegram = await startBotApiEmulator();
    const premiumpay = await startPremiumpaySandbox({ seed: 1 });
    const dataDir = await mkdtemp(join(tmpdir(), "storage-read-only-"));
    try {
      // A real read-only folder cannot be made as root (chmod is ignored): the child's file system answers as a
      // read-only mount does, EROFS for every open that would write in the folder.
      const preload = join(tmpdir(), `read-only-${process.pid}-${Date.now()}.mjs`);
      await writeFile(preload, readOnlyPreload(dataDir));
      const env = {
        ...childEnv({ telegram, premiumpay, dataDir, credentialsKey: "ab".repeat(32) }),
        NODE_OPTIONS: `--import=${preload}`,
      };
      const bot = ChildBot.spawn(env, { entry: bundle.entry });
      const exit = await bot.waitForExit(30_000).finally(() => rm(preload, { force: true }));
      expect(exit).toEqual({ code: 1, signal: null });
      const output = bot.problems();
      expect(output).toHaveLength(1);
      expect(output[0]).toContain(dataDir);
      expect(output[0]).toContain("EROFS");
      expect(output[0]).toContain("check that it is writable");
      expect(output[0]).not.toMatch(/^\{|"stack"|\n\s+at /);
    } finally {
      await telegram.close();
      await premiumpay.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

/** A module preloaded into the bot: every open for writing under `dataDir` fails as on a read-only mount. */
function readOnlyPreload(dataDir: string): string {
  return `import { constants } from "node:fs";
import fs from "node:fs/promises";
import { syncBuiltinESMExports } from "node:module";
import { resolve } from "node:path";
const dataDir = resolve(${JSON.stringify(dataDir)});
const realOpen = fs.open;
const writes = (flags) =>
  typeof flags === "number"
    ? (flags & (constants.O_WRONLY | constants.O_RDWR | constants.O_CREAT)) !== 0
    : /[wa+]/.test(flags ?? "r");
fs.open = async (path, flags, mode) => {
  const full = resolve(String(path));
  if ((full === dataDir || full.startsWith(dataDir + "/")) && writes(flags))
    throw Object.assign(new Error("EROFS: read-only file system, open '" + full + "'"), {
      code: "EROFS", errno: -30, syscall: "open", path: full,
    });
  return realOpen(path, flags, mode);
};
syncBuiltinESMExports();
`;
}
