import type { AlertMode, AlertNotice, AlertSale } from "../store/index.js";

// The stored shapes live with the store, which checks them at its boundary; the alerts use them as they are.
export {
  type AlertMode,
  type AlertNotice,
  type AlertSale,
  type AlertSettings,
  alertSaleSchema,
  alertSettingsSchema,
  DEFAULT_ALERT_SETTINGS,
} from "../store/index.js";

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
