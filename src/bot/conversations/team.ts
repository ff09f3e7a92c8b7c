import { InlineKeyboard } from "grammy";
import { z } from "zod";
import { type Invitation, type TeamMember, type TeamRole, teamRoleSchema } from "../../store/index.js";
import { type Actor, resolveActor } from "../../team/acting.js";
import { memberHtml, memberLabel } from "../../team/names.js";
import { denialText } from "../access.js";
import { type TeamAction, teamCallback } from "../callback-data/team.js";
import type { FlowContext } from "../context.js";
import type { Screen, View } from "../screens/index.js";
import { flowNow } from "../screens/index.js";
import {
  actorAccount,
  changeRole,
  currentTeam,
  invite,
  leaveTeam,
  removeTeammate,
  revokeInvitation,
  type TeamChange,
} from "../team-changes.js";

const NONE = "-";
const memberIdSchema = z.coerce.number().int().positive();
const button = (ctx: FlowContext, label: string, action: TeamAction, a = NONE, b = NONE) =>
  [ctx.t(label), teamCallback.pack(action, a, b)] as const;

interface TeamView {
  actor: Actor;
  account: string;
  members: TeamMember[];
  invitations: Invitation[];
}

const HOUR_MS = 60 * 60 * 1000;

/** A teammate of the list last shown, by name where it knows them (a button may name one no longer listed). */
const shownMember = (view: TeamView, telegramId: number) =>
  memberHtml(view.members.find((member) => member.telegramId === telegramId) ?? { telegramId });

function ownerView(ctx: FlowContext, view: TeamView, now: Date): { text: string; keyboard: InlineKeyboard } {
  const lines = [ctx.html("team-title", { account: view.account })];
  lines.push(view.members.length ? ctx.html("team-members") : ctx.html("team-no-members"));
  for (const member of view.members) {
    lines.push(ctx.html("team-member-line", { who: memberHtml(member), role: member.role }));
  }
  if (view.invitations.length) lines.push(ctx.html("team-invitations"));
  for (const invitation of view.invitations) {
    const hours = Math.max(1, Math.ceil((Date.parse(invitation.expiresAt) - now.getTime()) / HOUR_MS));
    lines.push(ctx.html("team-invitation-line", { role: invitation.role, hours }));
  }
  const keyboard = new InlineKeyboard().text(...button(ctx, "team-button-invite", "invite")).row();
  for (const member of view.members) {
    const label = ctx.t("team-button-member", { who: memberLabel(member), role: member.role });
    keyboard.text(label, teamCallback.pack("member", String(member.telegramId), NONE)).row();
  }
  for (const invitation of view.invitations) {
    const label = ctx.t("team-button-revoke", { role: invitation.role });
    keyboard.text(label, teamCallback.pack("revoke", invitation.id, NONE)).row();
  }
  keyboard.text(...button(ctx, "team-button-close", "close"));
  return { text: lines.join("\n"), keyboard };
}

/** Everything /team shows, read afresh after every change. */
async function readTeam(screen: Screen): Promise<TeamView> {
  const { deps } = screen.ctx;
  const userId = screen.ctx.from!.id;
  return screen.conversation.external(async () => {
    const actor = await resolveActor(deps.store, userId);
    if (actor.kind === "guest") return { actor, account: "", members: [], invitations: [] };
    const account = await actorAccount(deps, actor);
    if (actor.kind === "teammate") return { actor, account, members: [], invitations: [] };
    // Only the account the owner is logged in to now: teammates of another one are not this account's.
    const invitations = await deps.store.listInvitations(actor.accountId);
    return {
      actor,
      account,
      members: await currentTeam(deps, actor.accountId),
      invitations: invitations.filter((invitation) => invitation.clientId === account),
    };
  });
}

/**
 * What a change did, in a message of its own above the team's list (which comes again below it); a change
 * refused by the role policy says why.
 */
async function tellChange<T>(
  screen: Screen,
  change: TeamChange<T>,
  done: (value: T) => string,
): Promise<void> {
  await screen.retire();
  await screen.ctx.reply(change.ok ? done(change.value) : denialText(screen.ctx, change.denial));
  screen.messageId = undefined;
}

/**
 * /team: the owner lists teammates and pending invitations, invites (a single-use link valid 24 hours), changes
 * roles, removes teammates and revokes invitations; a teammate sees their account and role and may leave. Every
 * change is made by team-changes.ts, which checks the role again when it acts.
 */
