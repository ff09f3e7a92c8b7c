import { StoreError } from "./errors.js";
import {
  type DigestSettings,
  type OperatorRecord,
  operatorRecordSchema,
  telegramIdSchema,
} from "./schema.js";
import type { CredentialDefaults, Credentials, Operator, OperatorPatch } from "./types.js";

/**
 * What an operator record becomes on a login or a settings change, whatever the backend keeps it in: the rules
 * live here once, so lowdb and PostgreSQL cannot drift apart.
 */

/** A record created before login (e.g. by choosing a language) has the digest off; logging in turns it on. */
export const PRE_LOGIN_DIGEST: DigestSettings = {
  enabled: false,
  time: "09:00",
  channelIds: null,
  lastSentLocalDate: null,
};

/** Associated data binding a sealed value to its owner: a ciphertext copied onto another row fails to open. */
export const tokenAad = (telegramId: number) => `premiumpay-token:${telegramId}`;
export const conversationAad = (key: string) => `conversation:${key}`;

export function checkTelegramId(telegramId: number): void {
  if (!telegramIdSchema.safeParse(telegramId).success)
    throw new StoreError(`${telegramId} is not a Telegram user id`);
}

export function validOperator(record: OperatorRecord): OperatorRecord {
  const checked = operatorRecordSchema.safeParse(record);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new StoreError(`invalid operator settings: ${issue?.path.join(".")} ${issue?.message}`);
  }
  return checked.data;
}

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

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** The record after a login with `creds`, whose token the caller has already sealed. */
export function loggedInRecord(
  existing: OperatorRecord | undefined,
  telegramId: number,
  creds: Credentials & { sealedToken: string },
  defaults: CredentialDefaults,
  stamp: string,
): OperatorRecord {
  if (typeof creds.token !== "string" || creds.token.length === 0) throw new StoreError("the token is empty");
  const firstLogin = !existing?.premiumpay;
  // Channels belong to a premiumpay account: a different client id makes the remembered ones meaningless.
  const otherAccount = existing?.premiumpay !== undefined && existing.premiumpay.clientId !== creds.clientId;
  const digest: DigestSettings = firstLogin
    ? { enabled: true, time: defaults.digestTime, channelIds: null, lastSentLocalDate: null }
    : { ...existing.digest, channelIds: otherAccount ? null : existing.digest.channelIds };
  const record: OperatorRecord = {
    telegramId,
    premiumpay: { clientId: creds.clientId, token: creds.sealedToken },
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

/** The record after a settings change; an unknown operator starts logged out with the digest off. */
export function patchedRecord(
  existing: OperatorRecord | undefined,
  telegramId: number,
  patch: OperatorPatch,
  stamp: string,
): OperatorRecord {
  const base = existing ?? {
    telegramId,
    digest: PRE_LOGIN_DIGEST,
    lastChannelId: null,
    createdAt: stamp,
    updatedAt: stamp,
  };
  return validOperator({
    ...base,
    ...withoutUndefined({
      locale: patch.locale,
      timezone: patch.timezone,
      lastChannelId: patch.lastChannelId,
    }),
    digest: { ...base.digest, ...withoutUndefined(patch.digest ?? {}) },
    updatedAt: stamp,
  });
}
