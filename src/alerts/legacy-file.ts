import { rename, stat, unlink } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import type { Logger } from "../logger.js";
import {
  type AlertStateCounts,
  type AlertStore,
  alertSaleSchema,
  alertSettingsSchema,
  countAlertState,
  DataDirLockedError,
} from "../store/index.js";
import { JournaledFile } from "../store/journaled-file.js";
import { isoTime } from "../store/schema.js";

/** Where releases before the alert state moved into the Store kept it: its own journaled file in DATA_DIR. */
export const LEGACY_ALERTS_FILE = "alerts.json";
const LEGACY_SCHEMA_VERSION = 1;

const legacyAccountSchema = z.strictObject({
  clientId: z.string().min(1).max(50),
  watermark: isoTime.nullable(),
  seen: z.record(z.string(), isoTime),
  outage: z.strictObject({ since: isoTime, noticed: z.boolean() }).nullable(),
  refusedToken: z.string().max(64).nullable(),
});
const legacyOutboxSchema = z.strictObject({
  userId: z.number().int().positive(),
  entries: z.array(
    z.strictObject({ sale: alertSaleSchema, mode: z.enum(["live", "quiet", "catch-up"]), queuedAt: isoTime }),
  ),
  notices: z.array(z.enum(["unreachable", "recovered", "login-again"])),
  sent: z.record(z.string(), isoTime),
});
const legacySettingsSchema = z.strictObject({
  userId: z.number().int().positive(),
  settings: alertSettingsSchema,
});
type LegacyTables = {
  accounts: z.infer<typeof legacyAccountSchema>;
  outboxes: z.infer<typeof legacyOutboxSchema>;
  settings: z.infer<typeof legacySettingsSchema>;
};

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

/**
 * Moves an old alerts.json (and its journal) into the store once, at start-up, then renames it *.migrated. Only
 * what the store does not have yet is added ("fill"), so a second run after a crash before the rename, or several
 * replicas each bringing their own file, change nothing already there. Returns what the file held, or undefined
 * when there was no file (or another process of this data folder is migrating it).
 */
export async function migrateLegacyAlertsFile(
  dataDir: string,
  store: AlertStore,
  logger: Logger,
): Promise<AlertStateCounts | undefined> {
  const path = join(dataDir, LEGACY_ALERTS_FILE);
  if (!(await exists(path))) return undefined;
  let file: JournaledFile<LegacyTables>;
  try {
    file = await JournaledFile.open<LegacyTables>(path, LEGACY_SCHEMA_VERSION, {
      accounts: { schema: legacyAccountSchema, keyOf: (record) => record.clientId },
      outboxes: { schema: legacyOutboxSchema, keyOf: (record) => String(record.userId) },
      settings: { schema: legacySettingsSchema, keyOf: (record) => String(record.userId) },
    });
  } catch (error) {
    if (error instanceof DataDirLockedError) return undefined;
    throw error;
  }
  try {
    const values = <K extends keyof LegacyTables>(table: K) =>
      Array.from(file.entries(table), ([, value]) => value);
    const snapshot = {
      settings: values("settings").map(({ userId, settings }) => ({ telegramId: userId, settings })),
      accounts: values("accounts"),
      outboxes: values("outboxes").map(({ userId, ...outbox }) => ({ telegramId: userId, ...outbox })),
    };
    await store.importAlertState(snapshot, "fill");
    // Closing compacts the journal into the file, which then holds everything; the emptied journal goes.
    await file.close();
    await rename(path, `${path}.migrated`);
    await unlink(file.journalPath).catch(() => undefined);
    const counts = countAlertState(snapshot);
    logger.info(
      { file: path, ...counts },
      `alert state moved from ${path} into the store; the file is now ${path}.migrated`,
    );
    return counts;
  } finally {
    await file.abandon();
  }
}
