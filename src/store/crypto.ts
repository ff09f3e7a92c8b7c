import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { CredentialsKeyError, StoreError } from "./errors.js";

const FORMAT = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;
const SEALED = /^v1\.[0-9a-f]{8}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]*$/;

/** Shape check used by the schemas: `v1.<keyId>.<iv>.<tag>.<ciphertext>`, all base64url. */
export function isSealed(value: string): boolean {
  return SEALED.test(value);
}

/** A short public fingerprint of a key, stored next to each ciphertext so rotation knows which key opens it. */
export function keyIdOf(key: Buffer): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 8);
}

export function sealedKeyId(sealed: string): string {
  return sealed.split(".")[1] ?? "";
}

/**
 * AES-256-GCM with a fresh IV per seal. The associated data binds a ciphertext to its owner
 * (e.g. the Telegram user id), so a ciphertext copied onto another record fails authentication.
 */
export class KeyRing {
  readonly currentId: string;
  readonly previousId: string | undefined;
  private readonly keys = new Map<string, Buffer>();
  private readonly current: Buffer;

  constructor(current: Buffer, previous?: Buffer) {
    for (const [name, key] of [
      ["CREDENTIALS_KEY", current],
      ["CREDENTIALS_KEY_PREVIOUS", previous],
    ] as const) {
      if (key !== undefined && key.length !== 32) {
        throw new CredentialsKeyError(`${name} must be 32 bytes (64 hexadecimal characters)`);
      }
    }
    this.current = Buffer.from(current);
    this.currentId = keyIdOf(current);
    this.previousId = previous ? keyIdOf(previous) : undefined;
    if (previous) this.keys.set(this.previousId!, Buffer.from(previous));
    this.keys.set(this.currentId, this.current);
  }

  seal(plaintext: string, associatedData: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.current, iv);
    cipher.setAAD(Buffer.from(associatedData, "utf8"));
    const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [
      FORMAT,
      this.currentId,
      iv.toString("base64url"),
      tag.toString("base64url"),
      ciphertext.toString("base64url"),
    ].join(".");
  }

  /** Throws CredentialsKeyError when no configured key made it; StoreError when it was tampered with or moved. */
  open(sealed: string, associatedData: string, what: string): string {
    if (!isSealed(sealed)) throw new StoreError(`${what} is not in the expected encrypted format`);
    const [, keyId, iv, tag, ciphertext] = sealed.split(".") as [string, string, string, string, string];
    const key = this.keys.get(keyId);
    if (!key) throw this.mismatch(keyId);
    try {
      const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(Buffer.from(associatedData, "utf8"));
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      return Buffer.concat([
        decipher.update(Buffer.from(ciphertext, "base64url")),
        decipher.final(),
      ]).toString("utf8");
    } catch {
      throw new StoreError(`${what} cannot be decrypted: it is corrupt or was copied from another record`);
    }
  }

  isCurrent(sealed: string): boolean {
    return sealedKeyId(sealed) === this.currentId;
  }

  canOpen(keyId: string): boolean {
    return this.keys.has(keyId);
  }

  mismatch(keyId: string): CredentialsKeyError {
    const configured =
      `CREDENTIALS_KEY has id ${this.currentId}` +
      (this.previousId ? `, CREDENTIALS_KEY_PREVIOUS has id ${this.previousId}` : "");
    return new CredentialsKeyError(
      `CREDENTIALS_KEY does not match the key the data was encrypted with (the data uses key id ${keyId}; ${configured}). ` +
        "Start with the original key, or set it as CREDENTIALS_KEY_PREVIOUS to rotate to a new one.",
    );
  }
}
