import { z } from "zod";
import { isSealed } from "./crypto.js";

export const SCHEMA_VERSION = 1;

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
const LOCAL_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

const knownZones = new Set<string>();
/** Accepts what Intl accepts; cached because loading 10,000 records would otherwise build 10,000 formatters. */
export function isIanaZone(zone: string): boolean {
  if (knownZones.has(zone)) return true;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
  } catch {
    return false;
  }
  knownZones.add(zone);
  return true;
}

export const localeSchema = z.enum(["en", "es"]);
export type Locale = z.infer<typeof localeSchema>;

const sealedSchema = z
  .string()
  .refine(isSealed, "is not an encrypted value (v1.<keyId>.<iv>.<tag>.<ciphertext>)");
/** A time as the store writes it: ISO 8601 with its offset. */
export const isoTime = z.iso.datetime({ offset: true });

export const digestSchema = z.strictObject({
  enabled: z.boolean(),
  time: z.string().regex(HHMM, "must be HH:MM"),
  /** null = all channels */
  channelIds: z.array(z.number().int().refine(Number.isSafeInteger)).max(1000).nullable(),
  lastSentLocalDate: z.string().regex(LOCAL_DATE, "must be YYYY-MM-DD").nullable(),
  /** The "last 7 days" chart under the digest, off until the operator turns it on; absent in older records. */
  chart: z.boolean().default(false),
});
export type DigestSettings = z.infer<typeof digestSchema>;

export const telegramIdSchema = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

export const operatorRecordSchema = z.strictObject({
  telegramId: telegramIdSchema,
  /** Absent when logged out. The token is sealed with the Telegram user id as associated data. */
  premiumpay: z.strictObject({ clientId: z.string().min(1).max(256), token: sealedSchema }).optional(),
  locale: localeSchema.optional(),
  timezone: z.string().refine(isIanaZone, "must be an IANA time zone").optional(),
  digest: digestSchema,
  lastChannelId: z.number().int().refine(Number.isSafeInteger).nullable(),
  createdAt: isoTime,
  updatedAt: isoTime,
});
export type OperatorRecord = z.infer<typeof operatorRecordSchema>;

export const actionRecordSchema = z.strictObject({
  actionId: z.string().min(1).max(256),
  telegramId: telegramIdSchema,
  /** "pending" is written before the action runs, "done" (with its JSON result) after it succeeded. */
  state: z.enum(["pending", "done"]),
  result: z.unknown().optional(),
  at: isoTime,
});
export type ActionRecord = z.infer<typeof actionRecordSchema>;

export const conversationRecordSchema = z.strictObject({
  /** The grammY conversation state, sealed: it holds the updates of the flow, which can include a typed token. */
  data: sealedSchema,
  updatedAt: isoTime,
});
export type ConversationRecord = z.infer<typeof conversationRecordSchema>;

export const versionedStateSchema = z.object({
  version: z.tuple([z.literal(0), z.union([z.string(), z.number()])]),
  state: z.unknown(),
});

export const teamRoleSchema = z.enum(["viewer", "manager"]);

/** The premiumpay account (client id) a team is for: a teammate never follows the owner to another account. */
const accountSchema = z.string().min(1).max(256);

export const memberRecordSchema = z.strictObject({
  telegramId: telegramIdSchema,
  ownerId: telegramIdSchema,
  clientId: accountSchema,
  role: teamRoleSchema,
  joinedAt: isoTime,
  /** The teammate's Telegram first name and @username when they joined (or last changed them); absent in older records. */
  firstName: z.string().min(1).max(256).optional(),
  username: z.string().min(1).max(64).optional(),
});
export type MemberRecord = z.infer<typeof memberRecordSchema>;

export const invitationIdSchema = z.string().regex(/^[A-Za-z0-9_-]{6,32}$/);
/** SHA-256 of the code, hex: the code itself is never stored. */
export const codeHashSchema = z.string().regex(/^[0-9a-f]{64}$/);

export const invitationRecordSchema = z.strictObject({
  id: invitationIdSchema,
  codeHash: codeHashSchema,
  ownerId: telegramIdSchema,
  clientId: accountSchema,
  role: teamRoleSchema,
  createdAt: isoTime,
  expiresAt: isoTime,
  state: z.enum(["pending", "used", "revoked"]),
  usedBy: telegramIdSchema.optional(),
});
export type InvitationRecord = z.infer<typeof invitationRecordSchema>;

/** An owner whose credentials premiumpay refused: their team has no access until they log in again. */
export const refusedAccountSchema = z.strictObject({ ownerId: telegramIdSchema, at: isoTime });
export type RefusedAccountRecord = z.infer<typeof refusedAccountSchema>;
