import { Composer } from "grammy";
import { resolveActor, roleOf } from "../../team/acting.js";
import type { BotContext } from "../context.js";
import { JOIN, startPayload } from "../conversations/join.js";
import { LOGIN } from "../conversations/login.js";
import { offeredTo } from "../flow-access.js";
import { ownMainMenu } from "../keyboards/index.js";

export const startFeature = new Composer<BotContext>();

startFeature.command("start", async (ctx) => {
  // A t.me/<bot>?start=<code> invitation: the invitee sees the account and role, and accepts or not.
  if (startPayload(ctx.message?.text) !== undefined) {
    await ctx.conversation.enter(JOIN);
    return;
  }
  await ctx.reply(ctx.html("start-greeting", { name: ctx.from?.first_name ?? "" }));
  if ((await resolveActor(ctx.deps.store, ctx.from!.id)).kind === "guest") {
    await ctx.conversation.enter(LOGIN);
    return;
  }
  await ctx.reply(ctx.html("menu-title"), { reply_markup: await ownMainMenu(ctx) });
});

/** The commands /help explains, one line each (`help-line-<command>`), in this order. */
const HELP_LINES = [
  "link",
  "welcome",
  "sales",
  "results",
  "report",
  "digest",
  "alerts",
  "group",
  "audit",
  "account",
  "language",
  "login",
  "logout",
  "cancel",
] as const;

/** Only what the user's role may start, like the menus (see flows.ts). */
startFeature.command("help", async (ctx) => {
  const role = roleOf(await resolveActor(ctx.deps.store, ctx.from!.id));
  const lines = HELP_LINES.filter((command) => offeredTo(role, command)).map((command) =>
    ctx.html(`help-line-${command}`),
  );
  await ctx.reply([ctx.html("help-title"), ...lines].join("\n"), { reply_markup: await ownMainMenu(ctx) });
});
startFeature.command("menu", async (ctx) =>
  ctx.reply(ctx.html("menu-title"), { reply_markup: await ownMainMenu(ctx) }),
);
