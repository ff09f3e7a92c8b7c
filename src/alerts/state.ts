import { join } from "node:path";
import { z } from "zod";
import { ensureDataDir } from "../store/atomic-file.js";
import { JournaledFile } from "../store/journaled-file.js";
import {
  type AlertSettings,
  alertModeSchema,
  alertSaleSchema,
  alertSettingsSchema,
  DEFAULT_ALERT_SETTINGS,
  noticeSchema,
} from "./types.js";

const isoTime = z.iso.datetime({ offset: true });

/** What one premiumpay account's poller must remember across restarts. */
export const accountRecordSchema = z.strictObject({
  clientId: z.string().min(1).max(50),
  /** Every sale stamped before `watermark - overlap` has been handled; null before the first poll. */
  watermark: isoTime.nullable(),
  /** Keys of the sales already handled that a poll can still see (stamped within the overlap), with their date. */
  seen: z.record(z.string(), isoTime),
  /** premiumpay unreachable since then; `noticed` once the operators were told. */
  outage: z.strictObject({ since: isoTime, noticed: z.boolean() }).nullable(),
  /** Fingerprint (never the token) of the login premiumpay refused: polling waits for another login. */
  refusedToken: z.string().max(64).nullable(),
});
export type AccountRecord = z.infer<typeof accountRecordSchema>;

/** The sales waiting to be sent to one operator, the notices, and what was already sent. */
export const outboxRecordSchema = z.strictObject({
  userId: z.number().int().positive(),
  entries: z.array(z.strictObject({ sale: alertSaleSchema, mode: alertModeSchema, queuedAt: isoTime })),
  notices: z.array(noticeSchema),
  /** Sale key → when it was sent; kept for a day, so a sale is never queued for this operator twice. */
  sent: z.record(z.string(), isoTime),
});
export type OutboxRecord = z.infer<typeof outboxRecordSchema>;

const settingsRecordSchema = z.strictObject({
  userId: z.number().int().positive(),
  settings: alertSettingsSchema,
});
type SettingsRecord = z.infer<typeof settingsRecordSchema>;

/**
 * Durable alert state. The lead will move it into the Store interface; until then it is its own file. Every
 * method is async so a database backend fits behind it. Settings are written by the settings screen (and by the
 * service when a user blocks the bot); accounts and outboxes only by the alert service.
 */
export interface AlertState {
  /** The operator's settings (the defaults when never set). */
  settings(userId: number): Promise<AlertSettings>;
  setSettings(userId: number, settings: AlertSettings): Promise<void>;
  /** Every operator with alerts on. */
  enabledOperators(): Promise<{ userId: number; settings: AlertSettings }[]>;
  account(clientId: string): Promise<AccountRecord | undefined>;
  /** Every outbox with something still to send or a sent mark to remember. */
  outboxes(): Promise<OutboxRecord[]>;
  /** Writes every record given, all or nothing, and resolves once they are durable. */
  save(change: { accounts?: AccountRecord[]; outboxes?: OutboxRecord[] }): Promise<void>;
  close(): Promise<void>;
}

type Tables = { accounts: AccountRecord; outboxes: OutboxRecord; settings: SettingsRecord };
const SCHEMA_VERSION = 1;
export const ALERTS_FILE = "alerts.json";

export const emptyOutbox = (userId: number): OutboxRecord => ({ userId, entries: [], notices: [], sent: {} });

/**
 * The file backend: the store's journaled file (an fsynced journal line per write batch, compacted atomically).
 * Records set together before one commit land in one journal line, so `save` is all or nothing across a crash.
 */
export async function openFileAlertState(dataDir: string): Promise<AlertState> {
  await ensureDataDir(dataDir);
  const file = await JournaledFile.open<Tables>(join(dataDir, ALERTS_FILE), SCHEMA_VERSION, {
    accounts: { schema: accountRecordSchema, keyOf: (record) => record.clientId },
    outboxes: { schema: outboxRecordSchema, keyOf: (record) => String(record.userId) },
    settings: { schema: settingsRecordSchema, keyOf: (record) => String(record.userId) },
  });
  return {
    settings: async (userId) => file.get("settings", String(userId))?.settings ?? DEFAULT_ALERT_SETTINGS,
    async setSettings(userId, settings) {
      file.set("settings", String(userId), { userId, settings: alertSettingsSchema.parse(settings) });
      await file.commit();
    },
    async enabledOperators() {
      return [...file.entries("settings")].flatMap(([, record]) => (record.settings.enabled ? [record] : []));
    },
    account: async (clientId) => file.get("accounts", clientId),
    outboxes: async () => [...file.entries("outboxes")].map(([, record]) => record),
    async save({ accounts = [], outboxes = [] }) {
      for (const record of accounts) file.set("accounts", record.clientId, record);
      for (const record of outboxes) file.set("outboxes", String(record.userId), record);
      await file.commit();
    },
    close: () => file.close(),
  };
}
