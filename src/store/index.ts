export {
  AUDIT_ACTIONS,
  AUDIT_MAX_AGE_DAYS,
  AUDIT_MAX_PER_ACCOUNT,
  type AuditAction,
  type AuditDetails,
  type AuditEntry,
  type AuditEntryInput,
  type TeamGroup,
  type TeamGroupPatch,
  TeamGroupTakenError,
} from "./audit.js";
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
  AuditStore,
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
  TeamGroupStore,
  VersionedState,
  VersionedStateStorage,
} from "./types.js";
