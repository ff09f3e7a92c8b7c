import { type KeyRing, sealedKeyId } from "../crypto.js";
import { CredentialsDamagedError } from "../errors.js";
import { currentKeyed, openToken } from "../records.js";
import type { KeyRotation } from "../types.js";
import type { LowdbConversations } from "./conversations.js";
import type { DurableFile } from "./durable.js";
import { type OperatorTables, operatorLock } from "./operators.js";

/** Fails fast at open when a token was sealed with a key that is not configured (no decryption needed). */
export function checkTokenKeys(ring: KeyRing, db: DurableFile<OperatorTables>): void {
  for (const [, record] of db.entries("operators")) {
    if (!record.premiumpay) continue;
    const keyId = sealedKeyId(record.premiumpay.token);
    if (!ring.canOpen(keyId)) throw ring.mismatch(keyId);
  }
}

export function createKeyRotation(
  ring: KeyRing,
  db: DurableFile<OperatorTables>,
  conversations: LowdbConversations,
): KeyRotation {
  return {
    async verifyCredentials() {
      checkTokenKeys(ring, db);
      const damaged: number[] = [];
      for (const [, record] of db.entries("operators")) {
        if (!record.premiumpay) continue;
        try {
          openToken(ring, record.telegramId, record.premiumpay.token);
        } catch (error) {
          if (!(error instanceof CredentialsDamagedError)) throw error;
          damaged.push(record.telegramId);
        }
      }
      return damaged;
    },

    async rotateKeys() {
      const stale = Array.from(db.entries("operators"), ([, record]) => record).filter(
        (record) => record.premiumpay && !ring.isCurrent(record.premiumpay.token),
      );
      const locks = stale.map((record) => operatorLock(record.telegramId));
      const operators = await db.serially(locks, async () => {
        const changes = stale.flatMap((stored) => {
          // Re-read under the lock; a damaged token stays as it is (its operator must log in again).
          const record = db.get("operators", String(stored.telegramId));
          if (!record?.premiumpay || ring.isCurrent(record.premiumpay.token)) return [];
          try {
            const premiumpay = currentKeyed(ring, record);
            return [
              {
                table: "operators" as const,
                key: String(record.telegramId),
                value: { ...record, premiumpay },
              },
            ];
          } catch (error) {
            if (error instanceof CredentialsDamagedError) return [];
            throw error;
          }
        });
        if (changes.length > 0) await db.write(changes);
        return changes.length;
      });
      return { operators, conversations: await conversations.rotate() };
    },
  };
}
