import { checkTelegramId } from "./records.js";
import {
  codeHashSchema,
  type InvitationRecord,
  invitationIdSchema,
  invitationRecordSchema,
  type MemberRecord,
  memberRecordSchema,
  refusedAccountSchema,
  teamRoleSchema,
} from "./schema.js";
import type { Invitation, MemberName, NewInvitation, RedeemOutcome, TeamSnapshot } from "./types.js";

/** What every backend shares about teams: an invitation as callers see it, and the rules of a redeem. */
export function toInvitation(record: InvitationRecord): Invitation {
  const { codeHash: _hash, ...invitation } = record;
  return { ...invitation };
}

/** The outcome of redeeming `record` (found by its hash) for `telegramId`, given the current members. */
export function redeemRefusal(
  record: InvitationRecord | undefined,
  telegramId: number,
  now: Date,
  isMember: boolean,
): RedeemOutcome | undefined {
  if (!record) return { ok: false, reason: "unknown" };
  if (record.state !== "pending") return { ok: false, reason: record.state };
  if (Date.parse(record.expiresAt) <= now.getTime()) return { ok: false, reason: "expired" };
  if (record.ownerId === telegramId) return { ok: false, reason: "own-account" };
  if (isMember) return { ok: false, reason: "member" };
  return undefined;
}

const memberNameSchema = memberRecordSchema.pick({ firstName: true, username: true });

/** A teammate's name as a member record holds it (no username field without one), checked before any backend stores it. */
export function memberNameFields(name: MemberName | undefined): Pick<MemberRecord, "firstName" | "username"> {
  if (!name) return {};
  const { firstName, username } = memberNameSchema.parse(name);
  return { firstName, ...(username === undefined ? {} : { username }) };
}

/** A new pending invitation, checked before any backend stores it. */
export function newInvitationRecord(invitation: NewInvitation, now: Date): InvitationRecord {
  checkTelegramId(invitation.ownerId);
  return {
    id: invitationIdSchema.parse(invitation.id),
    codeHash: codeHashSchema.parse(invitation.codeHash),
    ownerId: invitation.ownerId,
    clientId: invitation.clientId,
    role: teamRoleSchema.parse(invitation.role),
    createdAt: now.toISOString(),
    expiresAt: new Date(invitation.expiresAt).toISOString(),
    state: "pending",
  };
}

/** A snapshot to import, checked record by record (it may come from another backend or an older release). */
export function checkedTeamSnapshot(snapshot: TeamSnapshot): TeamSnapshot {
  return {
    members: snapshot.members.map((member) => memberRecordSchema.parse(member)),
    invitations: snapshot.invitations.map((invitation) => invitationRecordSchema.parse(invitation)),
    refused: snapshot.refused.map((mark) => refusedAccountSchema.parse(mark)),
  };
}

/** The snapshot in the one order every backend exports: members and marks by user, invitations by id. */
export function sortedTeamSnapshot(snapshot: TeamSnapshot): TeamSnapshot {
  return {
    members: [...snapshot.members].sort((a, b) => a.telegramId - b.telegramId),
    invitations: [...snapshot.invitations].sort((a, b) => a.id.localeCompare(b.id)),
    refused: [...snapshot.refused].sort((a, b) => a.ownerId - b.ownerId),
  };
}
