import { z } from "zod";

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
const isoTime = z.iso.datetime({ offset: true });

/** One sale as an alert shows it; JSON-safe, stored in an operator's outbox until delivered. */
export const alertSaleSchema = z.strictObject({
  /** premiumpay's sale id, or a stable hash of the sale's fields when premiumpay gives none (see poller.ts). */
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
  channelIds: z.array(z.number().int()).max(1000).nullable(),
  /** Sales below this amount (in their own currency) are not alerted; 0 = all. */
  minAmount: z.number().nonnegative(),
  /** Local times in the operator's zone; `from` after `to` crosses midnight. null = none. */
  quietHours: z
    .strictObject({ from: z.string().regex(HHMM), to: z.string().regex(HHMM) })
    .refine((range) => range.from !== range.to, "quiet hours must not start and end at the same time")
    .nullable(),
});
export type AlertSettings = z.infer<typeof alertSettingsSchema>;

/** Off for every operator until they turn alerts on (the /alerts screen, later). */
export const DEFAULT_ALERT_SETTINGS: AlertSettings = {
  enabled: false,
  channelIds: null,
  minAmount: 0,
  quietHours: null,
};

/**
 * How a sale reached the outbox: found by a regular poll, found while the operator's quiet hours held alerts,
 * or found by the first poll after downtime.
 */
export const alertModeSchema = z.enum(["live", "quiet", "catch-up"]);
export type AlertMode = z.infer<typeof alertModeSchema>;

export const noticeSchema = z.enum(["unreachable", "recovered", "login-again"]);
export type AlertNotice = z.infer<typeof noticeSchema>;

/** Count and total per currency. */
export interface Totals {
  count: number;
  totals: { currency: string; amount: number; count: number }[];
}

/** What the engine hands to delivery, per operator: one message each. */
export type AlertBatch =
  | {
      kind: "sales";
      /** live: within a minute of the sale; quiet: the summary at the end of quiet hours; catch-up: after downtime. */
      mode: AlertMode;
      /** Oldest first. */
      sales: AlertSale[];
      /** Today so far in the operator's zone, over the operator's channels. */
      today: Totals;
    }
  | { kind: "notice"; notice: AlertNotice };
