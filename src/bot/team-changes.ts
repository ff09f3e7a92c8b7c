/**
 * Every confirmed change of a team, in one module: invite, revoke, change a role, remove, accept, leave, and what
 * the owner's logout or refused credentials do to the team. Each change checks, when it acts, that whoever asks
 * may make it (a forged button or a flow begun before a demotion is refused here), and tells those it concerns.
 * The audit log records team changes here.
 */
import { Api } from "grammy";
import type { TranslationVariables } from "../format/html.js";
import type { Invitation, MemberName, RedeemRefusal, TeamMember, TeamRole } from "../store/index.js";
import { type Actor, type Denial, denialOf, resolveActor, roleOf } from "../team/acting.js";
import { hashInvitationCode, INVITATION_TTL_MS, newInvitationCode } from "../team/codes.js";
import { memberHtml } from "../team/names.js";
import { installApiTransformers } from "./api.js";
import { recordAudit } from "./audit.js";
import { setChatCommands } from "./commands.js";
import type { BotDeps } from "./context.js";
import { notifyFlowOwner } from "./notify.js";

export type TeamChange<T> = { ok: true; value: T } | { ok: false; denial: Denial };

/** Notes to teammates and owners go out beside any update (a removal reaches the removed teammate at once). */
const noticeApis = new WeakMap<BotDeps["config"], Api>();
function noticeApi(deps: BotDeps): Api {
  let api = noticeApis.get(deps.config);
  if (!api) {
    api = new Api(deps.config.botToken, { apiRoot: deps.config.telegramApiRoot });
    installApiTransformers(api);
    noticeApis.set(deps.config, api);
  }
  return api;
}

const tell = (deps: BotDeps, userId: number, key: string, variables?: TranslationVariables) =>
  notifyFlowOwner(deps, noticeApi(deps), String(userId), key, variables);

/** Runs `change` only when `userId` may manage their team now (the owner); otherwise says why not. */
async function asOwner<T>(
  deps: BotDeps,
  userId: number,
  change: (ownerId: number) => Promise<T>,
): Promise<TeamChange<T>> {
  const actor = await resolveActor(deps.store, userId);
  const denial = denialOf(actor, "team");
  if (denial || actor.kind !== "owner") return { ok: false, denial: denial ?? "role" };
  return { ok: true, value: await change(actor.accountId) };
}

/** The account's name as teammates see it: its premiumpay client id (never the token). */
export async function accountName(deps: BotDeps, ownerId: number): Promise<string> {
  return (await deps.store.getOperator(ownerId))?.clientId ?? "";
}

/** The account `actor` acts for: a teammate's is the one they joined, whatever the owner is logged in to now. */
export async function actorAccount(deps: BotDeps, actor: Actor): Promise<string> {
  if (actor.kind === "teammate") return actor.clientId;
  return actor.kind === "owner" ? accountName(deps, actor.accountId) : "";
}

/**
 * The owner's team as it is now: the teammates who joined the account the owner is logged in to. Teammates of an
 * account the owner switched away from stay stored (they are back when the owner logs in to it again) but are not
 * this account's.
 */
export async function currentTeam(deps: BotDeps, ownerId: number): Promise<TeamMember[]> {
  const account = await accountName(deps, ownerId);
  return (await deps.store.listMembers(ownerId)).filter((member) => member.clientId === account);
}

/** One teammate of the owner's team as it is now (currentTeam), or undefined. */
async function currentMember(
  deps: BotDeps,
  ownerId: number,
  memberId: number,
): Promise<TeamMember | undefined> {
  const member = await deps.store.getMember(memberId);
  if (member?.ownerId !== ownerId || member.clientId !== (await accountName(deps, ownerId))) return undefined;
  return member;
}

/** Whether the owner of `invitation` is logged in, with working credentials or not, to the account it is for. */
async function ownerStillOn(deps: BotDeps, invitation: Invitation): Promise<boolean> {
  const owner = await deps.store.getOperator(invitation.ownerId);
  return owner?.hasCredentials === true && owner.clientId === invitation.clientId;
}

export interface IssuedInvitation {
  invitation: Invitation;
  /** Shown once to the owner; only its hash is stored. */
  code: string;
}

/**
 * Creates one invitation per confirming click (`actionId`): the same click delivered again creates no second one
 * and gets undefined, since the code is not kept anywhere to show it again (the owner can revoke and invite anew).
 */
export function invite(
  deps: BotDeps,
  userId: number,
  role: TeamRole,
  actionId: string,
): Promise<TeamChange<IssuedInvitation | undefined>> {
  return asOwner(deps, userId, async (ownerId) => {
    let issued: IssuedInvitation | undefined;
    await deps.store.runOnce(actionId, userId, async () => {
      const { code, codeHash, id } = newInvitationCode();
      const expiresAt = new Date(deps.now().getTime() + INVITATION_TTL_MS).toISOString();
      const clientId = await accountName(deps, ownerId);
      const invitation = await deps.store.createInvitation({
        id,
        ownerId,
        clientId,
        role,
        codeHash,
        expiresAt,
      });
      deps.logger.info({ ownerId, invitationId: id, role }, "team invitation created");
      await recordAudit(deps, userId, actionId, { action: "member_invited", details: { role } });
      issued = { invitation, code };
      return { invitationId: id };
    });
    return issued;
  });
}

