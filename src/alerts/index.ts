import type { Config } from "../config.js";
import { createPremiumpayClient, type PremiumpayClient } from "../premiumpay/index.js";
import type { Credentials } from "../store/index.js";

export { composeAlert } from "./compose.js";
export { type AlertService, type AlertServiceDeps, createAlertService, inQuietHours } from "./service.js";
export { type AlertState, openFileAlertState } from "./state.js";
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
