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
  ConversationMaintenance,
  CredentialDefaults,
  Credentials,
  DigestSettings,
  Invitation,
  Locale,
  NewInvitation,
  Operator,
  OperatorPatch,
  RedeemOutcome,
  RedeemRefusal,
  RunOnceOutcome,
  Store,
  StoreKeyOptions,
  TeamMember,
  TeamRole,
  TeamStore,
  VersionedState,
  VersionedStateStorage,
} from "./types.js";
