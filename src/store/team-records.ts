import type { InvitationRecord } from "./schema.js";
import type { Invitation, RedeemOutcome } from "./types.js";

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
