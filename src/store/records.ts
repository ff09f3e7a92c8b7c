/**
 * How an operator record is built and shown, whatever holds it: every backend stores the same validated record
 * (schema.ts), with the token sealed by the key ring and bound to its operator.
 */
import type { KeyRing } from "./crypto.js";
import { CredentialsDamagedError, CredentialsKeyError, StoreError } from "./errors.js";
import {
  type DigestSettings,
  type OperatorRecord,
  operatorRecordSchema,
  telegramIdSchema,
} from "./schema.js";
import type { CredentialDefaults, Credentials, Operator, OperatorPatch } from "./types.js";

/** A record created before login (e.g. by choosing a language) has the digest off; logging in turns it on. */
const PRE_LOGIN_DIGEST: DigestSettings = {
  enabled: false,
  time: "09:00",
  channelIds: null,
  lastSentLocalDate: null,
  chart: false,
};

export const tokenAad = (telegramId: number) => `premiumpay-token:${telegramId}`;
export const conversationAad = (key: string) => `conversation:${key}`;

export function toOperator(record: OperatorRecord): Operator {
  const operator: Operator = {
    telegramId: record.telegramId,
    hasCredentials: record.premiumpay !== undefined,
    digest: { ...record.digest, channelIds: record.digest.channelIds ? [...record.digest.channelIds] : null },
    lastChannelId: record.lastChannelId,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
  if (record.premiumpay) operator.clientId = record.premiumpay.clientId;
  if (record.locale) operator.locale = record.locale;
  if (record.timezone) operator.timezone = record.timezone;
  return operator;
}

export function checkTelegramId(telegramId: number): string {
  if (!telegramIdSchema.safeParse(telegramId).success)
    throw new StoreError(`${telegramId} is not a Telegram user id`);
  return String(telegramId);
}

export function validOperator(record: OperatorRecord): OperatorRecord {
  const checked = operatorRecordSchema.safeParse(record);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new StoreError(`invalid operator settings: ${issue?.path.join(".")} ${issue?.message}`);
  }
  return checked.data;
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The token in clear; CredentialsDamagedError when it cannot be decrypted (a wrong key stays CredentialsKeyError). */
export function openToken(ring: KeyRing, telegramId: number, sealed: string): string {
  try {
    return ring.open(sealed, tokenAad(telegramId), `the token of user ${telegramId}`);
  } catch (error) {
    if (error instanceof CredentialsKeyError) throw error;
    throw new CredentialsDamagedError(telegramId);
  }
}

export function credentialsOf(ring: KeyRing, record: OperatorRecord): Credentials | undefined {
  if (!record.premiumpay) return undefined;
  return {
    clientId: record.premiumpay.clientId,
    token: openToken(ring, record.telegramId, record.premiumpay.token),
  };
}

/** The token under the current key: one still sealed with the previous key is re-sealed on its record's next write. */
export function currentKeyed(ring: KeyRing, record: OperatorRecord): OperatorRecord["premiumpay"] {
  const pp = record.premiumpay;
  if (!pp || ring.isCurrent(pp.token)) return pp;
  const token = openToken(ring, record.telegramId, pp.token);
  return { clientId: pp.clientId, token: ring.seal(token, tokenAad(record.telegramId)) };
}

/** The record after a login: a first login turns the digest on; another premiumpay account forgets its channels. */
export function loggedInRecord(
  ring: KeyRing,
  existing: OperatorRecord | undefined,
  telegramId: number,
  creds: Credentials,
  defaults: CredentialDefaults,
  stamp: string,
): OperatorRecord {
  checkTelegramId(telegramId);
  if (typeof creds.token !== "string" || creds.token.length === 0) throw new StoreError("the token is empty");
  const firstLogin = !existing?.premiumpay;
  // Channels belong to a premiumpay account: a different client id makes the remembered ones meaningless.
  const otherAccount = existing?.premiumpay !== undefined && existing.premiumpay.clientId !== creds.clientId;
  const digest: DigestSettings = firstLogin
    ? {
        enabled: true,
        time: defaults.digestTime,
        channelIds: null,
        lastSentLocalDate: null,
        // the operator's own choice, kept across a logout
        chart: existing?.digest.chart ?? false,
      }
    : { ...existing.digest, channelIds: otherAccount ? null : existing.digest.channelIds };
  const record: OperatorRecord = {
    telegramId,
    premiumpay: { clientId: creds.clientId, token: ring.seal(creds.token, tokenAad(telegramId)) },
    digest,
    lastChannelId: otherAccount ? null : (existing?.lastChannelId ?? null),
    createdAt: existing?.createdAt ?? stamp,
    updatedAt: stamp,
  };
  const locale = existing?.locale ?? defaults.locale;
  if (locale) record.locale = locale;
  record.timezone = existing?.timezone ?? defaults.timezone;
  return validOperator(record);
}

/** The record with `patch` applied; an unknown operator starts logged out with the digest off. */
export function patchedRecord(
  ring: KeyRing,
  existing: OperatorRecord | undefined,
  telegramId: number,
  patch: OperatorPatch,
  stamp: string,
): OperatorRecord {
  checkTelegramId(telegramId);
  const base = existing ?? {
    telegramId,
    digest: PRE_LOGIN_DIGEST,
    lastChannelId: null,
    createdAt: stamp,
    updatedAt: stamp,
  };
  const record: OperatorRecord = {
    ...base,
    ...withoutUndefined({
      locale: patch.locale,
      timezone: patch.timezone,
      lastChannelId: patch.lastChannelId,
    }),
    digest: { ...base.digest, ...withoutUndefined(patch.digest ?? {}) },
    updatedAt: stamp,
  };
  // A damaged token must not block a settings change: it stays as it is, and the operator is told to log in again.
  try {
    const premiumpay = currentKeyed(ring, base);
    if (premiumpay) record.premiumpay = premiumpay;
  } catch (error) {
    if (!(error instanceof CredentialsDamagedError)) throw error;
  }
  return validOperator(record);
}
