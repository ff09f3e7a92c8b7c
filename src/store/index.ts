export { CredentialsKeyError, StoreError } from "./errors.js";
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
