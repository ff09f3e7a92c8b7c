import { checkTelegramId } from "./records.js";
import {
  codeHashSchema,
  type InvitationRecord,
  invitationIdSchema,
  invitationRecordSchema,
  memberRecordSchema,
  refusedAccountSchema,
  teamRoleSchema,
} from "./schema.js";
import type { Invitation, NewInvitation, RedeemOutcome, TeamSnapshot } from "./types.js";

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
