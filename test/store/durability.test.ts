import { spawn } from "node:child_process";
import { readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createStore, StoreError } from "../../src/store/index.js";
import { KEY, openStore, tempDir } from "./helpers.js";

const journalOf = (dir: string) => join(dir, "operators.json.journal");
const bigDigest = (n: number) => ({ channelIds: Array.from({ length: 1000 }, (_, i) => 1e9 + i + n) });

describe("atomic, durable writes", () => {
  it("leaves no temporary files behind", async () => {
    const dir = await tempDir();
    const store = await openStore({ dataDir: dir });
    for (let i = 0; i < 50; i++) await store.updateOperator(1 + (i % 5), { lastChannelId: i });
    await store.close();
    expect((await readdir(dir)).sort()).toEqual([
      "audit.json",
      "audit.json.journal",
      "conversations.json",
      "conversations.json.journal",
      "data.lock",
      "operators.json",
      "operators.json.journal",
      "team.json",
      "team.json.journal",
    ]);
  });

  it("ignores and removes a temporary file left by a process killed before its rename", async () => {
    const dir = await tempDir();
    const store = await createStore({ dataDir: dir, credentialsKey: KEY });
    await store.updateOperator(1, { locale: "es" });
    await store.close();
    // What a kill between "write tmp" and "rename" leaves: a half-written file the rename never published.
    await writeFile(join(dir, "operators.json.tmp-999999999-3"), '{"schemaVersion":1,"operators":{"1":');

    const reopened = await openStore({ dataDir: dir });
    expect((await reopened.getOperator(1))?.locale).toBe("es");
    expect((await readdir(dir)).some((name) => name.includes(".tmp-"))).toBe(false);
  });

  it("resolves each update only once a write containing it is on disk, coalescing concurrent ones", async () => {
    const dir = await tempDir();
    const store = await openStore({ dataDir: dir });
    const onDisk = async () =>
      (await readFile(join(dir, "operators.json"), "utf8")) + (await readFile(journalOf(dir), "utf8"));
    const checks: Promise<void>[] = [];
    for (let i = 0; i < 100; i++) {
      const marker = 5_000_000 + i;
      // One operator per update: a later change to the same key would supersede this one in the next batch.
      checks.push(
        store.updateOperator(1000 + i, { lastChannelId: marker }).then(async () => {
          expect(await onDisk()).toContain(`"lastChannelId":${marker}`);
        }),
      );
      if (i % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(checks);
    // 100 updates issued in ~10 bursts: batched into far fewer journal lines than updates.
    const lines = (await readFile(journalOf(dir), "utf8")).trim().split("\n");
    expect(lines.length).toBeLessThan(30);
  });

  it("keeps confirmed changes after a crash (no close) and folds the journal into the file on restart", async () => {
    const dir = await tempDir();
    const crashed = await openStore({ dataDir: dir });
    await crashed.updateOperator(1, { timezone: "Asia/Kolkata" });
    await crashed.updateOperator(2, { locale: "es" });
    await crashed.deleteOperator(2);
    expect((await stat(journalOf(dir))).size).toBeGreaterThan(0);

    const restarted = await createStore({ dataDir: dir, credentialsKey: KEY });
    expect((await restarted.getOperator(1))?.timezone).toBe("Asia/Kolkata");
    expect(await restarted.getOperator(2)).toBeUndefined();
    expect((await stat(journalOf(dir))).size).toBe(0);
    const file = JSON.parse(await readFile(join(dir, "operators.json"), "utf8"));
    expect(Object.keys(file.operators)).toEqual(["1"]);
    await restarted.close();
  });

  it("rewrites the whole file once the journal outgrows it, losing nothing", async () => {
    const dir = await tempDir();
    const store = await openStore({ dataDir: dir });
    let compacted = false;
    let lastJournalSize = 0;
    for (let i = 0; i < 400 && !compacted; i++) {
      await store.updateOperator(1 + (i % 3), { digest: bigDigest(i), lastChannelId: i });
      const size = (await stat(journalOf(dir))).size;
      compacted = size < lastJournalSize;
      lastJournalSize = size;
    }
    expect(compacted).toBe(true);
    await store.updateOperator(9, { locale: "en" });
    const restarted = await createStore({ dataDir: dir, credentialsKey: KEY });
    expect((await restarted.listOperators()).map((operator) => operator.telegramId).sort()).toEqual([
      1, 2, 3, 9,
    ]);
    expect((await restarted.getOperator(1))?.digest.channelIds).toEqual(
      (await store.getOperator(1))?.digest.channelIds,
    );
    await restarted.close();
  });

  it("drops a journal line torn by a crash mid-append, keeping the lines before it", async () => {
    const dir = await tempDir();
    const crashed = await openStore({ dataDir: dir });
    await crashed.updateOperator(1, { locale: "es" });
    await writeFile(journalOf(dir), '{"seq":99,"ops":[["operators","1",{"telegr', { flag: "a" });

    const restarted = await createStore({ dataDir: dir, credentialsKey: KEY });
    expect((await restarted.getOperator(1))?.locale).toBe("es");
    await restarted.updateOperator(1, { locale: "en" });
    await restarted.close();
    const again = await openStore({ dataDir: dir });
    expect((await again.getOperator(1))?.locale).toBe("en");
  });

  it("refuses a journal damaged before its last line, touching neither file", async () => {
    const dir = await tempDir();
    const crashed = await openStore({ dataDir: dir });
    await crashed.updateOperator(1, { locale: "es" });
    await crashed.updateOperator(1, { locale: "en" });
    const journal = await readFile(journalOf(dir), "utf8");
    await writeFile(journalOf(dir), journal.replace('"locale":"es"', '"locale":"xx"'));
    const before = [await readFile(journalOf(dir)), await readFile(join(dir, "operators.json"))];

    await expect(createStore({ dataDir: dir, credentialsKey: KEY })).rejects.toThrow(
      new RegExp(`data file ${journalOf(dir)} is not valid: line 1.*fix or move it`),
    );
    expect([await readFile(journalOf(dir)), await readFile(join(dir, "operators.json"))]).toEqual(before);
  });

  it("refuses a journal whose data file was moved away instead of replaying it onto an empty store", async () => {
    const dir = await tempDir();
    await writeFile(journalOf(dir), '{"seq":1,"ops":[]}\n');
    await expect(createStore({ dataDir: dir, credentialsKey: KEY })).rejects.toThrow(StoreError);
    expect((await readdir(dir)).sort()).toEqual(["data.lock", "operators.json.journal"]);
  });
});

describe("hard kill", () => {
  it("keeps every confirmed change and a valid file across repeated SIGKILLs of a writing process", async () => {
    const dir = await tempDir();
    const writer = fileURLToPath(new URL("./fixtures/writer.ts", import.meta.url));
    const confirmed = new Map<number, number>();
    for (let run = 0; run < 3; run++) {
      const child = spawn(
        process.execPath,
        ["--import", "tsx", writer, dir, KEY.toString("hex"), String(run * 1000)],
        {
          stdio: ["ignore", "pipe", "inherit"],
        },
      );
      const killAfter = 20 + Math.floor(Math.random() * 300);
      let acknowledged = 0;
      let buffered = "";
      await new Promise<void>((resolve) => {
        child.stdout.on("data", (chunk: Buffer) => {
          buffered += chunk.toString();
          const lines = buffered.split("\n");
          buffered = lines.pop()!;
          for (const line of lines) {
            if (line === "ready") continue;
            const [id, round] = line.split(" ").map(Number) as [number, number];
            confirmed.set(id, Math.max(confirmed.get(id) ?? 0, round));
            if (++acknowledged === killAfter) child.kill("SIGKILL");
          }
        });
        child.on("exit", () => resolve());
      });
      expect(acknowledged).toBeGreaterThanOrEqual(killAfter);

      JSON.parse(await readFile(join(dir, "operators.json"), "utf8"));
      const store = await createStore({ dataDir: dir, credentialsKey: KEY });
      for (const [id, round] of confirmed) {
        expect((await store.getOperator(id))?.lastChannelId, `operator ${id}`).toBeGreaterThanOrEqual(round);
      }
      await store.close();
    }
  }, 60_000);
});
