/** The data files cannot be used as they are; `main` prints the message and exits without touching them. */
export class StoreError extends Error {
  override name = "StoreError";
}

/** The configured CREDENTIALS_KEY (or CREDENTIALS_KEY_PREVIOUS) cannot decrypt what is on disk. */
export class CredentialsKeyError extends StoreError {
  override name = "CredentialsKeyError";
}
