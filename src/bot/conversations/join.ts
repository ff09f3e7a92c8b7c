import { InlineKeyboard } from "grammy";
import type { TeamRole } from "../../store/index.js";
import { hashInvitationCode, invitationCodeSchema } from "../../team/codes.js";
import { telegramName } from "../../team/names.js";
import { joinCallback } from "../callback-data/team.js";
import type { Screen } from "../screens/index.js";
import { flowNow } from "../screens/index.js";
import { acceptInvitation, type JoinRefusal, joinRefusal } from "../team-changes.js";

/** The code of `/start <code>`, as Telegram sends a t.me/<bot>?start=<code> link. */
export const startPayload = (text: string | undefined): string | undefined =>
  /^\/start(?:@\w+)?\s+(\S+)/.exec(text ?? "")?.[1];

type Preview = { ok: true; account: string; role: TeamRole } | { ok: false; reason: JoinRefusal };

/**
 * /start <code>: shows the invitee which account and role the invitation is for and asks them to accept. The code
 * is checked again, and used once, when they accept (team-changes.ts).
 */
export async function joinFlow(screen: Screen): Promise<void> {
  const { deps } = screen.ctx;
  const userId = screen.ctx.from!.id;
  const code = startPayload(screen.ctx.message?.text) ?? "";
  const now = await flowNow(screen.conversation, deps);
  const preview = await screen.conversation.external(async (): Promise<Preview> => {
    if (!invitationCodeSchema.safeParse(code).success) return { ok: false, reason: "unknown" };
    const invitation = await deps.store.findInvitation(hashInvitationCode(code));
    if (!invitation) {
      deps.logger.warn({ userId }, "an invitation code that was never issued was tried");
      return { ok: false, reason: "unknown" };
    }
    if (invitation.state !== "pending") return { ok: false, reason: invitation.state };
    if (Date.parse(invitation.expiresAt) <= now.getTime()) return { ok: false, reason: "expired" };
    if (invitation.ownerId === userId) return { ok: false, reason: "own-account" };
    if (await deps.store.getMember(userId)) return { ok: false, reason: "member" };
    const refusal = await joinRefusal(deps, userId, invitation);
    if (refusal) return { ok: false, reason: refusal };
    // The account the invitation is for, which joinRefusal found the owner logged in to.
    return { ok: true, account: invitation.clientId, role: invitation.role };
  });
  if (!preview.ok) {
    await screen.show(screen.ctx.html(`join-refused-${preview.reason}`));
    return;
  }
  await screen.show(
    screen.ctx.html("join-ask", { account: preview.account, role: preview.role }),
    new InlineKeyboard()
      .text(screen.ctx.t("join-button-accept"), joinCallback.pack("yes"))
      .text(screen.ctx.t("join-button-decline"), joinCallback.pack("no")),
  );
  const { ctx, value } = await screen.button(joinCallback);
  if (value[0] === "no") {
    await screen.close(ctx.html("join-declined"));
    return;
  }
  const name = telegramName(ctx.from!);
  const accepted = await screen.conversation.external(() => acceptInvitation(deps, userId, code, name));
  if (!accepted.ok) {
    await screen.close(ctx.html(`join-refused-${accepted.reason}`));
    return;
  }
  await screen.close(ctx.html("join-done", { account: accepted.account, role: accepted.member.role }));
  await ctx.reply(ctx.html("menu-title"), { reply_markup: await screen.mainMenu(ctx) });
}
