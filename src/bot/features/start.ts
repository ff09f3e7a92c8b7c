import { resolveActor, roleOf } from "../../team/acting.js";
import type { BotContext } from "../context.js";
import { startPayload } from "../conversations/join.js";
import { commandsOf, flowOf, INVITATION_FLOW } from "../flows.js";
import { ownMainMenu } from "../keyboards/index.js";

/** /start: the greeting and the menu, the login for a guest, or an invitation to accept. */
export async function start(ctx: BotContext): Promise<void> {
  // A t.me/<bot>?start=<code> invitation: the invitee sees the account and role, and accepts or not.
  if (startPayload(ctx.message?.text) !== undefined) {
    await ctx.conversation.enter(INVITATION_FLOW);
    return;
  }
  await ctx.reply(ctx.html("start-greeting", { name: ctx.from?.first_name ?? "" }));
  if ((await resolveActor(ctx.deps.store, ctx.from!.id)).kind === "guest") {
    await ctx.conversation.enter(flowOf("login"));
    return;
  }
  await showMenu(ctx);
}

/** /help: one line per command of the table (`help-line-<command>`), only what the user's role may start. */
export async function help(ctx: BotContext): Promise<void> {
  const role = roleOf(await resolveActor(ctx.deps.store, ctx.from!.id));
  const lines = commandsOf(role).map((command) => ctx.html(`help-line-${command}`));
  await ctx.reply([ctx.html("help-title"), ...lines].join("\n"), { reply_markup: await ownMainMenu(ctx) });
}

/** /menu: the main menu of the user's role. */
export async function showMenu(ctx: BotContext): Promise<void> {
  await ctx.reply(ctx.html("menu-title"), { reply_markup: await ownMainMenu(ctx) });
}
