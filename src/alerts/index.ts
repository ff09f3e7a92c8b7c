import type { Config } from "../config.js";
import type { AlertSettingsStore } from "../deps.js";
import { createPremiumpayClient, type PremiumpayClient } from "../premiumpay/index.js";
import type { AlertStore, Credentials } from "../store/index.js";

export { composeAlert } from "./compose.js";
export { LEGACY_ALERTS_FILE, migrateLegacyAlertsFile } from "./legacy-file.js";
export { type AlertService, type AlertServiceDeps, createAlertService, inQuietHours } from "./service.js";
export type { AlertBatch, AlertSale, AlertSettings } from "./types.js";
export { DEFAULT_ALERT_SETTINGS } from "./types.js";

/**
 * premiumpay clients for the poller: no retries of their own, because every request is counted against the
 * account's share of its rate limit, and a 429's Retry-After lengthens the poll interval instead.
 */
export function alertsPremiumpay(config: Config): (credentials: Credentials) => PremiumpayClient {
  return (credentials) =>
    createPremiumpayClient({
      baseUrl: config.premiumpay.baseUrl,
      timeoutMs: config.premiumpay.timeoutMs,
      paths: config.premiumpay.paths,
      retry: { retries: 0 },
      ...credentials,
    });
}

/**
 * The /alerts screen's view of the store: each operator's settings, read and written where every replica sees
 * them; `turnedOn` reaches this process's alert service (on another replica, its next refresh notices).
 */
export function alertSettingsOf(
  store: AlertStore,
  turnedOn?: (userId: number) => Promise<void>,
): AlertSettingsStore {
  return {
    settings: (userId) => store.alertSettings(userId),
    setSettings: (userId, settings) => store.setAlertSettings(userId, settings),
    ...(turnedOn ? { turnedOn } : {}),
  };
}
