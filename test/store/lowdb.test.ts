import { copyFile, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createStore, StoreError } from "../../src/store/index.js";
import { describeStoreContract, KEY, type StoreBackend } from "./contract.js";
import { allFilesText, openStore, rot, TOKEN, tempDir } from "./helpers.js";

type JsonFile = Record<string, Record<string, Record<string, unknown>>>;

/** Edits a closed store's (compacted) data file in place. */
async function editFile(dir: string, name: string, edit: (file: JsonFile) => void): Promise<void> {
  const path = join(dir, name);
  const file = JSON.parse(await readFile(path, "utf8")) as JsonFile;
  edit(file);
  await writeFile(path, JSON.stringify(file));
}

const DATA_FILES = /^(operators|conversations)\.json(\.journal)?$/;

async function lowdbBackend(): Promise<StoreBackend> {
  const dirs = [await mkdtemp(join(tmpdir(), "store-contract-"))];
  const dir = () => dirs.at(-1)!;
  const tokenOf = (file: JsonFile, id: number) =>
    file.operators![String(id)]!.premiumpay as { token: string };
  return {
    open: (options) => createStore({ ...options, dataDir: dir() }),
    async openAfterCrash(_crashed, options) {
      // What a process killed now leaves on disk: the data files as they are, without a close.
      const copy = await mkdtemp(join(tmpdir(), "store-contract-"));
      for (const name of await readdir(dir())) {
        if (DATA_FILES.test(name)) await copyFile(join(dir(), name), join(copy, name));
      }
      dirs.push(copy);
      return createStore({ ...options, dataDir: copy });
    },
    rawText: () => allFilesText(dir()),
    damageToken: (id) =>
      editFile(dir(), "operators.json", (file) => {
        tokenOf(file, id).token = rot(tokenOf(file, id).token);
      }),
    damageFlow: (key) =>
      editFile(dir(), "conversations.json", (file) => {
        const flow = file.conversations![key]!;
        flow.data = rot(flow.data as string);
      }),
    copyToken: (from, to) =>
      editFile(dir(), "operators.json", (file) => {
        tokenOf(file, to).token = tokenOf(file, from).token;
      }),
    forgetDigestChart: (id) =>
      editFile(dir(), "operators.json", (file) => {
        delete (file.operators![String(id)]!.digest as { chart?: boolean }).chart;
      }),
    async dispose() {
      await Promise.all(dirs.map((path) => rm(path, { recursive: true, force: true })));
    },
  };
}

describeStoreContract("lowdb", lowdbBackend);

describe("lowdb files", () => {
  it("creates the private folder and 0600 data files on first run", async () => {
    const dir = join(await tempDir(), "nested", "data");
    const store = await openStore({ dataDir: dir });
    await store.updateOperator(1, { locale: "es" });

    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect(store.filePath).toBe(join(dir, "operators.json"));
    expect(store.conversationsFilePath).toBe(join(dir, "conversations.json"));
    expect(store.location).toBe(dir);
    for (const name of await readdir(dir))
      expect((await stat(join(dir, name))).mode & 0o777, name).toBe(0o600);
    const file = JSON.parse(await readFile(store.filePath, "utf8"));
    expect(file).toMatchObject({ schemaVersion: 1, operators: {}, actions: {} });
  });

  it("writes each token with a fresh IV: the same token seals differently each time", async () => {
    const dir = await tempDir();
    const tokenOnDisk = async () =>
      (await readFile(join(dir, "operators.json"), "utf8")).match(/"token":"([^"]+)"/)![1];
    const store = await openStore({ dataDir: dir });
    await store.saveCredentials(1, { clientId: "c", token: TOKEN }, { timezone: "UTC", digestTime: "09:00" });
    await store.close();
    const first = await tokenOnDisk();
    const again = await openStore({ dataDir: dir });
    await again.saveCredentials(1, { clientId: "c", token: TOKEN }, { timezone: "UTC", digestTime: "09:00" });
    await again.close();
    expect(first).toMatch(/^v1\.[0-9a-f]{8}\./);
    expect(await tokenOnDisk()).not.toBe(first);
  });

  it("drops a flow copied onto another chat (it is bound to its key) and keeps the original", async () => {
    const dir = await tempDir();
    const store = await openStore({ dataDir: dir });
    await store.conversationStorage.write("1", { version: [0, 0], state: ["a"] });
    await store.close();
    await editFile(dir, "conversations.json", (file) => {
      file.conversations!["2"] = file.conversations!["1"]!;
    });
    const reopened = await openStore({ dataDir: dir });
    expect(await reopened.conversations.takeDamaged()).toEqual(["2"]);
    expect(await reopened.conversationStorage.read("1")).toEqual({ version: [0, 0], state: ["a"] });
  });
});

