import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import { createStore, type LowdbStore, type StoreOptions } from "../../src/store/index.js";
import { KEY } from "./contract.js";

export { DEFAULTS, KEY, OTHER_KEY, TOKEN } from "./contract.js";

const dirs: string[] = [];
const stores: LowdbStore[] = [];

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
export async function openStore(options: Partial<StoreOptions> & { dataDir: string }): Promise<LowdbStore> {
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

/** Changes the first character of a sealed value's ciphertext, as bit rot would: same shape, other bytes. */
export function rot(sealed: string): string {
  const parts = sealed.split(".");
  const ciphertext = parts[4]!;
  parts[4] = (ciphertext[0] === "A" ? "B" : "A") + ciphertext.slice(1);
  return parts.join(".");
}
