import { mkdir, open, readdir, readFile, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { Adapter } from "lowdb";
import { StoreError } from "./errors.js";

/** Creates the data folder on first run, private to the bot's user. */
export async function ensureDataDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new StoreError(`data folder ${dir} cannot be created: ${(error as Error).message}`);
  }
}

/** fsync a directory so a rename or a new entry in it survives a power cut. */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export function invalidFile(path: string, problem: string): StoreError {
  return new StoreError(`data file ${path} is not valid: ${problem}; fix or move it`);
}

let tmpCounter = 0;

/**
 * A lowdb adapter that replaces the file atomically and durably: write `<file>.tmp-<pid>-<n>`, fsync it, rename it
 * over the target, fsync the folder. A reader (or a crash) sees either the old or the new file, never a mix.
 * `read` never repairs anything: an unreadable or invalid file throws, and stays as it is.
 */
export class AtomicJsonFile<T> implements Adapter<T> {
  /** Size of the last file written, so the caller can size its journal against it. */
  lastWrittenBytes = 0;

  constructor(
    readonly path: string,
    private readonly codec: { parse(json: unknown): T; serialize(data: T): string },
  ) {}

  async read(): Promise<T | null> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw new StoreError(
        `data file ${this.path} cannot be read: ${(error as Error).message}; fix or move it`,
      );
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw invalidFile(this.path, `not JSON (${(error as Error).message})`);
    }
    return this.codec.parse(json);
  }

  // lowdb's own TextFile writer (steno) renames without fsync, so a power cut can leave an empty or stale file.
  async write(data: T): Promise<void> {
    const text = Buffer.from(this.codec.serialize(data), "utf8");
    const tmp = `${this.path}.tmp-${process.pid}-${++tmpCounter}`;
    try {
      const handle = await open(tmp, "w", 0o600);
      try {
        await handle.chmod(0o600);
        await handle.writeFile(text);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(tmp, this.path);
    } catch (error) {
      await unlink(tmp).catch(() => {});
      throw error;
    }
    await syncDir(dirname(this.path));
    this.lastWrittenBytes = text.length;
  }

  /**
   * Removes temporary files left by a process that died between writing and renaming. They are never read:
   * the rename had not happened, so the previous file is still the committed state.
   */
  async removeStaleTemporaries(): Promise<void> {
    const dir = dirname(this.path);
    const prefix = `${basename(this.path)}.tmp-`;
    for (const name of await readdir(dir)) {
      if (!name.startsWith(prefix)) continue;
      const pid = Number(name.slice(prefix.length).split("-")[0]);
      if (pid !== process.pid && isAlive(pid)) continue;
      await unlink(join(dir, name)).catch(() => {});
    }
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
