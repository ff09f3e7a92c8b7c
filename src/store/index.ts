export {
  CredentialsDamagedError,
  CredentialsKeyError,
  StoreError,
  StoreWriteError,
  storeFaultOf,
} from "./errors.js";
export { createStore, type LowdbStore, type StoreOptions } from "./lowdb/index.js";
export type {
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