describe("older data files", () => {
  it("loads a team.json from before teammates' names: its teammates load unnamed and can be named", async () => {
    const dir = await tempDir();
    const unnamed = {
      telegramId: 52,
      ownerId: 51,
      clientId: "client-51",
      role: "viewer",
      joinedAt: "2025-11-30T08:00:00.000Z",
    };
    // The team file as the previous release wrote it: members without firstName or username.
    await writeFile(
      join(dir, "team.json"),
      JSON.stringify({
        schemaVersion: 1,
        journalSeq: 0,
        members: { "52": unnamed },
        invitations: {},
        refused: {},
      }),
    );
    const store = await openStore({ dataDir: dir });
    expect(await store.getMember(52)).toEqual(unnamed);
    expect(await store.listMembers(51)).toEqual([unnamed]);
    expect(await store.renameMember(52, { firstName: "Ana", username: "ana" })).toBe(true);
    await store.close();
    const reopened = await openStore({ dataDir: dir });
    expect(await reopened.getMember(52)).toEqual({ ...unnamed, firstName: "Ana", username: "ana" });
  });
});

describe("invalid data files", () => {
  const operator = (id: number, extra: object = {}) => ({
    telegramId: id,
    digest: { enabled: true, time: "09:00", channelIds: null, lastSentLocalDate: null },
    lastChannelId: null,
    createdAt: "2024-01-01T00:00:00.000Z",
    updatedAt: "2024-01-01T00:00:00.000Z",
    ...extra,
  });
  const fileWith = (operators: object) =>
    JSON.stringify({ schemaVersion: 1, journalSeq: 0, operators, actions: {} });
  const cases: [string, string][] = [
    ["not JSON", '{"schemaVersion":1,'],
    ["empty", ""],
    ["wrong schema version", '{"schemaVersion":0,"journalSeq":0,"operators":{},"actions":{}}'],
    [
      "an operator with a bad digest time",
      fileWith({
        "5": operator(5, {
          digest: { enabled: true, time: "25:00", channelIds: null, lastSentLocalDate: null },
        }),
      }),
    ],
    ["a record under another user's id", fileWith({ "6": operator(5) })],
    [
      "a token that is not encrypted",
      fileWith({ "5": operator(5, { premiumpay: { clientId: "c", token: TOKEN } }) }),
    ],
  ];

  it.each(cases)("refuses a file that is %s and leaves it byte for byte", async (_, content) => {
    const dir = await tempDir();
    const path = join(dir, "operators.json");
    await writeFile(path, content);
    const before = await readFile(path);

    const opening = createStore({ dataDir: dir, credentialsKey: KEY });
    await expect(opening).rejects.toThrow(StoreError);
    await expect(opening).rejects.toThrow(`data file ${path} is not valid`);
    await expect(opening).rejects.toThrow(/fix or move it$/);
    expect(await readFile(path)).toEqual(before);
    expect((await readdir(dir)).sort()).toEqual(["data.lock", "operators.json"]);
  });

  it("names a file written by a newer version", async () => {
    const dir = await tempDir();
    await writeFile(join(dir, "operators.json"), '{"schemaVersion":2}');
    await expect(createStore({ dataDir: dir, credentialsKey: KEY })).rejects.toThrow(
      /newer version.*schemaVersion 2/,
    );
  });
});
