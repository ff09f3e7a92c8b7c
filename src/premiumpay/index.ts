/** The premiumpay service module: a typed client for the ten endpoints. Knows nothing of Telegram. */

export type { PremiumpayClient, PremiumpayClientOptions } from "./client.js";
export { createPremiumpayClient, MAX_CLIENT_ID_LENGTH } from "./client.js";
export { formatPremiumpayDateTime } from "./dates.js";
export type { EndpointName, PremiumpayPaths } from "./endpoints.js";
export { DEFAULT_PATHS, ENDPOINT_METHOD, premiumpayPathsSchema } from "./endpoints.js";
export type { AnyPremiumpayError, PremiumpayErrorKind, PremiumpayErrorOf, SafeCause } from "./errors.js";
export {
  isPremiumpayError,
  PremiumpayError,
  PremiumpayRateLimitedError,
  PremiumpayRejectedError,
} from "./errors.js";
export type { CallObserver } from "./http.js";
export type { RetryOptions } from "./retry.js";
export type * from "./types.js";
