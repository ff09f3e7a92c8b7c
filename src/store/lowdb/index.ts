import { open, unlink } from "node:fs/promises";
import { join } from "node:path";
import { ensureDataDir } from "../atomic-file.js";
import { KeyRing } from "../crypto.js";
import { StoreError } from "../errors.js";
import type { JournaledFile, StoreLogger } from "../journaled-file.js";
import { lockDataDir } from "../lock.js";
import type { Store, StoreKeyOptions, StoreLifecycle } from "../types.js";
import { createConfirmedActions, dropOldActions } from "./actions.js";
import { createAlertStore } from "./alerts.js";
import { type AuditTables, createAuditStore, openAuditFile } from "./audit.js";
import { type ConversationTables, createConversationState, openConversationFile } from "./conversations.js";
import { DurableFile } from "./durable.js";
import { checkTokenKeys, createKeyRotation } from "./keys.js";
import { createOperatorStore, createTransfer, type OperatorTables, openOperatorFile } from "./operators.js";
import { createTeamStore, openTeamFile, type TeamTables } from "./team.js";

export interface StoreOptions extends StoreKeyOptions {
  dataDir: string;
  /** Where problems the store recovers from are reported (default: a JSON line on stderr). */
  logger?: StoreLogger;
}

/** The lowdb backend: four journaled JSON files in the data folder (operators with the alert state, flows, team, audit log with the team group). */
export interface LowdbStore extends Store {
  readonly filePath: string;
  readonly conversationsFilePath: string;
  readonly teamFilePath: string;
}

const DEFAULT_CONVERSATION_TTL_MS = 30 * 60 * 1000;

/**
 * Writes, syncs and removes a small file: a folder that opens but cannot take a write (read-only, full disk) is
 * reported at start, not at the first operator's change.
 */
async function probeWritable(dataDir: string): Promise<void> {
  // One fixed name: a probe left by a kill at this instant is overwritten by the next start, never piled up.
  const probe = join(dataDir, ".write-probe");
  try {
    const handle = await open(probe, "w", 0o600);
    try {
      await handle.writeFile("probe\n");
      await handle.sync();
    } finally {
      await handle.close();
    }
  } finally {
    await unlink(probe).catch(() => undefined);
  }
}

/** An error of the file system while opening (read-only folder, full disk) becomes one line naming the folder. */
async function inDataDir<T>(dataDir: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if (error instanceof StoreError) throw error;
    throw new StoreError(
      `data folder ${dataDir} cannot be used: ${(error as Error).message}; check that it is writable and the disk is not full`,
      { cause: error },
    );
  }
}

/** The four files of the data folder, each holding the folder's lock until it is closed or abandoned. */
interface DataFiles {
  operators: JournaledFile<OperatorTables>;
  conversations: JournaledFile<ConversationTables>;
  team: JournaledFile<TeamTables>;
  audit: JournaledFile<AuditTables>;
}

interface Abandonable {
  abandon(): Promise<void>;
}

/** When `step` fails, releases `files` (their locks) without writing: they stay as they are for the operator to fix. */
async function abandoningOnFailure<T>(files: readonly Abandonable[], step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    await Promise.all(files.map((file) => file.abandon()));
    throw error;
  }
}

/** One after the other: an invalid file must leave the folder as it was, and releases the files opened before it. */
async function openDataFiles(dataDir: string, logger: StoreLogger | undefined): Promise<DataFiles> {
  const opened: Abandonable[] = [];
  const openNext = async <F extends Abandonable>(openFile: () => Promise<F>): Promise<F> => {
    const file = await abandoningOnFailure(opened, () => inDataDir(dataDir, openFile));
    opened.push(file);
    return file;
  };
  const operators = await openNext(() => openOperatorFile(dataDir, logger));
  const conversations = await openNext(() => openConversationFile(dataDir, logger));
  const team = await openNext(() => openTeamFile(dataDir, logger));
  const audit = await openNext(() => openAuditFile(dataDir, logger));
  return { operators, conversations, team, audit };
}

/**
 * The folder's lock comes first: a second process refused here has written nothing (not even the write probe) in
 * the folder another one holds. Once the files are open they hold the lock; this holder is let go either way.
 */
async function openLockedDataFiles(dataDir: string, logger: StoreLogger | undefined): Promise<DataFiles> {
  const unlock = await inDataDir(dataDir, () => lockDataDir(dataDir));
  try {
    await inDataDir(dataDir, () => probeWritable(dataDir));
    return await openDataFiles(dataDir, logger);
  } finally {
    await unlock();
  }
}

function lifecycleOf(files: DataFiles): Pick<StoreLifecycle, "flush" | "close"> {
  const all = Object.values(files);
  return {
    async flush() {
      await Promise.all(all.map((file) => file.flush()));
    },
    async close() {
      await Promise.all(all.map((file) => file.close()));
    },
  };
}

export async function createStore(options: StoreOptions): Promise<LowdbStore> {
  const ring = new KeyRing(options.credentialsKey, options.previousCredentialsKey);
  const now = options.now ?? (() => new Date());
  const { dataDir } = options;
  await ensureDataDir(dataDir);
  const files = await openLockedDataFiles(dataDir, options.logger);
  const db = new DurableFile(files.operators);
  const conversationState = await abandoningOnFailure(Object.values(files), async () => {
    checkTokenKeys(ring, db);
    return inDataDir(dataDir, () =>
      createConversationState({
        ring,
        now,
        db: new DurableFile(files.conversations),
        ttlMs: options.conversationTtlMs ?? DEFAULT_CONVERSATION_TTL_MS,
      }),
    );
  });
  dropOldActions(db, now());

  return {
    location: dataDir,
    filePath: files.operators.path,
    conversationsFilePath: files.conversations.path,
    teamFilePath: files.team.path,
    ...createOperatorStore({ ring, now, db }),
    ...createConfirmedActions(db, now),
    ...createTeamStore(new DurableFile(files.team), now),
    ...createTransfer({ ring, now, db }),
    conversationStorage: conversationState.conversationStorage,
    conversations: conversationState.conversations,
    ...createKeyRotation(ring, db, conversationState),
    ...createAlertStore(db),
    ...createAuditStore(files.audit, now),
    ...lifecycleOf(files),
  };
}
