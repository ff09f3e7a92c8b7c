import { InlineKeyboard } from "grammy";
import type { TeamGroup } from "../../store/index.js";
import { teamGroupCallback } from "../callback-data/audit.js";
import type { FlowContext } from "../context.js";
import type { Screen } from "../screens/index.js";

function groupView(ctx: FlowContext, group: TeamGroup) {
  const text = [
    ctx.html("team-group-title", { group: group.title }),
    ctx.html(group.digest ? "team-group-digest-on" : "team-group-digest-off"),
    ctx.html(group.alerts ? "team-group-alerts-on" : "team-group-alerts-off"),
    ctx.html("team-group-follows"),
  ].join("\n");
  const keyboard = new InlineKeyboard()
    .text(
      ctx.t(group.digest ? "team-group-button-digest-off" : "team-group-button-digest-on"),
      teamGroupCallback.pack(group.digest ? "dg-off" : "dg-on"),
    )
    .row()
    .text(
      ctx.t(group.alerts ? "team-group-button-alerts-off" : "team-group-button-alerts-on"),
      teamGroupCallback.pack(group.alerts ? "al-off" : "al-on"),
    )
    .row()
    .text(ctx.t("team-group-button-disconnect"), teamGroupCallback.pack("dc"))
    .text(ctx.t("team-group-button-done"), teamGroupCallback.pack("done"));
  return { text, keyboard };
}

/** /group in the owner's private chat: what the connected group receives, and disconnecting it. */
export async function teamGroupFlow(screen: Screen): Promise<void> {
  const { deps } = screen.ctx;
  const account = screen.ctx.from!.id;
  for (;;) {
    const group = await screen.conversation.external(() => deps.store.getTeamGroup(account));
    if (!group) {
      await screen.show(screen.ctx.html("team-group-none"));
      return;
    }
    const view = groupView(screen.ctx, group);
    await screen.show(view.text, view.keyboard);
    const { ctx, value } = await screen.button(teamGroupCallback);
    const [action] = value;
    if (action === "done") {
      await screen.close();
      return;
    }
    if (action === "dc") {
      const key = `group-off:${ctx.callbackQuery!.id}`;
      await screen.conversation.external(async (outside) => {
        const removed = await deps.store.disconnectTeamGroup(account, {
          key,
          account,
          actor: account,
          action: "group_disconnected",
          details: { groupId: group.chatId, groupTitle: group.title, reason: "owner" },
        });
        // The group is told once, by the run that removed it; a bot no longer there cannot be told.
        if (removed)
          await outside.api
            .sendMessage(removed.chatId, ctx.html("team-group-disconnected-group"))
            .catch(() => undefined);
        return true;
      });
      await screen.show(ctx.html("team-group-disconnected", { group: group.title }));
      return;
    }
    const patch = action.startsWith("dg") ? { digest: action === "dg-on" } : { alerts: action === "al-on" };
    await screen.conversation.external(() => deps.store.updateTeamGroup(account, patch));
  }
}
