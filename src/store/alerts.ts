import { z } from "zod";
import { StoreError } from "./errors.js";
import { isoTime, telegramIdSchema } from "./schema.js";

/*
 * The sales alerts' stored data, as every backend keeps it (src/alerts decides what it means). The schemas check
 * it on the way in (every write) and on the way out of a database, like the rest of the store's data.
 */

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

/** One sale as an alert shows it; JSON-safe, stored in an operator's outbox until delivered. */
export const alertSaleSchema = z.strictObject({
  /** premiumpay's sale id, or a stable hash of the sale's fields when premiumpay gives none (see alerts/poller.ts). */
  key: z.string().min(1).max(200),
  channelId: z.number().int().nullable(),
  channelName: z.string().max(1000),
  amount: z.number(),
  currency: z.string().max(20).nullable(),
  /** When premiumpay says the sale happened (ISO). */
  date: isoTime,
  /** The invitation link's name; null for a direct sale. */
  linkName: z.string().max(1000).nullable(),
  country: z.string().max(100).nullable(),
  paymentMethod: z.string().max(100).nullable(),
});
export type AlertSale = z.infer<typeof alertSaleSchema>;

export const alertSettingsSchema = z.strictObject({
  enabled: z.boolean(),
  /** null = every channel of the account. */
  channelIds: z.array(z.number().int().refine(Number.isSafeInteger)).max(1000).nullable(),
  /** Sales below this amount (in their own currency) are not alerted; 0 = all. */
  minAmount: z.number().nonnegative().max(1e12),
  /** Local times in the operator's zone; `from` after `to` crosses midnight. null = none. */
  quietHours: z
    .strictObject({ from: z.string().regex(HHMM), to: z.string().regex(HHMM) })
    .refine((range) => range.from !== range.to, "quiet hours must not start and end at the same time")
    .nullable(),
  /**
   * When alerts were last turned on: sales dated before it are never alerted to this operator. Absent in settings
   * stored before it was recorded (and while alerts were never turned on).
   */
  enabledAt: isoTime.optional(),
});
export type AlertSettings = z.infer<typeof alertSettingsSchema>;

/** Off for every operator until they turn alerts on. */
export const DEFAULT_ALERT_SETTINGS: Readonly<AlertSettings> = Object.freeze({
  enabled: false,
  channelIds: null,
  minAmount: 0,
  quietHours: null,
});

/**
 * How a sale reached the outbox: found by a regular poll, found while the operator's quiet hours held alerts,
 * or found by the first poll after downtime.
 */
export const alertModeSchema = z.enum(["live", "quiet", "catch-up"]);
export type AlertMode = z.infer<typeof alertModeSchema>;

export const alertNoticeSchema = z.enum(["unreachable", "recovered", "login-again"]);
export type AlertNotice = z.infer<typeof alertNoticeSchema>;

/** What one premiumpay account's poller must remember across restarts and leader changes. */
export const alertAccountSchema = z.strictObject({
  clientId: z.string().min(1).max(256),
  /** Every sale stamped before `watermark - overlap` has been handled; null before the first poll. */
  watermark: isoTime.nullable(),
  /** Keys of the sales already handled that a poll can still see (stamped within the overlap), with their date. */
  seen: z.record(z.string().min(1).max(200), isoTime),
  /** premiumpay unreachable since then; `noticed` once the operators were told. */
  outage: z.strictObject({ since: isoTime, noticed: z.boolean() }).nullable(),
  /** Fingerprint (never the token) of the login premiumpay refused: polling is paused until another login. */
  refusedToken: z.string().max(64).nullable(),
});
export type AlertAccount = z.infer<typeof alertAccountSchema>;

export const alertOutboxEntrySchema = z.strictObject({
  sale: alertSaleSchema,
  mode: alertModeSchema,
  queuedAt: isoTime,
});
export type AlertOutboxEntry = z.infer<typeof alertOutboxEntrySchema>;

/** The sales waiting to be sent to one operator, the notices, and what was already sent. */
export const alertOutboxSchema = z.strictObject({
  telegramId: telegramIdSchema,
  entries: z.array(alertOutboxEntrySchema),
  /** Oldest first. */
  notices: z.array(alertNoticeSchema),
  /** Sale key → when it was sent: a sale sent to this operator is never queued for them again. */
  sent: z.record(z.string(), isoTime),
});
export type AlertOutbox = z.infer<typeof alertOutboxSchema>;

