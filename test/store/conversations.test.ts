import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createStore, StoreError } from "../../src/store/index.js";
import { KEY, openStore, tempDir } from "./helpers.js";

const state = (step: string) => ({
  version: [0, 3] as [0, number],
  state: { step, log: [{ text: "hola ✓" }] },
});

describe("conversation storage", () => {
  it("reads, writes and deletes, and keeps flows across a restart", async () => {
    const dir = await tempDir();
    const store = await createStore({ dataDir: dir, credentialsKey: KEY });
    expect(await store.conversationStorage.read("100")).toBeUndefined();
    await store.conversationStorage.write("100", state("name"));
    await store.conversationStorage.write("100", state("duration"));
    await store.conversationStorage.write("200", state("channel"));
    await store.conversationStorage.delete("200");
    await store.conversationStorage.delete("never-written");
    expect(await store.conversationStorage.read("100")).toEqual(state("duration"));
    // Not closed: a restart in the middle of a flow resumes it.

    const restarted = await openStore({ dataDir: dir });
    expect(restarted.conversationsFilePath).toBe(join(dir, "conversations.json"));
    expect(await restarted.conversationStorage.read("100")).toEqual(state("duration"));
    expect(await restarted.conversationStorage.read("200")).toBeUndefined();
    await store.close();
  });

  it("hands out copies, so the plugin mutating a state does not change what is stored", async () => {
    const store = await openStore({ dataDir: await tempDir() });
    await store.conversationStorage.write("1", state("a"));
    const read = (await store.conversationStorage.read("1")) as { state: { step: string } };
    read.state.step = "mutated";
    expect(await store.conversationStorage.read("1")).toEqual(state("a"));
  });

  it("lists and expires flows untouched for longer than the TTL, durably", async () => {
    const dir = await tempDir();
    let clock = new Date("2024-03-01T10:00:00Z");
    const store = await openStore({ dataDir: dir, now: () => clock, conversationTtlMs: 30 * 60_000 });
    await store.conversationStorage.write("old", state("a"));
    clock = new Date("2024-03-01T10:20:00Z");
    await store.conversationStorage.write("young", state("b"));

    clock = new Date("2024-03-01T10:30:00Z");
    expect(store.conversations.listExpired()).toEqual([]);
    clock = new Date("2024-03-01T10:30:01Z");
    expect(store.conversations.listExpired()).toEqual(["old"]);
    expect(store.conversations.listExpired(5 * 60_000)).toEqual(["old", "young"]);

    expect(await store.conversations.expire()).toEqual(["old"]);
    expect(await store.conversations.expire()).toEqual([]);
    expect(await store.conversationStorage.read("old")).toBeUndefined();
    await store.close();

    const reopened = await openStore({ dataDir: dir, now: () => clock });
    expect(await reopened.conversationStorage.read("old")).toBeUndefined();
    expect(await reopened.conversationStorage.read("young")).toEqual(state("b"));
  });

  it("binds a flow to its key: a state copied to another chat is refused at start-up", async () => {
    const dir = await tempDir();
    const store = await createStore({ dataDir: dir, credentialsKey: KEY });
    await store.conversationStorage.write("1", state("a"));
    await store.close();
    const path = join(dir, "conversations.json");
    const file = JSON.parse(await readFile(path, "utf8"));
    file.conversations["2"] = file.conversations["1"];
    await writeFile(path, JSON.stringify(file));
    const before = await readFile(path);

    await expect(createStore({ dataDir: dir, credentialsKey: KEY })).rejects.toThrow(StoreError);
    await expect(createStore({ dataDir: dir, credentialsKey: KEY })).rejects.toThrow(
      /conversation 2 cannot be decrypted/,
    );
    expect(await readFile(path)).toEqual(before);
  });
});
