import { constants } from "node:fs";
import { type FileHandle, open, readFile, realpath } from "node:fs/promises";
import { join } from "node:path";
import nativeFs from "fs-native-extensions";
import { StoreError } from "./errors.js";

/** The file in the data folder whose lock makes its holder the folder's only writer; it holds the holder's pid. */
export const LOCK_FILE = "data.lock";

/** Another process holds the data folder: `pid` is what it wrote in the lock file (undefined if not yet written). */
export class DataDirLockedError extends StoreError {
  override name = "DataDirLockedError";
  constructor(
    readonly dataDir: string,
    readonly pid: number | undefined,
  ) {
    super(
      `data folder ${dataDir} is in use by another process (pid ${pid ?? "unknown"}); stop it or set DATA_DIR to another folder`,
    );
  }
}

interface Held {
  handle: FileHandle;
  holders: number;
}

/** Locks this process holds or is taking, by the folder's real path. */
const held = new Map<string, Promise<Held>>();
/** Descriptors being closed: a new lock of the same folder waits for them, or it would conflict with itself. */
const closing = new Map<string, Promise<void>>();

/**
 * Makes this process the only writer of a data folder until every holder released it.
 *
 * An OS file lock (an open-file-description lock on Linux, flock on macOS, through fs-native-extensions: Node has
 * no file locking of its own): the kernel drops it the moment the holder's process dies, so a bot restarted right
 * after a SIGKILL takes it at once, with no stale-owner guessing. The lock belongs to the process: stores opened on
 * the same folder within one process share it (tests reopen a folder to simulate a restart); another process is
 * refused with a DataDirLockedError naming the holder's pid.
 */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const key = await realpath(dataDir);
  for (;;) {
    let taking = held.get(key);
    if (!taking) {
      const closed = closing.get(key);
      const attempt = (closed ?? Promise.resolve()).then(() => take(dataDir, key));
      held.set(key, attempt);
      attempt.catch(() => {
        if (held.get(key) === attempt) held.delete(key);
      });
      taking = attempt;
    }
    const lock = await taking;
    // Its last holder released it while this call waited: take the folder anew.
    if (held.get(key) !== taking) continue;
    lock.holders++;
    return releaser(key, lock);
  }
}

function releaser(key: string, lock: Held): () => Promise<void> {
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    if (--lock.holders > 0) return;
    held.delete(key);
    // Closing the descriptor releases the lock. The file stays: deleting it would let a process that opened it
    // just before lock a file no longer at the path while a third one locks a new one.
    const closed: Promise<void> = lock.handle.close().finally(() => {
      if (closing.get(key) === closed) closing.delete(key);
    });
    closing.set(key, closed);
    await closed;
  };
}

/** The lock file cannot be opened or written: the folder is read-only or the disk is full. */
function cannotLock(dataDir: string, error: Error): StoreError {
  return new StoreError(
    `data folder ${dataDir} cannot be locked: ${error.message}; check that it is writable and the disk is not full`,
    { cause: error },
  );
}

async function take(dataDir: string, key: string): Promise<Held> {
  const path = join(key, LOCK_FILE);
  const handle = await open(path, constants.O_RDWR | constants.O_CREAT, 0o600).catch((error: Error) => {
    throw cannotLock(dataDir, error);
  });
  if (!nativeFs.tryLock(handle.fd)) {
    await handle.close();
    throw new DataDirLockedError(dataDir, await holderPid(path));
  }
  try {
    await writePid(handle);
  } catch (error) {
    // Closing releases the lock: a descriptor left open would hold the folder until this process ends.
    await handle.close();
    throw cannotLock(dataDir, error as Error);
  }
  return { handle, holders: 0 };
}

/** The pid first, then the truncation, so a reader never sees an empty file after the first holder. */
async function writePid(handle: FileHandle): Promise<void> {
  const text = Buffer.from(`${process.pid}\n`);
  await handle.write(text, 0, text.length, 0);
  await handle.truncate(text.length);
}

async function holderPid(path: string): Promise<number | undefined> {
  const text = await readFile(path, "utf8").catch(() => "");
  const pid = Number.parseInt(text, 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}
