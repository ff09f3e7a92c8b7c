export {
  type AlertAccount,
  type AlertDelivery,
  type AlertMode,
  type AlertNotice,
  type AlertOutbox,
  type AlertPoll,
  type AlertSale,
  type AlertSettings,
  type AlertStateCounts,
  type AlertStateSnapshot,
  alertSaleSchema,
  alertSettingsSchema,
  countAlertState,
  DEFAULT_ALERT_SETTINGS,
  deliveredFrom,
  emptyOutbox,
  queuedInto,
} from "./alerts.js";
export {
  CredentialsDamagedError,
  CredentialsKeyError,
  StoreError,
  StoreWriteError,
  storeFaultOf,
} from "./errors.js";
export type { StoreLogger } from "./journaled-file.js";
export { DataDirLockedError } from "./lock.js";
export { createStore, type LowdbStore, type StoreOptions } from "./lowdb/index.js";
export type {
  AlertStore,
  ConversationMaintenance,
  CredentialDefaults,
  Credentials,
  DigestSettings,
  Locale,
  Operator,
  OperatorPatch,
  RunOnceOutcome,
  Store,
  StoreKeyOptions,
  VersionedState,
  VersionedStateStorage,
} from "./types.js";