export function revokeInvitation(
  deps: BotDeps,
  userId: number,
  invitationId: string,
): Promise<TeamChange<boolean>> {
  return asOwner(deps, userId, async (ownerId) => {
    const revoked = await deps.store.revokeInvitation(ownerId, invitationId);
    if (revoked) {
      deps.logger.info({ ownerId, invitationId }, "team invitation revoked");
      await recordAudit(deps, userId, `invitation_revoked:${invitationId}`, {
        action: "invitation_revoked",
        details: {},
      });
    }
    return revoked;
  });
}

export function changeRole(
  deps: BotDeps,
  userId: number,
  memberId: number,
  role: TeamRole,
  /** The confirming click's: the audit entry is recorded once, even when a crash makes the flow run this again. */
  actionId: string,
): Promise<TeamChange<TeamMember | undefined>> {
  return asOwner(deps, userId, async (ownerId) => {
    const previous = await currentMember(deps, ownerId, memberId);
    const member = previous && (await deps.store.setMemberRole(ownerId, memberId, role));
    if (member) {
      deps.logger.info({ ownerId, memberId, role }, "teammate's role changed");
      await recordAudit(deps, userId, actionId, {
        action: "role_changed",
        details: { memberId, role, ...(previous ? { previousRole: previous.role } : {}) },
      });
      await tell(deps, memberId, "team-note-role-changed", { account: member.clientId, role });
      await chatCommandsFollowRole(deps, memberId);
    }
    return member;
  });
}

/**
 * A user who chose a language has a command menu of their own chat (conversations/language.ts): it follows their new
 * role. The others see the bot's general menu, and each command checks the role anyway.
 */
async function chatCommandsFollowRole(deps: BotDeps, userId: number): Promise<void> {
  const locale = (await deps.store.getOperator(userId))?.locale;
  if (!locale) return;
  const role = roleOf(await resolveActor(deps.store, userId));
  await setChatCommands(noticeApi(deps), userId, locale, deps.i18n, role).catch((error: unknown) =>
    deps.logger.warn({ err: error, userId }, "could not update a teammate's command menu"),
  );
}

/** Ends every flow of a teammate who lost access: their next update starts from nothing. */
async function endFlowsOf(deps: BotDeps, userId: number): Promise<void> {
  await deps.store.conversationStorage.delete(String(userId));
}

export function removeTeammate(
  deps: BotDeps,
  userId: number,
  memberId: number,
): Promise<TeamChange<boolean>> {
  return asOwner(deps, userId, async (ownerId) => {
    const member = await currentMember(deps, ownerId, memberId);
    if (!member || !(await deps.store.removeMember(ownerId, memberId))) return false;
    deps.logger.info({ ownerId, memberId }, "teammate removed");
    await recordAudit(deps, userId, `member_removed:${memberId}:${member.joinedAt}`, {
      action: "member_removed",
      details: { memberId, role: member.role },
    });
    await endFlowsOf(deps, memberId);
    await tell(deps, memberId, "team-note-removed", { account: member.clientId });
    await chatCommandsFollowRole(deps, memberId);
    return true;
  });
}

/** A teammate leaves their team; the owner is told. */
export async function leaveTeam(deps: BotDeps, userId: number): Promise<boolean> {
  const member = await deps.store.getMember(userId);
  if (!member || !(await deps.store.removeMember(member.ownerId, userId))) return false;
  deps.logger.info({ ownerId: member.ownerId, memberId: userId }, "teammate left");
  await recordAudit(
    deps,
    userId,
    `member_left:${userId}:${member.joinedAt}`,
    { action: "member_left", details: { memberId: userId, role: member.role } },
    member.ownerId,
  );
  await tell(deps, member.ownerId, "team-note-left", { who: memberHtml(member) });
  await chatCommandsFollowRole(deps, userId);
  return true;
}

/** Why an invitation cannot be used now, beyond the store's reasons: see acceptInvitation. */
export type JoinRefusal = RedeemRefusal | "logged-in" | "owner-away";

export type AcceptOutcome =
  | { ok: true; member: TeamMember; account: string }
  | { ok: false; reason: JoinRefusal };

/**
 * Whether `userId` may join by `invitation` now, before the code is used: not a user logged in to an account of
 * their own, and only while the owner is logged in to the account the invitation is for (a pending invitation of an
 * account the owner left would let the teammate join an account nobody is logged in to).
 */
