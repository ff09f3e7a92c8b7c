import type { KeyRing } from "../crypto.js";
import { sealedKeyId } from "../crypto.js";
import { conversationAad } from "../records.js";
import { versionedStateSchema } from "../schema.js";
import type { ConversationMaintenance, ConversationStateStore, VersionedState } from "../types.js";
import { writing } from "./connection.js";
import type { SealingContext } from "./context.js";

const DEFAULT_CONVERSATION_TTL_MS = 30 * 60 * 1000;

/** A flow's state, or undefined when it is damaged; a flow sealed with a key not configured is an error. */
export function openConversation(
  ring: KeyRing,
  key: string,
  sealed: string,
): VersionedState<unknown> | undefined {
  if (!ring.canOpen(sealedKeyId(sealed))) throw ring.mismatch(sealedKeyId(sealed));
  try {
    const json = ring.open(sealed, conversationAad(key), `conversation ${key}`);
    return versionedStateSchema.parse(JSON.parse(json)) as VersionedState<unknown>;
  } catch {
    return undefined;
  }
}

/** Removes the flows that cannot be opened; each key is returned by the replica whose delete removed it. */
async function takeDamagedConversations({ pool, ring }: SealingContext): Promise<string[]> {
  const { rows } = await pool.query<{ key: string; sealed: string }>("SELECT key, sealed FROM conversations");
  const taken: string[] = [];
  for (const row of rows) {
    if (openConversation(ring, row.key, row.sealed)) continue;
    const removed = await writing("the removal of a damaged flow", () =>
      pool.query("DELETE FROM conversations WHERE key = $1 AND sealed = $2", [row.key, row.sealed]),
    );
    if (removed.rowCount) taken.push(row.key);
  }
  return taken.sort();
}

function createFlowMaintenance(context: SealingContext, ttlMs: number): ConversationMaintenance {
  const { pool, now } = context;
  return {
    async listExpired(olderThanMs = ttlMs) {
      const { rows } = await pool.query<{ key: string }>(
        "SELECT key FROM conversations WHERE updated_at < $1 ORDER BY key",
        [new Date(now().getTime() - olderThanMs)],
      );
      return rows.map((row) => row.key);
    },
    async expire(olderThanMs = ttlMs) {
      // One statement: a flow written meanwhile (by any replica) is newer than the cutoff and stays.
      const { rows } = await writing("the expiry of flows", () =>
        pool.query<{ key: string }>("DELETE FROM conversations WHERE updated_at < $1 RETURNING key", [
          new Date(now().getTime() - olderThanMs),
        ]),
      );
      return rows.map((row) => row.key).sort();
    },
    takeDamaged: () => takeDamagedConversations(context),
  };
}

/** The flows' states, sealed per key; `ttlMs` (default 30 min) is when an untouched flow counts as expired. */
export function createPostgresConversations(
  context: SealingContext,
  ttlMs = DEFAULT_CONVERSATION_TTL_MS,
): ConversationStateStore {
  const { pool, ring, now } = context;
  return {
    conversationStorage: {
      async read(key) {
        const { rows } = await pool.query<{ sealed: string }>(
          "SELECT sealed FROM conversations WHERE key = $1",
          [key],
        );
        const row = rows[0];
        if (!row) return undefined;
        // A damaged flow reads as none; it stays until takeDamaged removes and reports it.
        return openConversation(ring, key, row.sealed);
      },
      async write(key, state) {
        const sealed = ring.seal(JSON.stringify(state), conversationAad(key));
        await writing("the flow's state", () =>
          pool.query(
            `INSERT INTO conversations (key, sealed, updated_at) VALUES ($1, $2, $3)
             ON CONFLICT (key) DO UPDATE SET sealed = EXCLUDED.sealed, updated_at = EXCLUDED.updated_at`,
            [key, sealed, now()],
          ),
        );
      },
      async delete(key) {
        await writing("the end of a flow", () =>
          pool.query("DELETE FROM conversations WHERE key = $1", [key]),
        );
      },
    },
    conversations: createFlowMaintenance(context, ttlMs),
  };
}
