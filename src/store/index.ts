export { CredentialsKeyError, StoreError } from "./errors.js";
export type { StoreLogger } from "./journaled-file.js";
export { DataDirLockedError } from "./lock.js";
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
  StoreOptions,
  VersionedState,
  VersionedStateStorage,
} from "./store.js";
export { createStore } from "./store.js";
