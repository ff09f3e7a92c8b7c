import { open, unlink } from "node:fs/promises";
import { join } from "node:path";
import { alertAccountSchema, alertOutboxSchema, alertSettingsRecordSchema } from "../alerts.js";
import { ensureDataDir } from "../atomic-file.js";
import { KeyRing } from "../crypto.js";
import { StoreError } from "../errors.js";
import { JournaledFile, type StoreLogger } from "../journaled-file.js";
import {
  actionRecordSchema,
  invitationRecordSchema,
  memberRecordSchema,
  operatorRecordSchema,
  refusedAccountSchema,
  SCHEMA_VERSION,
} from "../schema.js";
import type { Store, StoreKeyOptions } from "../types.js";
import { createConfirmedActions, dropOldActions } from "./actions.js";
import { createAlertStore } from "./alerts.js";
import { createAuditStore, openAuditFile } from "./audit.js";
import {
  type ConversationTables,
  createConversationState,
  storedConversationSchema,
} from "./conversations.js";
import { DurableFile } from "./durable.js";
import { checkTokenKeys, createKeyRotation } from "./keys.js";
import { createOperatorStore, createTransfer, type OperatorTables } from "./operators.js";
import { createTeamStore, type TeamTables } from "./team.js";

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

export async function createStore(options: StoreOptions): Promise<LowdbStore> {
  const ring = new KeyRing(options.credentialsKey, options.previousCredentialsKey);
  const now = options.now ?? (() => new Date());
  const { dataDir } = options;
  await ensureDataDir(dataDir);
  await inDataDir(dataDir, () => probeWritable(dataDir));
  // One after the other: an invalid operators file must leave the folder as it was.
  const operatorFile = await inDataDir(dataDir, () =>
    JournaledFile.open<OperatorTables>(
      join(dataDir, "operators.json"),
      SCHEMA_VERSION,
      {
        operators: { schema: operatorRecordSchema, keyOf: (record) => String(record.telegramId) },
        actions: { schema: actionRecordSchema, keyOf: (record) => record.actionId },
        alertSettings: { schema: alertSettingsRecordSchema, keyOf: (record) => String(record.telegramId) },
        alertAccounts: { schema: alertAccountSchema, keyOf: (record) => record.clientId },
        alertOutboxes: { schema: alertOutboxSchema, keyOf: (record) => String(record.telegramId) },
      },
      options,
    ),
  );
  const conversationFile = await inDataDir(dataDir, () =>
    JournaledFile.open<ConversationTables>(
      join(dataDir, "conversations.json"),
      SCHEMA_VERSION,
      {
        conversations: { schema: storedConversationSchema },
      },
      options,
    ),
  ).catch(async (error: unknown) => {
    await operatorFile.abandon();
    throw error;
  });
  const teamFile = await inDataDir(dataDir, () =>
    JournaledFile.open<TeamTables>(
      join(dataDir, "team.json"),
      SCHEMA_VERSION,
      {
        members: { schema: memberRecordSchema, keyOf: (record) => String(record.telegramId) },
        invitations: { schema: invitationRecordSchema, keyOf: (record) => record.id },
        refused: { schema: refusedAccountSchema, keyOf: (record) => String(record.ownerId) },
      },
      options,
    ),
  ).catch(async (error: unknown) => {
    await Promise.all([operatorFile.abandon(), conversationFile.abandon()]);
    throw error;
  });
  const auditFile = await inDataDir(dataDir, () => openAuditFile(dataDir, options.logger)).catch(
    async (error: unknown) => {
      await Promise.all([operatorFile.abandon(), conversationFile.abandon(), teamFile.abandon()]);
      throw error;
    },
  );
  const db = new DurableFile(operatorFile);
  const convDb = new DurableFile(conversationFile);
  let conversationState: Awaited<ReturnType<typeof createConversationState>>;
  try {
    checkTokenKeys(ring, db);
    conversationState = await inDataDir(dataDir, () =>
      createConversationState({
        ring,
        now,
        db: convDb,
        ttlMs: options.conversationTtlMs ?? DEFAULT_CONVERSATION_TTL_MS,
      }),
    );
  } catch (error) {
    // Release the data folder (its lock) without writing: the files stay as they are for the operator to fix.
    await Promise.all([
      operatorFile.abandon(),
      conversationFile.abandon(),
      teamFile.abandon(),
      auditFile.abandon(),
    ]);
    throw error;
  }
  dropOldActions(db, now());

  return {
    location: dataDir,
    filePath: operatorFile.path,
    conversationsFilePath: conversationFile.path,
    teamFilePath: teamFile.path,
    ...createOperatorStore({ ring, now, db }),
    ...createConfirmedActions(db, now),
    ...createTeamStore(new DurableFile(teamFile), now),
    ...createTransfer({ ring, now, db }),
    conversationStorage: conversationState.conversationStorage,
    conversations: conversationState.conversations,
    ...createKeyRotation(ring, db, conversationState),
    ...createAlertStore(db),
    ...createAuditStore(auditFile, now),
    async flush() {
      await Promise.all([
        operatorFile.flush(),
        conversationFile.flush(),
        teamFile.flush(),
        auditFile.flush(),
      ]);
    },
    async close() {
      await Promise.all([
        operatorFile.close(),
        conversationFile.close(),
        teamFile.close(),
        auditFile.close(),
      ]);
    },
  };
}
