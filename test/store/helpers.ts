import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import { createStore, type Store, type StoreOptions } from "../../src/store/index.js";

export const KEY = randomBytes(32);
export const OTHER_KEY = randomBytes(32);
export const DEFAULTS = { timezone: "Europe/Madrid", digestTime: "09:00" } as const;
/** JWT-shaped, long and unique enough that finding it in a file cannot be a coincidence. */
export const TOKEN = `eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJvcGVyYXRvci0${randomBytes(24).toString("hex")}.c2lnbmF0dXJl`;

const dirs: string[] = [];
const stores: Store[] = [];

afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close().catch(() => {})));
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "store-test-"));
  dirs.push(dir);
  return dir;
}

/** Opens a store that the test's teardown closes; `dataDir` defaults to a fresh folder. */
export async function openStore(options: Partial<StoreOptions> & { dataDir: string }): Promise<Store> {
  const store = await createStore({ credentialsKey: KEY, ...options });
  stores.push(store);
  return store;
}

/** Everything the store left in its folder, concatenated, for "never on disk" checks. */
export async function allFilesText(dir: string): Promise<string> {
  const names = await readdir(dir);
  const texts = await Promise.all(names.map((name) => readFile(join(dir, name), "utf8")));
  return texts.join("\n");
}
