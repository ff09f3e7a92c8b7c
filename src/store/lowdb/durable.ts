import { StoreWriteError } from "../errors.js";
import type { JournaledFile } from "../journaled-file.js";

/** One record to set (or delete, when `value` is undefined). */
export type Change<T> = {
  [K in keyof T & string]: { table: K; key: string; value: T[K] | undefined };
}[keyof T & string];

export function notSaved(where: string, error: unknown): StoreWriteError {
  const detail = error instanceof Error ? error.message : String(error);
  return new StoreWriteError(`the change was not saved to ${where}: ${detail}`, { cause: error });
}

/**
 * A JournaledFile whose changes are all-or-nothing for the caller: `write` makes them durable, or puts memory back
 * as the disk has it and throws StoreWriteError. (JournaledFile itself keeps a failed change in memory and writes
 * it with the next batch, which would save a change its caller was told had failed.)
 */
export class DurableFile<T extends Record<string, object>> {
  /** Per record: the tail of the chain of read-modify-write tasks on it. */
  private readonly busy = new Map<string, Promise<void>>();

  constructor(readonly file: JournaledFile<T>) {}

  get path(): string {
    return this.file.path;
  }

  get<K extends keyof T & string>(table: K, key: string): T[K] | undefined {
    return this.file.get(table, key);
  }

  entries<K extends keyof T & string>(table: K): IterableIterator<[string, T[K]]> {
    return this.file.entries(table);
  }

  /**
   * Runs `task` once every earlier task on any of `keys` has settled, so that a rollback never undoes a later change
   * of the same record and a read-modify-write never interleaves with another one.
   */
  serially<R>(keys: string[], task: () => Promise<R>): Promise<R> {
    const earlier = keys.flatMap((key) => this.busy.get(key) ?? []);
    const run = Promise.allSettled(earlier).then(task);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    for (const key of keys) this.busy.set(key, settled);
    void settled.then(() => {
      for (const key of keys) if (this.busy.get(key) === settled) this.busy.delete(key);
    });
    return run;
  }

  /** Applies `changes` in memory and waits until they are durable; on failure undoes them and throws. */
  async write(changes: Change<T>[]): Promise<void> {
    const previous = changes.map((change) => ({ ...change, value: this.file.get(change.table, change.key) }));
    for (const change of changes) this.apply(change);
    try {
      await this.file.commit();
    } catch (error) {
      for (const change of previous.reverse()) this.apply(change as Change<T>);
      throw notSaved(this.path, error);
    }
  }

  /** For a change that has already happened elsewhere (an action's result): kept in memory even if the write fails. */
  async record(change: Change<T>): Promise<boolean> {
    this.apply(change);
    return this.file.commit().then(
      () => true,
      () => false,
    );
  }

  private apply(change: Change<T>): void {
    if (change.value === undefined) this.file.delete(change.table, change.key);
    else this.file.set(change.table, change.key, change.value);
  }
}
