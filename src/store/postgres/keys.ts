import type pg from "pg";
import type { KeyRing } from "../crypto.js";
import { CredentialsDamagedError } from "../errors.js";
import { conversationAad, openToken, tokenAad } from "../records.js";
import type { KeyRotation } from "../types.js";
import { writing } from "./connection.js";
import type { SealingContext } from "./context.js";
import { openConversation } from "./conversations.js";

/**
 * Refuses to start when a stored secret was sealed with a key that is not configured (a wrong CREDENTIALS_KEY),
 * like the lowdb backend, instead of failing at each operator's first use.
 */
export async function checkKeysConfigured(pool: pg.Pool, ring: KeyRing): Promise<void> {
  const { rows } = await pool.query<{ key_id: string }>(
    `SELECT DISTINCT split_part(token_sealed, '.', 2) AS key_id FROM operators WHERE token_sealed IS NOT NULL
     UNION SELECT DISTINCT split_part(sealed, '.', 2) FROM conversations`,
  );
  for (const { key_id } of rows) {
    if (!ring.canOpen(key_id)) throw ring.mismatch(key_id);
  }
}

/** Re-seals the tokens still under another key; returns how many rows this replica changed. */
async function resealTokens({ pool, ring }: SealingContext): Promise<number> {
  const { rows } = await pool.query<{ telegram_id: string; token_sealed: string }>(
    `SELECT telegram_id::text AS telegram_id, token_sealed FROM operators
     WHERE token_sealed IS NOT NULL AND split_part(token_sealed, '.', 2) <> $1`,
    [ring.currentId],
  );
  let resealedRows = 0;
  for (const row of rows) {
    const telegramId = Number(row.telegram_id);
    const resealed = ring.seal(openToken(ring, telegramId, row.token_sealed), tokenAad(telegramId));
    // Compare-and-set: a login on another replica meanwhile already wrote a current-key token.
    const updated = await writing("a re-encrypted token", () =>
      pool.query("UPDATE operators SET token_sealed = $2 WHERE telegram_id = $1 AND token_sealed = $3", [
        telegramId,
        resealed,
        row.token_sealed,
      ]),
    );
    resealedRows += updated.rowCount ?? 0;
  }
  return resealedRows;
}

/** Re-seals the flows still under another key (a damaged one stays); returns how many rows this replica changed. */
async function resealFlows({ pool, ring }: SealingContext): Promise<number> {
  const { rows } = await pool.query<{ key: string; sealed: string }>(
    "SELECT key, sealed FROM conversations WHERE split_part(sealed, '.', 2) <> $1",
    [ring.currentId],
  );
  let resealedRows = 0;
  for (const row of rows) {
    const state = openConversation(ring, row.key, row.sealed);
    if (!state) continue;
    const resealed = ring.seal(JSON.stringify(state), conversationAad(row.key));
    // Compare-and-set, as for tokens: a write of the flow meanwhile sealed it with the current key.
    const updated = await writing("a re-encrypted flow", () =>
      pool.query("UPDATE conversations SET sealed = $2 WHERE key = $1 AND sealed = $3", [
        row.key,
        resealed,
        row.sealed,
      ]),
    );
    resealedRows += updated.rowCount ?? 0;
  }
  return resealedRows;
}

export function createPostgresKeyRotation(context: SealingContext): KeyRotation {
  const { pool, ring } = context;
  return {
    async verifyCredentials() {
      const { rows } = await pool.query<{ telegram_id: string; token_sealed: string }>(
        "SELECT telegram_id::text AS telegram_id, token_sealed FROM operators WHERE token_sealed IS NOT NULL",
      );
      const damaged: number[] = [];
      for (const row of rows) {
        const telegramId = Number(row.telegram_id);
        try {
          openToken(ring, telegramId, row.token_sealed);
        } catch (error) {
          if (!(error instanceof CredentialsDamagedError)) throw error;
          damaged.push(telegramId);
        }
      }
      return damaged;
    },

    async rotateKeys() {
      const operators = await resealTokens(context);
      const conversations = await resealFlows(context);
      return { operators, conversations };
    },
  };
}
