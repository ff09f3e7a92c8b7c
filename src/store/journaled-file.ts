import type { Stats } from "node:fs";
import { type FileHandle, open, readFile, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { Low } from "lowdb";
import { z } from "zod";
import { AtomicJsonFile, invalidFile, syncDir } from "./atomic-file.js";
import { StoreError } from "./errors.js";
import { lockDataDir } from "./lock.js";

/** Where the store reports a problem it recovered from (pino's Logger fits). */
export interface StoreLogger {
  error(details: object, message: string): void;
}

const stderrLogger: StoreLogger = {
  error: (details, message) =>
    process.stderr.write(`${JSON.stringify({ level: 50, time: Date.now(), ...details, msg: message })}\n`),
};

export interface TableSpec<V> {
  schema: z.ZodType<V>;
  /** When set, a value stored under the wrong key makes the file invalid. */
  keyOf?: (value: V) => string;
}

type Tables<T> = { [K in keyof T]: Map<string, T[K]> };
interface Snapshot<T> {
  journalSeq: number;
  tables: Tables<T>;
}

interface Deferred {
  promise: Promise<void>;
  resolve(): void;
  reject(error: unknown): void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // A failed write is reported to the callers of commit(); nobody else has to observe it.
  promise.catch(() => {});
  return { promise, resolve, reject };
}

function deepFreeze<V>(value: V): V {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.map(String).join(".") || "(root)"}: ${issue.message}`)
    .join("; ");
}

const journalLine = z.strictObject({
  seq: z.number().int().positive(),
  ops: z.array(z.tuple([z.string(), z.string(), z.unknown()])),
});

/** Compacting rewrites the whole file; do it once the journal is as large as the file (and at least 1 MiB). */
const MIN_COMPACT_BYTES = 1024 * 1024;

/**
 * A set of keyed tables in one JSON file, kept in memory, made durable in two tiers:
 *
 * - `<file>` is the full state (lowdb `Low` with an atomic, fsynced adapter), rewritten on compaction;
 * - `<file>.journal` gets one JSON line per write batch with the new value of every changed key, fsynced.
 *
 * Rewriting a 10,000-operator file (~8 MB) takes ~30-50 ms with fsync, too slow for every settings change;
 * appending a ~1 kB line takes ~1-3 ms. Loading replays the journal lines newer than the file's `journalSeq`
 * and then compacts. Only the last journal line can be torn (each line is fsynced before the next is written),
 * so a torn last line is an unacknowledged batch and is dropped; damage anywhere else makes the file invalid.
 *
 * Writes are serialised and coalesced: commit() requests made while a batch is in flight share the next batch,
 * which persists the latest value of every key changed since; each commit() resolves once its change is durable.
 *
 * Only one process may write the files: an open file holds its folder's lock (lock.ts) until it is closed. Before
 * each write the journal at the path is checked to still be the one open: a journal deleted or replaced by hand
 * would otherwise take every later change with it (appended to a file no longer there, or replayed from a file
 * that never had them); then the full state goes to the main file and a fresh journal starts.
 */
export class JournaledFile<T extends Record<string, object>> {
  readonly journalPath: string;
  private readonly low: Low<Snapshot<T>>;
  private readonly adapter: AtomicJsonFile<Snapshot<T>>;
  private readonly serialized = new WeakMap<object, string>();
  private journal: FileHandle | undefined;
  /** Identity of the open journal, to notice it is no longer the file at `journalPath`. */
  private journalId: Pick<Stats, "dev" | "ino"> | undefined;
  private releaseLock: (() => Promise<void>) | undefined;
  private journalBytes = 0;
  private compactAt = MIN_COMPACT_BYTES;
  private seq = 0;
  private needsCompaction = false;
  private readonly dirty = new Map<string, [keyof T & string, string]>();
  private next: Deferred | undefined;
  private draining: Promise<void> | undefined;
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly schemaVersion: number,
    private readonly specs: { [K in keyof T]: TableSpec<T[K]> },
    private readonly logger: StoreLogger,
  ) {
    this.journalPath = `${path}.journal`;
    this.adapter = new AtomicJsonFile<Snapshot<T>>(path, {
      parse: (json) => this.parseSnapshot(json),
      serialize: (snapshot) => this.serializeSnapshot(snapshot),
    });
    const empty = Object.fromEntries(Object.keys(specs).map((name) => [name, new Map()])) as Tables<T>;
    this.low = new Low<Snapshot<T>>(this.adapter, { journalSeq: 0, tables: empty });
  }

  /**
   * Locks the folder, then loads (or creates) the file; throws StoreError and writes nothing when the file or its
   * journal is invalid, DataDirLockedError when another process has the folder.
   */
  static async open<T extends Record<string, object>>(
    path: string,
    schemaVersion: number,
    specs: { [K in keyof T]: TableSpec<T[K]> },
    options: { logger?: StoreLogger } = {},
  ): Promise<JournaledFile<T>> {
    const file = new JournaledFile<T>(path, schemaVersion, specs, options.logger ?? stderrLogger);
    file.releaseLock = await lockDataDir(dirname(path));
    try {
      await file.load();
    } catch (error) {
      await file.abandon();
      throw error;
    }
    return file;
  }

  get<K extends keyof T & string>(table: K, key: string): T[K] | undefined {
    return this.low.data.tables[table].get(key);
  }

  has<K extends keyof T & string>(table: K, key: string): boolean {
    return this.low.data.tables[table].has(key);
  }

  entries<K extends keyof T & string>(table: K): IterableIterator<[string, T[K]]> {
    return this.low.data.tables[table].entries();
  }

  size<K extends keyof T & string>(table: K): number {
    return this.low.data.tables[table].size;
  }

  /** Changes memory only (the value is frozen: records are replaced, never mutated); follow with commit(). */
  set<K extends keyof T & string>(table: K, key: string, value: T[K]): void {
    this.assertOpen();
    this.low.data.tables[table].set(key, deepFreeze(value));
    this.dirty.set(`${table}\u0000${key}`, [table, key]);
  }

  delete<K extends keyof T & string>(table: K, key: string): boolean {
    this.assertOpen();
    const existed = this.low.data.tables[table].delete(key);
    if (existed) this.dirty.set(`${table}\u0000${key}`, [table, key]);
    return existed;
  }

  /** Resolves when every change made so far is durable. */
  commit(): Promise<void> {
    this.next ??= deferred();
    const batch = this.next;
    this.draining ??= this.drain();
    return batch.promise;
  }

  /** Waits for in-flight batches and retries changes whose batch failed; rejects if they still cannot be written. */
  async flush(): Promise<void> {
    while (this.draining) await this.draining;
    if (this.dirty.size > 0) await this.commit();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    await this.checkJournal();
    // Leave the full state in the main file, so a clean shutdown leaves nothing to replay.
    if (this.journalBytes > 0 || this.needsCompaction) await this.compact();
    await this.abandon();
  }

  /** Closes without writing anything more (a store that could not open leaves its files as they are). */
  async abandon(): Promise<void> {
    this.closed = true;
    await this.journal?.close();
    this.journal = undefined;
    await this.releaseLock?.();
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreError(`data file ${this.path} is closed`);
  }

  private async drain(): Promise<void> {
    // Yield first so commit() has stored this promise in `draining` before the loop can end and clear it.
    await null;
    while (this.next) {
      const batch = this.next;
      this.next = undefined;
      const changed = [...this.dirty.values()];
      this.dirty.clear();
      if (changed.length === 0) {
        batch.resolve();
        continue;
      }
      try {
        await this.checkJournal();
        if (this.needsCompaction || this.journalBytes >= this.compactAt) await this.compact();
        else await this.append(changed);
        batch.resolve();
      } catch (error) {
        // Memory keeps the changes; the next batch writes them again, as a full rewrite in case the journal
        // now ends in a partial line.
        for (const entry of changed) this.dirty.set(`${entry[0]}\u0000${entry[1]}`, entry);
        this.needsCompaction = true;
        batch.reject(
          new StoreError(`cannot write ${this.path}: ${(error as Error).message}`, { cause: error }),
        );
      }
    }
    this.draining = undefined;
  }

  private async append(changed: [keyof T & string, string][]): Promise<void> {
    const seq = this.seq + 1;
    const ops = changed.map(([table, key]) => {
      const value = this.low.data.tables[table].get(key);
      return `[${JSON.stringify(table)},${JSON.stringify(key)},${value === undefined ? "null" : this.json(value)}]`;
    });
    const line = Buffer.from(`{"seq":${seq},"ops":[${ops.join(",")}]}\n`, "utf8");
    const journal = await this.openJournal();
    let written = 0;
    while (written < line.length) {
      written += (await journal.write(line, written, line.length - written)).bytesWritten;
    }
    await journal.datasync();
    this.seq = seq;
    this.journalBytes += line.length;
  }

  private async compact(): Promise<void> {
    this.low.data.journalSeq = this.seq;
    await this.low.write();
    this.compactAt = Math.max(MIN_COMPACT_BYTES, this.adapter.lastWrittenBytes);
    const journal = await this.openJournal();
    await journal.truncate(0);
    await journal.sync();
    this.journalBytes = 0;
    this.needsCompaction = false;
  }

  private async openJournal(): Promise<FileHandle> {
    if (!this.journal) {
      const journal = await open(this.journalPath, "a", 0o600);
      this.journalId = await journal.stat();
      this.journal = journal;
      await syncDir(dirname(this.journalPath));
    }
    return this.journal;
  }

  /**
   * A journal deleted or replaced since it was opened has lost (or never had) the changes since the last
   * compaction: only memory has them all. Drops the stale descriptor and asks for a compaction, which writes the
   * full state to the main file and starts a fresh journal at the path (emptying whatever file is there now).
   */
  private async checkJournal(): Promise<void> {
    if (!this.journal || !this.journalId) return;
    const atPath = await stat(this.journalPath).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return undefined;
      throw error;
    });
    if (atPath?.dev === this.journalId.dev && atPath.ino === this.journalId.ino) return;
    this.logger.error(
      { journal: this.journalPath, file: this.path },
      `journal ${this.journalPath} was ${atPath ? "replaced" : "deleted"} under the running bot; writing the full state to ${this.path} and starting a fresh journal`,
    );
    const stale = this.journal;
    this.journal = undefined;
    this.journalId = undefined;
    this.needsCompaction = true;
    await stale.close().catch(() => {});
  }

  private json(value: object): string {
    let text = this.serialized.get(value);
    if (text === undefined) {
      text = JSON.stringify(value);
      this.serialized.set(value, text);
    }
    return text;
  }

  private async load(): Promise<void> {
    await this.adapter.removeStaleTemporaries();
    const empty = this.low.data;
    await this.low.read();
    const existed = this.low.data !== empty;
    const journalText = await readFile(this.journalPath, "utf8").catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return "";
      throw new StoreError(`data file ${this.journalPath} cannot be read: ${error.message}; fix or move it`);
    });
    if (!existed && journalText.length > 0) {
      throw new StoreError(
        `found ${this.journalPath} without ${this.path}; restore ${this.path} or move the journal away`,
      );
    }
    this.seq = this.low.data.journalSeq;
    const replayed = this.replay(journalText);
    if (!existed || replayed || journalText.length > 0) await this.compact();
    else this.compactAt = Math.max(MIN_COMPACT_BYTES, (await stat(this.path)).size);
  }

  private replay(text: string): boolean {
    const lines = text.split("\n");
    if (lines.at(-1) === "") lines.pop();
    let replayed = false;
    lines.forEach((line, index) => {
      const isLast = index === lines.length - 1;
      let parsed: z.infer<typeof journalLine>;
      try {
        parsed = journalLine.parse(JSON.parse(line));
      } catch (error) {
        if (isLast) return; // torn by a crash before its fsync returned: nobody was told it was saved
        throw invalidFile(
          this.journalPath,
          `line ${index + 1} is damaged (${(error as Error).message.slice(0, 200)})`,
        );
      }
      if (parsed.seq <= this.seq) return; // already in the main file
      for (const [table, key, value] of parsed.ops) {
        const spec = this.specs[table as keyof T];
        if (!spec) throw invalidFile(this.journalPath, `line ${index + 1} names an unknown table "${table}"`);
        const map = this.low.data.tables[table as keyof T];
        if (value === null) {
          map.delete(key);
          continue;
        }
        const checked = spec.schema.safeParse(value);
        if (!checked.success) {
          throw invalidFile(
            this.journalPath,
            `line ${index + 1}, ${table}.${key}: ${describeIssues(checked.error)}`,
          );
        }
        if (spec.keyOf && spec.keyOf(checked.data) !== key) {
          throw invalidFile(
            this.journalPath,
            `line ${index + 1}, ${table}.${key} is stored under the wrong key`,
          );
        }
        map.set(key, deepFreeze(checked.data));
      }
      this.seq = parsed.seq;
      replayed = true;
    });
    return replayed;
  }

  private parseSnapshot(json: unknown): Snapshot<T> {
    const version = (json as { schemaVersion?: unknown } | null)?.schemaVersion;
    if (typeof version === "number" && version > this.schemaVersion) {
      throw invalidFile(
        this.path,
        `it was written by a newer version of the bot (schemaVersion ${version}; this version reads ${this.schemaVersion})`,
      );
    }
    const shape: Record<string, z.ZodType> = {
      schemaVersion: z.literal(this.schemaVersion),
      journalSeq: z.number().int().min(0),
    };
    for (const [name, spec] of Object.entries(this.specs) as [string, TableSpec<object>][]) {
      // A table added by a later release is absent from older files: it starts empty.
      shape[name] = z.record(z.string(), spec.schema).default({});
    }
    const checked = z.strictObject(shape).safeParse(json);
    if (!checked.success) throw invalidFile(this.path, describeIssues(checked.error));
    const data = checked.data as Record<string, unknown>;
    const tables = {} as Tables<T>;
    for (const [name, spec] of Object.entries(this.specs) as [keyof T & string, TableSpec<object>][]) {
      const map = new Map<string, T[keyof T]>();
      for (const [key, value] of Object.entries(data[name] as Record<string, T[keyof T]>)) {
        if (spec.keyOf && spec.keyOf(value) !== key)
          throw invalidFile(this.path, `${name}.${key} is stored under the wrong key`);
        map.set(key, deepFreeze(value));
      }
      tables[name] = map as Tables<T>[keyof T & string];
    }
    return { journalSeq: data.journalSeq as number, tables };
  }

  /** Compact JSON with one record per line: readable, diffable, and each record's text is cached between writes. */
  private serializeSnapshot(snapshot: Snapshot<T>): string {
    const parts = [`{"schemaVersion":${this.schemaVersion},"journalSeq":${snapshot.journalSeq}`];
    for (const name of Object.keys(this.specs) as (keyof T & string)[]) {
      const rows: string[] = [];
      for (const [key, value] of snapshot.tables[name])
        rows.push(`${JSON.stringify(key)}:${this.json(value)}`);
      parts.push(`,\n${JSON.stringify(name)}:{${rows.length > 0 ? `\n${rows.join(",\n")}\n` : ""}}`);
    }
    parts.push("}\n");
    return parts.join("");
  }
}
