import { readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createStore, StoreError } from "../../src/store/index.js";
import { allFilesText, DEFAULTS, KEY, openStore, TOKEN, tempDir } from "./helpers.js";

describe("store files", () => {
  it("creates the private folder and a 0600 data file on first run", async () => {
    const dir = join(await tempDir(), "nested", "data");
    const store = await openStore({ dataDir: dir });
    await store.updateOperator(1, { locale: "es" });

    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect(store.filePath).toBe(join(dir, "operators.json"));
    for (const name of await readdir(dir))
      expect((await stat(join(dir, name))).mode & 0o777, name).toBe(0o600);
    const file = JSON.parse(await readFile(store.filePath, "utf8"));
    expect(file).toMatchObject({ schemaVersion: 1, operators: {}, actions: {} });
  });

  it("keeps every field across close and reopen", async () => {
    const dir = await tempDir();
    const store = await openStore({ dataDir: dir, now: () => new Date("2024-05-01T10:00:00Z") });
    await store.saveCredentials(42, { clientId: "client-42", token: TOKEN }, { ...DEFAULTS, locale: "es" });
    await store.updateOperator(42, {
      lastChannelId: -1001,
      digest: { channelIds: [5, 7], lastSentLocalDate: "2024-04-30", time: "07:15" },
    });
    await store.close();

    const reopened = await openStore({ dataDir: dir });
    expect(reopened.getOperator(42)).toEqual({
      telegramId: 42,
      clientId: "client-42",
      hasCredentials: true,
      locale: "es",
      timezone: "Europe/Madrid",
      digest: { enabled: true, time: "07:15", channelIds: [5, 7], lastSentLocalDate: "2024-04-30" },
      lastChannelId: -1001,
      createdAt: "2024-05-01T10:00:00.000Z",
      updatedAt: "2024-05-01T10:00:00.000Z",
    });
    expect(reopened.getCredentials(42)).toEqual({ clientId: "client-42", token: TOKEN });
  });

  it("never writes the plaintext token, and getOperator never exposes it", async () => {
    const dir = await tempDir();
    const store = await openStore({ dataDir: dir });
    await store.saveCredentials(7, { clientId: "c", token: TOKEN }, DEFAULTS);
    await store.updateOperator(7, { locale: "en" });
    await store.conversationStorage.write("7", { version: [0, 1], state: { typed: TOKEN } });

    // Both the live journal and, after close, the compacted files.
    expect(await allFilesText(dir)).not.toContain(TOKEN.split(".")[1]);
    await store.close();
    const onDisk = await allFilesText(dir);
    expect(onDisk).not.toContain(TOKEN.split(".")[1]);
    expect(onDisk).toMatch(/"token":"v1\.[0-9a-f]{8}\./);
    expect(JSON.stringify(store.getOperator(7))).not.toContain(TOKEN);
  });
});

describe("invalid data files", () => {
  const cases: [string, string][] = [
    ["not JSON", '{"schemaVersion":1,'],
    ["empty", ""],
    ["wrong schema version", '{"schemaVersion":0,"journalSeq":0,"operators":{},"actions":{}}'],
    [
      "an operator with a bad digest time",
      JSON.stringify({
        schemaVersion: 1,
        journalSeq: 0,
        operators: {
          "5": {
            telegramId: 5,
            digest: { enabled: true, time: "25:00", channelIds: null, lastSentLocalDate: null },
            lastChannelId: null,
            createdAt: "2024-01-01T00:00:00.000Z",
            updatedAt: "2024-01-01T00:00:00.000Z",
          },
        },
        actions: {},
      }),
    ],
    [
      "a record under another user's id",
      JSON.stringify({
        schemaVersion: 1,
        journalSeq: 0,
        operators: {
          "6": {
            telegramId: 5,
            digest: { enabled: true, time: "09:00", channelIds: null, lastSentLocalDate: null },
            lastChannelId: null,
            createdAt: "2024-01-01T00:00:00.000Z",
            updatedAt: "2024-01-01T00:00:00.000Z",
          },
        },
        actions: {},
      }),
    ],
    [
      "a token that is not encrypted",
      JSON.stringify({
        schemaVersion: 1,
        journalSeq: 0,
        operators: {
          "5": {
            telegramId: 5,
            premiumpay: { clientId: "c", token: TOKEN },
            digest: { enabled: true, time: "09:00", channelIds: null, lastSentLocalDate: null },
            lastChannelId: null,
            createdAt: "2024-01-01T00:00:00.000Z",
            updatedAt: "2024-01-01T00:00:00.000Z",
          },
        },
        actions: {},
      }),
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

describe("operators", () => {
  it("creates a minimal record for a language chosen before login, then login turns the digest on", async () => {
    const store = await openStore({ dataDir: await tempDir() });
    const before = await store.updateOperator(9, { locale: "es" });
    expect(before).toMatchObject({ hasCredentials: false, locale: "es", digest: { enabled: false } });
    expect(before.timezone).toBeUndefined();
    expect(store.getCredentials(9)).toBeUndefined();

    const after = await store.saveCredentials(
      9,
      { clientId: "c9", token: TOKEN },
      { ...DEFAULTS, locale: "en" },
    );
    expect(after).toMatchObject({
      hasCredentials: true,
      clientId: "c9",
      locale: "es",
      timezone: "Europe/Madrid",
      digest: { enabled: true, time: "09:00", channelIds: null },
    });
  });

  it("keeps settings on a new token for the same account, resets channels for another account", async () => {
    const store = await openStore({ dataDir: await tempDir() });
    await store.saveCredentials(3, { clientId: "a", token: "t1" }, DEFAULTS);
    await store.updateOperator(3, {
      timezone: "America/Sao_Paulo",
      lastChannelId: 11,
      digest: { enabled: false, channelIds: [11] },
    });

    const sameAccount = await store.saveCredentials(
      3,
      { clientId: "a", token: "t2" },
      { ...DEFAULTS, digestTime: "06:00" },
    );
    expect(sameAccount).toMatchObject({
      timezone: "America/Sao_Paulo",
      lastChannelId: 11,
      digest: { enabled: false, time: "09:00", channelIds: [11] },
    });
    expect(store.getCredentials(3)?.token).toBe("t2");

    const otherAccount = await store.saveCredentials(3, { clientId: "b", token: "t3" }, DEFAULTS);
    expect(otherAccount).toMatchObject({
      clientId: "b",
      lastChannelId: null,
      digest: { enabled: false, channelIds: null },
    });
  });

  it("rejects invalid settings without changing anything", async () => {
    const store = await openStore({ dataDir: await tempDir() });
    await store.updateOperator(4, { timezone: "Europe/Madrid" });
    const invalid = [
      { timezone: "Mars/Olympus" },
      { digest: { time: "9:00" } },
      { digest: { lastSentLocalDate: "2024-13-01" } },
      { digest: { channelIds: [1.5] } },
      { locale: "fr" as "en" },
    ];
    for (const patch of invalid) {
      await expect(store.updateOperator(4, patch), JSON.stringify(patch)).rejects.toThrow(StoreError);
    }
    await expect(store.updateOperator(-1, { locale: "en" })).rejects.toThrow(StoreError);
    await expect(store.saveCredentials(4, { clientId: "", token: "t" }, DEFAULTS)).rejects.toThrow(
      StoreError,
    );
    expect(store.getOperator(4)).toMatchObject({
      timezone: "Europe/Madrid",
      hasCredentials: false,
      digest: { time: "09:00" },
    });
  });

  it("returns copies: mutating a returned operator does not change the store", async () => {
    const store = await openStore({ dataDir: await tempDir() });
    await store.updateOperator(8, { digest: { channelIds: [1] } });
    const operator = store.getOperator(8)!;
    operator.digest.channelIds!.push(2);
    operator.locale = "es";
    expect(store.getOperator(8)).toMatchObject({ digest: { channelIds: [1] } });
    expect(store.getOperator(8)?.locale).toBeUndefined();
  });

  it("deleteOperator wipes credentials, settings and the user's action records, durably", async () => {
    const dir = await tempDir();
    const store = await openStore({ dataDir: dir });
    await store.saveCredentials(21, { clientId: "c21", token: TOKEN }, DEFAULTS);
    await store.saveCredentials(22, { clientId: "c22", token: "other" }, DEFAULTS);
    await store.runOnce("link-21", 21, async () => ({ url: "https://t.me/+secret21" }));

    expect(await store.deleteOperator(21)).toBe(true);
    expect(await store.deleteOperator(21)).toBe(false);
    expect(store.getOperator(21)).toBeUndefined();
    expect(store.getCredentials(21)).toBeUndefined();
    await store.close();

    const text = await allFilesText(dir);
    expect(text).not.toContain("c21");
    expect(text).not.toContain("secret21");
    const reopened = await openStore({ dataDir: dir });
    expect(reopened.getOperator(21)).toBeUndefined();
    expect(reopened.getOperator(22)?.clientId).toBe("c22");
    expect(reopened.listOperators().map((operator) => operator.telegramId)).toEqual([22]);
  });
});

describe("concurrent updates", () => {
  it("loses none of 500 concurrent updates from different users", async () => {
    const dir = await tempDir();
    const store = await openStore({ dataDir: dir });
    await Promise.all(
      Array.from({ length: 500 }, (_, i) => store.updateOperator(1000 + i, { lastChannelId: i })),
    );
    await store.close();

    const reopened = await openStore({ dataDir: dir });
    expect(reopened.listOperators()).toHaveLength(500);
    for (let i = 0; i < 500; i++) expect(reopened.getOperator(1000 + i)?.lastChannelId).toBe(i);
  });

  it("loses none of 500 concurrent updates to different fields of the same user", async () => {
    const dir = await tempDir();
    const store = await openStore({ dataDir: dir });
    await store.saveCredentials(77, { clientId: "c", token: TOKEN }, DEFAULTS);
    const channelIds = Array.from({ length: 500 }, (_, i) => i);
    await Promise.all(
      channelIds.map((i) =>
        i === 250
          ? store.updateOperator(77, { locale: "es" })
          : store.updateOperator(77, {
              digest: { channelIds: [...(store.getOperator(77)!.digest.channelIds ?? []), i] },
            }),
      ),
    );
    // Reopen without close, as after a crash: what was acknowledged is in the journal.
    const reopened = await createStore({ dataDir: dir, credentialsKey: KEY });
    expect(reopened.getOperator(77)?.locale).toBe("es");
    expect(reopened.getOperator(77)?.digest.channelIds).toEqual(channelIds.filter((i) => i !== 250));
    await reopened.close();
  });
});