export const alertSettingsRecordSchema = z.strictObject({
  telegramId: telegramIdSchema,
  settings: alertSettingsSchema,
});
export type AlertSettingsRecord = z.infer<typeof alertSettingsRecordSchema>;

/** One poll of one account: what its poller now remembers, and what it found for each operator. */
export const alertPollSchema = z.strictObject({
  account: alertAccountSchema,
  at: isoTime,
  queued: z.array(
    z.strictObject({
      telegramId: telegramIdSchema,
      mode: alertModeSchema,
      sales: z.array(alertSaleSchema),
      notice: alertNoticeSchema.optional(),
    }),
  ),
});
export type AlertPoll = z.infer<typeof alertPollSchema>;

/** What a message Telegram accepted delivered: sales (their keys), or the oldest notice. */
export type AlertDelivery = { saleKeys: string[] } | { notice: AlertNotice };

/** Every piece of alert state, for `npm run store:copy` and the one-time import of an old alerts.json. */
export const alertStateSnapshotSchema = z.strictObject({
  settings: z.array(alertSettingsRecordSchema),
  accounts: z.array(alertAccountSchema),
  outboxes: z.array(alertOutboxSchema),
});
export type AlertStateSnapshot = z.infer<typeof alertStateSnapshotSchema>;

/** How many records of each kind a snapshot (or a backend) holds; store:copy compares them. */
export interface AlertStateCounts {
  settings: number;
  accounts: number;
  entries: number;
  notices: number;
  sent: number;
}

export function countAlertState(snapshot: AlertStateSnapshot): AlertStateCounts {
  const sum = (count: (outbox: AlertOutbox) => number) =>
    snapshot.outboxes.reduce((total, outbox) => total + count(outbox), 0);
  return {
    settings: snapshot.settings.length,
    accounts: snapshot.accounts.length,
    entries: sum((outbox) => outbox.entries.length),
    notices: sum((outbox) => outbox.notices.length),
    sent: sum((outbox) => Object.keys(outbox.sent).length),
  };
}

/** zod at the store's boundary: a refused value is a StoreError naming what was wrong, and nothing is written. */
export function checked<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new StoreError(
      `invalid ${what}: ${issue?.path.join(".") || "value"} ${issue?.message ?? ""}`.trim(),
    );
  }
  return result.data;
}

export const emptyOutbox = (telegramId: number): AlertOutbox => ({
  telegramId,
  entries: [],
  notices: [],
  sent: {},
});

/** The outbox after a poll queued `sales` (those already queued or sent are skipped) and maybe a notice. */
export function queuedInto(
  outbox: AlertOutbox,
  queued: AlertPoll["queued"][number],
  queuedAt: string,
): AlertOutbox {
  const known = new Set(outbox.entries.map((entry) => entry.sale.key));
  const entries = [...outbox.entries];
  for (const sale of queued.sales) {
    if (known.has(sale.key) || outbox.sent[sale.key] !== undefined) continue;
    known.add(sale.key);
    entries.push({ sale, mode: queued.mode, queuedAt });
  }
  const notices = queued.notice ? [...outbox.notices, queued.notice] : outbox.notices;
  return { ...outbox, entries, notices };
}

/** The outbox after a delivery: its sales leave and are marked sent at `at`, or its notice leaves. */
export function deliveredFrom(
  outbox: AlertOutbox,
  delivery: AlertDelivery,
  at: string,
  forgetSentBefore: Date,
): AlertOutbox {
  if ("notice" in delivery) {
    const index = outbox.notices.indexOf(delivery.notice);
    if (index < 0) return outbox;
    return { ...outbox, notices: outbox.notices.filter((_, i) => i !== index) };
  }
  const delivered = new Set(delivery.saleKeys);
  const cutoff = forgetSentBefore.getTime();
  const sent = Object.fromEntries(
    Object.entries(outbox.sent).filter(([, when]) => Date.parse(when) >= cutoff),
  );
  for (const key of delivered) sent[key] = at;
  return { ...outbox, entries: outbox.entries.filter((entry) => !delivered.has(entry.sale.key)), sent };
}

/** True when the outbox holds nothing worth a record. */
export const isEmptyOutbox = (outbox: AlertOutbox) =>
  outbox.entries.length === 0 && outbox.notices.length === 0 && Object.keys(outbox.sent).length === 0;