export async function teamFlow(screen: Screen): Promise<void> {
  const { deps } = screen.ctx;
  const userId = screen.ctx.from!.id;
  /** A step of /team below its list (pick a role, a teammate, a confirmation); the list again when undefined. */
  let step: View | undefined;
  let view: TeamView = { actor: { kind: "guest", userId }, account: "", members: [], invitations: [] };
  for (;;) {
    if (step) {
      await screen.show(step.text, step.keyboard);
      step = undefined;
    } else {
      view = await readTeam(screen);
      const { ctx } = screen;
      if (view.actor.kind === "guest") {
        await screen.show(ctx.html("need-login"));
        return;
      }
      const shown =
        view.actor.kind === "teammate"
          ? {
              text: ctx.html("team-teammate", { account: view.account, role: view.actor.role }),
              keyboard: new InlineKeyboard()
                .text(...button(ctx, "team-button-leave", "leave"))
                .text(...button(ctx, "team-button-close", "close")),
            }
          : ownerView(ctx, view, await flowNow(screen.conversation, deps));
      await screen.show(shown.text, shown.keyboard);
    }
    const { value } = await screen.button(teamCallback);
    const [action, a, b] = value;
    const press = screen.ctx;
    switch (action) {
      case "close":
        await screen.close(press.html("team-closed"));
        return;
      case "back":
        continue;
      case "invite": {
        step = {
          text: press.html("team-invite-pick-role"),
          keyboard: new InlineKeyboard()
            .text(...button(press, "team-role-viewer", "invite-as", "viewer"))
            .text(...button(press, "team-role-manager", "invite-as", "manager"))
            .row()
            .text(...button(press, "team-button-back", "back")),
        };
        continue;
      }
      case "invite-as": {
        const role = teamRoleSchema.safeParse(a);
        if (!role.success) continue;
        const actionId = `team-invite:${screen.chatId}:${press.callbackQuery!.id}`;
        const change = await screen.conversation.external(() => invite(deps, userId, role.data, actionId));
        const username = press.me.username;
        await tellChange(screen, change, (issued) =>
          issued
            ? press.html("team-invite-created", {
                link: `https://t.me/${username}?start=${issued.code}`,
                code: issued.code,
                role: role.data,
              })
            : press.html("team-invite-repeated"),
        );
        continue;
      }
      case "member": {
        const id = memberIdSchema.safeParse(a);
        const member = view.members.find((candidate) => candidate.telegramId === id.data);
        if (!member) continue;
        const other: TeamRole = member.role === "viewer" ? "manager" : "viewer";
        step = {
          text: press.html("team-member", { who: memberHtml(member), role: member.role }),
          keyboard: new InlineKeyboard()
            .text(
              press.t("team-button-set-role", { role: other }),
              teamCallback.pack("set-role", String(member.telegramId), other),
            )
            .row()
            .text(...button(press, "team-button-remove", "remove", String(member.telegramId)))
            .row()
            .text(...button(press, "team-button-back", "back")),
        };
        continue;
      }
      case "set-role": {
        const id = memberIdSchema.safeParse(a);
        const role = teamRoleSchema.safeParse(b);
        if (!id.success || !role.success) continue;
        const actionId = `team-role:${screen.chatId}:${press.callbackQuery!.id}`;
        const change = await screen.conversation.external(() =>
          changeRole(deps, userId, id.data, role.data, actionId),
        );
        await tellChange(screen, change, (member) =>
          member
            ? press.html("team-role-changed", { who: memberHtml(member), role: member.role })
            : press.html("team-not-member"),
        );
        continue;
      }
      case "remove": {
        const id = memberIdSchema.safeParse(a);
        if (!id.success) continue;
        step = {
          text: press.html("team-remove-confirm", { who: shownMember(view, id.data) }),
          keyboard: new InlineKeyboard()
            .text(...button(press, "team-button-remove-yes", "remove-yes", a))
            .text(...button(press, "team-button-back", "back")),
        };
        continue;
      }
      case "remove-yes": {
        const id = memberIdSchema.safeParse(a);
        if (!id.success) continue;
        const change = await screen.conversation.external(() => removeTeammate(deps, userId, id.data));
        await tellChange(screen, change, (removed) =>
          press.html(removed ? "team-removed" : "team-not-member", { who: shownMember(view, id.data) }),
        );
        continue;
      }
      case "revoke": {
        const change = await screen.conversation.external(() => revokeInvitation(deps, userId, a));
        await tellChange(screen, change, (revoked) =>
          press.html(revoked ? "team-revoked" : "team-revoke-gone"),
        );
        continue;
      }
      case "leave": {
        step = {
          text: press.html("team-leave-confirm", { account: view.account }),
          keyboard: new InlineKeyboard()
            .text(...button(press, "team-button-leave-yes", "leave-yes"))
            .text(...button(press, "team-button-back", "back")),
        };
        continue;
      }
      case "leave-yes": {
        const left = await screen.conversation.external(() => leaveTeam(deps, userId));
        await screen.close(press.html(left ? "team-left" : "team-not-member"));
        return;
      }
    }
  }
}
