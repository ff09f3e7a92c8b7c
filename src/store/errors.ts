/** The data cannot be used as it is, or a caller passed an invalid value; `main` prints the message and exits. */
export class StoreError extends Error {
  override name = "StoreError";
}

/** The configured CREDENTIALS_KEY (or CREDENTIALS_KEY_PREVIOUS) cannot decrypt what is on disk. */
export class CredentialsKeyError extends StoreError {
  override name = "CredentialsKeyError";
}

/** One operator's stored token cannot be decrypted (damaged or copied from another record): they must /login again. */
export class CredentialsDamagedError extends StoreError {
  override name = "CredentialsDamagedError";
  constructor(readonly telegramId: number) {
    super(`the stored token of user ${telegramId} is damaged; they must /login again`);
  }
}

/** A change could not be made durable (read-only folder, full disk, ...); it was undone in memory too. */
export class StoreWriteError extends StoreError {
  override name = "StoreWriteError";
}

/**
 * Which storage fault an error is, if any. Also recognises an error thrown inside a conversation's `external`:
 * the conversations plugin hands back a structured clone, which keeps only the message and the stack (whose first
 * line starts with the class name).
 */
export function storeFaultOf(error: unknown): "not-saved" | "credentials-damaged" | undefined {
  const is = (type: new (...args: never[]) => Error) =>
    error instanceof type || (error instanceof Error && error.stack?.startsWith(`${type.name}: `) === true);
  if (is(StoreWriteError)) return "not-saved";
  if (is(CredentialsDamagedError)) return "credentials-damaged";
  return undefined;
}