export async function joinRefusal(
  deps: BotDeps,
  userId: number,
  invitation: Invitation,
): Promise<JoinRefusal | undefined> {
  if ((await deps.store.getOperator(userId))?.hasCredentials) return "logged-in";
  // A used or revoked invitation is refused as such by the store, which says more than that the owner is away.
  if (invitation.state === "pending" && !(await ownerStillOn(deps, invitation))) return "owner-away";
  return undefined;
}

/**
 * The invitee accepts: the code is used once, atomically, if joinRefusal allows it. `name` is how Telegram names them,
 * kept so the team shows them by it.
 */
export async function acceptInvitation(
  deps: BotDeps,
  userId: number,
  code: string,
  name: MemberName,
): Promise<AcceptOutcome> {
  const codeHash = hashInvitationCode(code);
  const invitation = await deps.store.findInvitation(codeHash);
  const refusal = invitation && (await joinRefusal(deps, userId, invitation));
  if (refusal) return { ok: false, reason: refusal };
  const redeemed = await deps.store.redeemInvitation(codeHash, userId, name);
  if (!redeemed.ok) return redeemed;
  const { member } = redeemed;
  // The teammate's own settings (language, zone, digest off) live in an operator record of their own.
  await deps.store.updateOperator(userId, {});
  deps.logger.info({ ownerId: member.ownerId, memberId: userId, role: member.role }, "teammate joined");
  await recordAudit(deps, userId, `member_joined:${userId}:${member.joinedAt}`, {
    action: "member_joined",
    details: { memberId: userId, role: member.role },
  });
  await tell(deps, member.ownerId, "team-note-joined", { who: memberHtml(member), role: member.role });
  await chatCommandsFollowRole(deps, userId);
  return { ok: true, member, account: member.clientId };
}

/** premiumpay refused the owner's credentials: their teammates are told once and lose access until a new login. */
export async function credentialsRefused(deps: BotDeps, ownerId: number): Promise<void> {
  const members = await deps.store.listMembers(ownerId);
  if (members.length === 0 || !(await deps.store.setCredentialsRefused(ownerId, true))) return;
  deps.logger.warn(
    { ownerId, teammates: members.length },
    "premiumpay refused the owner's credentials; team paused",
  );
  await toldTeam(deps, members, "team-note-owner-refused");
}

/**
 * premiumpay refused the credentials `userId` acts with (their own, or their owner's for a teammate), seen by the
 * background work: the same rule as the bot's own calls (operator.ts).
 */
export async function actorCredentialsRefused(deps: BotDeps, userId: number): Promise<void> {
  const actor = await resolveActor(deps.store, userId);
  if (actor.kind !== "guest") await credentialsRefused(deps, actor.accountId);
}

/**
 * Revokes the owner's pending invitations that are not for `keptAccount` (all of them without one): an invitation
 * outliving the login it was issued under would let someone join an account its owner has left.
 */
async function revokeInvitationsOutside(deps: BotDeps, ownerId: number, keptAccount?: string): Promise<void> {
  for (const invitation of await deps.store.listInvitations(ownerId)) {
    if (invitation.clientId === keptAccount) continue;
    if (!(await deps.store.revokeInvitation(ownerId, invitation.id))) continue;
    deps.logger.info(
      { ownerId, invitationId: invitation.id },
      "team invitation revoked with its account's login",
    );
    await recordAudit(deps, ownerId, `invitation_revoked:${invitation.id}`, {
      action: "invitation_revoked",
      details: {},
    });
  }
}

/**
 * Before the owner's logout: pending invitations are revoked (first, so none is used while the team is told), and
 * the team is told once that it has no access until the owner logs in again.
 */
export async function ownerLoggedOut(deps: BotDeps, ownerId: number): Promise<void> {
  await revokeInvitationsOutside(deps, ownerId);
  const members = await deps.store.listMembers(ownerId);
  await toldTeam(deps, members, "team-note-owner-logged-out");
}

/**
 * The owner logged in (`previousAccount`: the account they were logged in to before, if any). Switched to another
 * account: the old account's pending invitations are revoked and its teammates told once that they have no access
 * until the owner logs in to it again. A team paused by refused credentials, a logout or a switch is told it is
 * back when the owner comes back to the account the teammates joined.
 */
export async function ownerLoggedIn(
  deps: BotDeps,
  ownerId: number,
  previousAccount: string | null,
): Promise<void> {
  const wasRefused = await deps.store.setCredentialsRefused(ownerId, false);
  const account = await accountName(deps, ownerId);
  if (previousAccount !== null && previousAccount !== account) {
    await revokeInvitationsOutside(deps, ownerId, account);
    const left = (await deps.store.listMembers(ownerId)).filter(
      (member) => member.clientId === previousAccount,
    );
    await toldTeam(deps, left, "team-note-owner-switched");
  }
  if (previousAccount === account && !wasRefused) return;
  await toldTeam(deps, await currentTeam(deps, ownerId), "team-note-owner-back");
}

async function toldTeam(deps: BotDeps, members: TeamMember[], key: string): Promise<void> {
  for (const member of members) await tell(deps, member.telegramId, key, { account: member.clientId });
}
