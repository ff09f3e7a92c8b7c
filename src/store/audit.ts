/**
 * The audit log and the team group link, as every backend stores them: one zod schema per record, so what a
 * backend reads back is checked like any other boundary. Details carry names and ids only, never a token: the
 * schema has no field a secret could go into.
 */
import { z } from "zod";
import { StoreError } from "./errors.js";
import { isoTime, telegramIdSchema } from "./schema.js";

export const AUDIT_ACTIONS = [
  "login",
  "logout",
  "public_link_created",
  "welcome_set",
  "group_connected",
  "group_disconnected",
  "member_invited",
  "invitation_revoked",
  "member_joined",
  "role_changed",
  "member_removed",
  "member_left",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/**
 * Retention: an account keeps its newest AUDIT_MAX_PER_ACCOUNT entries, none older than AUDIT_MAX_AGE_DAYS (older
 * ones are dropped when the store opens and whenever the account records a new entry).
 */
export const AUDIT_MAX_PER_ACCOUNT = 1000;
export const AUDIT_MAX_AGE_DAYS = 400;
export const AUDIT_MAX_AGE_MS = AUDIT_MAX_AGE_DAYS * 24 * 60 * 60 * 1000;

const name = z.string().max(256);
const chatIdSchema = z.number().int().refine(Number.isSafeInteger);

/** What an entry may say about its action: ids, names and choices; a closed list, so nothing else can slip in. */
export const auditDetailsSchema = z.strictObject({
  /** The premiumpay client id (an account name, shown in /account), never its token. */
  clientId: z.string().min(1).max(256).optional(),
  channelId: chatIdSchema.optional(),
  channelName: name.optional(),
  linkName: name.optional(),
  durationHours: z.number().int().min(0).max(100_000).optional(),
  requiresApproval: z.boolean().optional(),
  /** A welcome message's length and whether it has a button; not its text. */
  messageLength: z.number().int().min(0).max(100_000).optional(),
  withButton: z.boolean().optional(),
  groupId: chatIdSchema.optional(),
  groupTitle: name.optional(),
  /** Why a group was disconnected. */
  reason: z.enum(["owner", "bot-removed", "admin-lost", "logout", "replaced"]).optional(),
  memberId: telegramIdSchema.optional(),
  role: z.string().min(1).max(32).optional(),
  previousRole: z.string().min(1).max(32).optional(),
});
export type AuditDetails = z.infer<typeof auditDetailsSchema>;

export const auditEntrySchema = z.strictObject({
  /** Unique within the account: the confirming click or update, so a replayed confirmation records once. */
  key: z.string().min(1).max(200),
  /** The account's owner (the operator who logged in with premiumpay credentials). */
  account: telegramIdSchema,
  /** Who did it. */
  actor: telegramIdSchema,
  at: isoTime,
  action: z.enum(AUDIT_ACTIONS),
  details: auditDetailsSchema,
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;
export type AuditEntryInput = Omit<AuditEntry, "at">;

/** The one Telegram group an account's digest and alerts may also go to. */
export const teamGroupSchema = z.strictObject({
  account: telegramIdSchema,
  /** Group and supergroup ids are negative. */
  chatId: chatIdSchema.refine((id) => id < 0, "must be a group id"),
  title: name,
  digest: z.boolean(),
  alerts: z.boolean(),
  connectedBy: telegramIdSchema,
  connectedAt: isoTime,
});
export type TeamGroup = z.infer<typeof teamGroupSchema>;
export type TeamGroupPatch = Partial<Pick<TeamGroup, "digest" | "alerts" | "title">>;

/** Another account already has this group: one group belongs to one account. */
export class TeamGroupTakenError extends StoreError {
  override name = "TeamGroupTakenError";
  constructor(readonly chatId: number) {
    super(`group ${chatId} is connected to another account`);
  }
}

/** The value as the schema parses it, or a StoreError naming the first problem. */
function checked<T>(schema: z.ZodType<T>, what: string, value: T): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new StoreError(`invalid ${what}: ${issue?.path.join(".")} ${issue?.message}`);
}

export const validAuditEntry = (entry: AuditEntry) => checked(auditEntrySchema, "audit entry", entry);
export const validTeamGroup = (group: TeamGroup) => checked(teamGroupSchema, "team group", group);

/** A snapshot to import, checked record by record (it may come from another backend or an older release). */
export function checkedAuditSnapshot(snapshot: { entries: AuditEntry[]; groups: TeamGroup[] }) {
  return { entries: snapshot.entries.map(validAuditEntry), groups: snapshot.groups.map(validTeamGroup) };
}

/** The snapshot in the one order every backend exports: entries by account, time, key; groups by account. */
export function sortedAuditSnapshot(snapshot: { entries: AuditEntry[]; groups: TeamGroup[] }) {
  return {
    entries: [...snapshot.entries].sort(
      (a, b) => a.account - b.account || a.at.localeCompare(b.at) || a.key.localeCompare(b.key),
    ),
    groups: [...snapshot.groups].sort((a, b) => a.account - b.account),
  };
}
