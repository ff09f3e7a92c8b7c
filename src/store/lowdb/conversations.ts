import { join } from "node:path";
import { z } from "zod";
import type { KeyRing } from "../crypto.js";
import { sealedKeyId } from "../crypto.js";
import { CredentialsKeyError } from "../errors.js";
import { JournaledFile, type StoreLogger } from "../journaled-file.js";
import { conversationAad } from "../records.js";
import {
  type ConversationRecord,
  conversationRecordSchema,
  SCHEMA_VERSION,
  versionedStateSchema,
} from "../schema.js";
import type { ConversationStateStore, VersionedState } from "../types.js";
import type { DurableFile } from "./durable.js";

/**
 * What the file may hold: any object per flow. Each record is checked on load by itself, so one damaged flow is
 * dropped alone instead of making the whole file (and the bot) unusable.
 */
export const storedConversationSchema = z.looseObject({});
export type ConversationTables = { conversations: z.infer<typeof storedConversationSchema> };

/** `conversations.json` in the data folder. */
export function openConversationFile(
  dataDir: string,
  logger?: StoreLogger,
): Promise<JournaledFile<ConversationTables>> {
  return JournaledFile.open<ConversationTables>(
    join(dataDir, "conversations.json"),
    SCHEMA_VERSION,
    { conversations: { schema: storedConversationSchema } },
    { logger },
  );
}

/** A flow in memory: its state in clear (reads need no decryption), as sealed on disk, and when it was written. */
interface Flow {
  json: string;
  record: ConversationRecord;
}

export interface ConversationContext {
  ring: KeyRing;
  now: () => Date;
  db: DurableFile<ConversationTables>;
  ttlMs: number;
}

export interface LowdbConversations extends ConversationStateStore {
  /** Re-seals every flow still under the previous key; returns how many. */
  rotate(): Promise<number>;
}

/** Opens every flow; a wrong key stops the store (configuration), a damaged flow is dropped and reported. */
function loadFlows(ring: KeyRing, db: DurableFile<ConversationTables>) {
  const flows = new Map<string, Flow>();
  const damaged: string[] = [];
  for (const [key, stored] of db.entries("conversations")) {
    const checked = conversationRecordSchema.safeParse(stored);
    if (checked.success && !ring.canOpen(sealedKeyId(checked.data.data))) {
      throw ring.mismatch(sealedKeyId(checked.data.data));
    }
    try {
      if (!checked.success) throw checked.error;
      const json = ring.open(checked.data.data, conversationAad(key), `conversation ${key}`);
      versionedStateSchema.parse(JSON.parse(json));
      flows.set(key, { json, record: checked.data });
    } catch (error) {
      if (error instanceof CredentialsKeyError) throw error;
      damaged.push(key);
    }
  }
  return { flows, damaged };
}

const lock = (key: string) => `conversations:${key}`;

const removeFlows = (db: DurableFile<ConversationTables>, keys: string[]) =>
  db.write(keys.map((key) => ({ table: "conversations" as const, key, value: undefined })));

/** Re-seals every flow still under the previous key, each as it is once no write of it is in flight. */
async function rotateFlows({ ring, db }: ConversationContext, flows: Map<string, Flow>): Promise<number> {
  const stale = Array.from(flows.keys()).filter((key) => !ring.isCurrent(flows.get(key)!.record.data));
  return db.serially(stale.map(lock), async () => {
    const resealed = stale.flatMap((key) => {
      const flow = flows.get(key);
      if (!flow || ring.isCurrent(flow.record.data)) return [];
      const data = ring.seal(flow.json, conversationAad(key));
      return [{ key, flow: { json: flow.json, record: { ...flow.record, data } } }];
    });
    if (resealed.length === 0) return 0;
    await db.write(
      resealed.map(({ key, flow }) => ({ table: "conversations" as const, key, value: flow.record })),
    );
    for (const { key, flow } of resealed) flows.set(key, flow);
    return resealed.length;
  });
}

export async function createConversationState(context: ConversationContext): Promise<LowdbConversations> {
  const { ring, now, db, ttlMs } = context;
  const loaded = loadFlows(ring, db);
  const { flows } = loaded;
  // Kept on disk until the bot takes them (so a CLI opening the store first does not swallow the notes).
  const damaged = new Set(loaded.damaged);

  /** Saves `record` (or deletes the flow) durably, then updates memory: a failed write leaves both as they were. */
  const save = (key: string, flow: Flow | undefined) =>
    db.serially([lock(key)], async () => {
      await db.write([{ table: "conversations", key, value: flow?.record }]);
      damaged.delete(key);
      if (flow) flows.set(key, flow);
      else flows.delete(key);
    });

  const isExpired = (flow: Flow | undefined, cutoff: number) =>
    flow !== undefined && Date.parse(flow.record.updatedAt) < cutoff;
  const listExpired = async (olderThanMs = ttlMs) => {
    const cutoff = now().getTime() - olderThanMs;
    return Array.from(flows.keys()).filter((key) => isExpired(flows.get(key), cutoff));
  };

  return {
    conversationStorage: {
      read(key) {
        const flow = flows.get(key);
        return flow === undefined ? undefined : (JSON.parse(flow.json) as VersionedState<unknown>);
      },
      write(key, state) {
        const json = JSON.stringify(state);
        const record = { data: ring.seal(json, conversationAad(key)), updatedAt: now().toISOString() };
        return save(key, { json, record });
      },
      async delete(key) {
        if (flows.has(key) || damaged.has(key)) await save(key, undefined);
      },
    },

    conversations: {
      listExpired,
      async expire(olderThanMs = ttlMs) {
        const cutoff = now().getTime() - olderThanMs;
        const candidates = await listExpired(olderThanMs);
        if (candidates.length === 0) return candidates;
        return db.serially(candidates.map(lock), async () => {
          // A flow written while waiting for the lock is alive again.
          const keys = candidates.filter((key) => isExpired(flows.get(key), cutoff));
          if (keys.length === 0) return keys;
          await removeFlows(db, keys);
          for (const key of keys) flows.delete(key);
          return keys;
        });
      },
      takeDamaged() {
        const keys = [...damaged];
        if (keys.length === 0) return Promise.resolve(keys);
        return db.serially(keys.map(lock), async () => {
          const taken = keys.filter((key) => damaged.has(key));
          await removeFlows(db, taken);
          for (const key of taken) damaged.delete(key);
          return taken;
        });
      },
    },

    rotate: () => rotateFlows(context, flows),
  };
}
