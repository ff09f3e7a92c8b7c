import { spawn } from "node:child_process";
import { once } from "node:events";
import { readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CredentialsKeyError, createStore, DataDirLockedError } from "../../src/store/index.js";
import { KEY, OTHER_KEY, openStore, tempDir } from "./helpers.js";

const WRITER = fileURLToPath(new URL("./fixtures/writer.ts", import.meta.url));

/** A process writing the store in `dir` (fixtures/writer.ts), once it confirmed a change of operator 1. */
async function startWriter(dir: string) {
  const child = spawn(process.execPath, ["--import", "tsx", WRITER, dir, KEY.toString("hex"), "1"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  child.stdout.setEncoding("utf8");
  let output = "";
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (chunk: string) => {
      output += chunk;
      if (/^1 \d+$/m.test(output)) resolve();
    });
    child.once("exit", () => reject(new Error("the writer exited before opening the store")));
  });
  return child;
}

describe("one writer per data folder", () => {
  it("refuses the folder while another process has it open, naming the folder and its pid, and takes it the moment that process is killed", async () => {
    const dir = await tempDir();
    const writer = await startWriter(dir);
    const opening = createStore({ dataDir: dir, credentialsKey: KEY });
    await expect(opening).rejects.toThrow(DataDirLockedError);
    await expect(opening).rejects.toThrow(
      `data folder ${dir} is in use by another process (pid ${writer.pid}); stop it or set DATA_DIR to another folder`,
    );

    writer.kill("SIGKILL");
    await once(writer, "exit");
    // No stale lock to wait out: the kernel released it with the process.
    const store = await openStore({ dataDir: dir });
    expect((await store.getOperator(1))?.lastChannelId).toBeGreaterThanOrEqual(1);
    expect(await readFile(join(dir, "data.lock"), "utf8")).toBe(`${process.pid}\n`);
  }, 30_000);

  it("shares the lock between stores of one process, and releases it when the last one closes", async () => {
    const dir = await tempDir();
    const first = await createStore({ dataDir: dir, credentialsKey: KEY });
    const second = await createStore({ dataDir: dir, credentialsKey: KEY });
    await first.close();
    const writerWhileHeld = spawn(
      process.execPath,
      ["--import", "tsx", WRITER, dir, KEY.toString("hex"), "1"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let stderr = "";
    writerWhileHeld.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    const [code] = await once(writerWhileHeld, "exit");
    expect(code).not.toBe(0);
    expect(stderr).toContain(`is in use by another process (pid ${process.pid})`);

    await second.close();
    const writer = await startWriter(dir);
    writer.kill("SIGKILL");
    await once(writer, "exit");
  }, 30_000);

  it("a store that cannot open (a wrong key) releases the folder, having written nothing", async () => {
    const dir = await tempDir();
    const store = await createStore({ dataDir: dir, credentialsKey: KEY });
    await store.saveCredentials(1, { clientId: "c1", token: "t1" }, { timezone: "UTC", digestTime: "09:00" });
    await store.close();
    const before = await readFile(join(dir, "operators.json"));
    await expect(createStore({ dataDir: dir, credentialsKey: OTHER_KEY })).rejects.toThrow(
      CredentialsKeyError,
    );
    expect(await readFile(join(dir, "operators.json"))).toEqual(before);
    const writer = await startWriter(dir);
    writer.kill("SIGKILL");
    await once(writer, "exit");
  }, 30_000);
});

describe("the journal deleted or replaced under an open store", () => {
  it("notices before the next write, writes the full state to the main file and starts a fresh journal", async () => {
    const dir = await tempDir();
    const errors: string[] = [];
    const store = await openStore({ dataDir: dir, logger: { error: (_, message) => errors.push(message) } });
    await store.updateOperator(1, { locale: "es" });
    const journal = join(dir, "operators.json.journal");
    await rename(journal, `${journal}.moved`);
    await store.updateOperator(2, { locale: "en" });
    expect(errors).toEqual([
      `journal ${journal} was deleted under the running bot; writing the full state to ${join(dir, "operators.json")} and starting a fresh journal`,
    ]);
    // Everything confirmed is in the main file now; the next change goes to the fresh journal.
    const main = JSON.parse(await readFile(join(dir, "operators.json"), "utf8"));
    expect(Object.keys(main.operators).sort()).toEqual(["1", "2"]);
    await store.updateOperator(3, { locale: "es" });
    expect(await readFile(journal, "utf8")).toContain('"telegramId":3');
    await rm(`${journal}.moved`);
  });
});
