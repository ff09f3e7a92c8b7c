import { InlineKeyboard } from "grammy";
import { recordAudit } from "../audit.js";
import { logoutCallback } from "../callback-data/index.js";
import type { Screen } from "../screens/index.js";
import { ownerLoggedOut } from "../team-changes.js";

/**
 * /logout: asks first, then deletes the owner's login and everything stored about them. The confirmation is a
 * screen of this run: its buttons expire with it, so an old "Yes, log me out" cannot end a later login.
 */
export async function logoutFlow(screen: Screen): Promise<void> {
  const { deps } = screen.ctx;
  const { store } = deps;
  const userId = screen.ctx.from!.id;
  const standing = await screen.conversation.external(async () => {
    // Only the owner logs out (a teammate has no login of their own).
    if (await store.getMember(userId)) return "teammate";
    return (await store.getOperator(userId))?.hasCredentials ? "owner" : "logged-out";
  });
  if (standing !== "owner") {
    await screen.show(screen.ctx.html(standing === "teammate" ? "team-logout-teammate" : "logout-already"));
    return;
  }
  await screen.show(
    screen.ctx.html("logout-confirm"),
    new InlineKeyboard()
      .text(screen.ctx.t("logout-yes"), logoutCallback.pack("yes"))
      .text(screen.ctx.t("logout-no"), logoutCallback.pack("no")),
  );
  const { ctx, value } = await screen.button(logoutCallback);
  if (value[0] !== "yes") {
    await screen.close(ctx.html("logout-kept"));
    return;
  }
  // Replayed in full if the click is delivered again after a crash: the audit entry is keyed by the click, so it is
  // recorded once, and the deletions find nothing left to delete.
  const clickId = ctx.callbackQuery!.id;
  await screen.conversation.external(async () => {
    // Recorded before the deletion: a redelivered click still finds the login, and its key makes it one entry.
    if ((await store.getOperator(userId))?.hasCredentials) {
      await recordAudit(deps, userId, `logout:${clickId}`, { action: "logout", details: {} });
    }
    // Their team is told it has no access for now; the team group goes with the login.
    await ownerLoggedOut(deps, userId);
    await store.deleteOperator(userId);
    await store.disconnectTeamGroup(userId);
  });
  await screen.close(ctx.html("logout-done"));
}
