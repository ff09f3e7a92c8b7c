import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CredentialsKeyError, createStore, StoreError } from "../../src/store/index.js";
import { allFilesText, DEFAULTS, KEY, OTHER_KEY, openStore, TOKEN, tempDir } from "./helpers.js";

async function storeWithLogin(dir: string, key = KEY) {
  const store = await createStore({ dataDir: dir, credentialsKey: key });
  await store.saveCredentials(1, { clientId: "c1", token: TOKEN }, DEFAULTS);
  await store.saveCredentials(2, { clientId: "c2", token: "token-two" }, DEFAULTS);
  await store.conversationStorage.write("1", { version: [0, 0], state: ["step"] });
  await store.close();
}

describe("credentials encryption", () => {
  it("refuses to start with a wrong key, with a clear message, and leaves the files alone", async () => {
    const dir = await tempDir();
    await storeWithLogin(dir);
    const before = await allFilesText(dir);

    const opening = createStore({ dataDir: dir, credentialsKey: OTHER_KEY });
    await expect(opening).rejects.toThrow(CredentialsKeyError);
    await expect(opening).rejects.toThrow(
      "CREDENTIALS_KEY does not match the key the data was encrypted with",
    );
    expect(await allFilesText(dir)).toBe(before);
  });

  it("refuses a wrong key even when only conversations are encrypted", async () => {
    const dir = await tempDir();
    const store = await createStore({ dataDir: dir, credentialsKey: KEY });
    await store.conversationStorage.write("5", { version: [0, 0], state: {} });
    await store.close();
    await expect(createStore({ dataDir: dir, credentialsKey: OTHER_KEY })).rejects.toThrow(
      CredentialsKeyError,
    );
  });

  it("rejects keys that are not 32 bytes", async () => {
    await expect(createStore({ dataDir: await tempDir(), credentialsKey: Buffer.alloc(16) })).rejects.toThrow(
      CredentialsKeyError,
    );
  });

  it("uses a fresh IV per write: the same token encrypts differently each time", async () => {
    const store = await openStore({ dataDir: await tempDir() });
    await store.saveCredentials(1, { clientId: "c", token: TOKEN }, DEFAULTS);
    await store.close();
    const first = (await readFile(store.filePath, "utf8")).match(/"token":"([^"]+)"/)![1];
    const again = await openStore({ dataDir: join(store.filePath, "..") });
    await again.saveCredentials(1, { clientId: "c", token: TOKEN }, DEFAULTS);
    await again.close();
    const second = (await readFile(store.filePath, "utf8")).match(/"token":"([^"]+)"/)![1];
    expect(second).not.toBe(first);
  });

  it("binds a token to its user: a ciphertext copied to another user does not decrypt", async () => {
    const dir = await tempDir();
    await storeWithLogin(dir);
    const path = join(dir, "operators.json");
    const file = JSON.parse(await readFile(path, "utf8"));
    file.operators["2"].premiumpay.token = file.operators["1"].premiumpay.token;
    // Startup samples one record per key; make user 2 the sample by removing user 1.
    delete file.operators["1"];
    await writeFile(path, JSON.stringify(file));

    const opening = createStore({ dataDir: dir, credentialsKey: KEY });
    await expect(opening).rejects.toThrow(StoreError);
    await expect(opening).rejects.toThrow(/token of user 2 cannot be decrypted/);
    await expect(opening).rejects.not.toThrow(CredentialsKeyError);
  });

  it("reports a copied ciphertext on use when another record passed the start-up check", async () => {
    const dir = await tempDir();
    await storeWithLogin(dir);
    const path = join(dir, "operators.json");
    const file = JSON.parse(await readFile(path, "utf8"));
    file.operators["2"].premiumpay.token = file.operators["1"].premiumpay.token;
    await writeFile(path, JSON.stringify(file));

    const store = await openStore({ dataDir: dir });
    expect(store.getCredentials(1)?.token).toBe(TOKEN);
    expect(() => store.getCredentials(2)).toThrow(/token of user 2 cannot be decrypted/);
  });
});

describe("key rotation", () => {
  it("decrypts with the previous key, re-encrypts a record on its next write and everything on rotateKeys()", async () => {
    const dir = await tempDir();
    await storeWithLogin(dir, OTHER_KEY);

    const store = await openStore({ dataDir: dir, credentialsKey: KEY, previousCredentialsKey: OTHER_KEY });
    expect(store.getCredentials(1)).toEqual({ clientId: "c1", token: TOKEN });
    expect(await store.conversationStorage.read("1")).toEqual({ version: [0, 0], state: ["step"] });

    await store.updateOperator(1, { locale: "es" });
    expect(await store.rotateKeys()).toEqual({ operators: 1, conversations: 1 });
    expect(await store.rotateKeys()).toEqual({ operators: 0, conversations: 0 });
    await store.close();

    // The old key is no longer needed, and no longer enough.
    const rotated = await openStore({ dataDir: dir, credentialsKey: KEY });
    expect(rotated.getCredentials(1)?.token).toBe(TOKEN);
    expect(rotated.getCredentials(2)?.token).toBe("token-two");
    expect(await rotated.conversationStorage.read("1")).toEqual({ version: [0, 0], state: ["step"] });
    await rotated.close();
    await expect(createStore({ dataDir: dir, credentialsKey: OTHER_KEY })).rejects.toThrow(
      CredentialsKeyError,
    );
  });

  it("re-encrypts a token under the current key when its record is updated", async () => {
    const dir = await tempDir();
    await storeWithLogin(dir, OTHER_KEY);
    const store = await openStore({ dataDir: dir, credentialsKey: KEY, previousCredentialsKey: OTHER_KEY });
    await store.updateOperator(2, { timezone: "Asia/Kolkata" });
    await store.close();

    const file = JSON.parse(await readFile(store.filePath, "utf8"));
    const keyIdOf = (token: string) => token.split(".")[1];
    expect(keyIdOf(file.operators["2"].premiumpay.token)).not.toBe(
      keyIdOf(file.operators["1"].premiumpay.token),
    );
  });
});
