import { Composer } from "grammy";
import { isGroupAdmin, switchOffTeamGroup } from "../../groups/index.js";
import { TeamGroupTakenError } from "../../store/index.js";
import type { BotContext } from "../context.js";

/**
 * What the bot does in groups: /connect by an owner who administers the group, and following the connected group
 * when it migrates to a supergroup or the bot is removed. Nothing else: every other update of a group goes on to
 * the groups guard, which only greets a group the bot is added to. Nothing here has a button.
 */
export const teamGroupUpdates = new Composer<BotContext>();
const groups = teamGroupUpdates.chatType(["group", "supergroup"]);

groups.command("connect", async (ctx) => {
  const { store, now } = ctx.deps;
  const userId = ctx.from?.id;
  if (userId === undefined) return;
  if (!(await store.getOperator(userId))?.hasCredentials) {
    await ctx.reply(ctx.html("team-group-connect-no-account"));
    return;
  }
  // Asked of Telegram at the moment of connecting: being an administrator is not something the bot remembers.
  const member = await ctx.api.getChatMember(ctx.chat.id, userId);
  if (!isGroupAdmin(member.status)) {
    await ctx.reply(ctx.html("team-group-connect-not-admin"));
    return;
  }
  const title = ctx.chat.title.slice(0, 256);
  if ((await store.getTeamGroup(userId))?.chatId === ctx.chat.id) {
    await ctx.reply(ctx.html("team-group-connect-already"));
    return;
  }
  let previous: Awaited<ReturnType<typeof store.connectTeamGroup>>;
  try {
    previous = await store.connectTeamGroup(
      {
        account: userId,
        chatId: ctx.chat.id,
        title,
        digest: true,
        alerts: true,
        connectedBy: userId,
        connectedAt: now().toISOString(),
      },
      {
        key: `group:${ctx.chat.id}:${ctx.update.update_id}`,
        account: userId,
        actor: userId,
        action: "group_connected",
        details: { groupId: ctx.chat.id, groupTitle: title },
      },
    );
  } catch (error) {
    if (!(error instanceof TeamGroupTakenError)) throw error;
    await ctx.reply(ctx.html("team-group-connect-taken"));
    return;
  }
  ctx.deps.logger.info({ userId, chatId: ctx.chat.id }, "team group connected");
  await ctx.reply(ctx.html("team-group-connected", { name: ctx.from?.first_name ?? "" }));
  const note = previous
    ? ctx.html("team-group-connected-owner-replaced", { group: title, previous: previous.title })
    : ctx.html("team-group-connected-owner", { group: title });
  await ctx.api.sendMessage(userId, note).catch(() => undefined);
});

// A group turned supergroup: Telegram sends this in the old chat; the link follows the new id, settings unchanged.
groups.on("message:migrate_to_chat_id", async (ctx) => {
  const moved = await ctx.deps.store.moveTeamGroup(ctx.chat.id, ctx.message.migrate_to_chat_id);
  if (moved)
    ctx.deps.logger.info({ userId: moved.account, chatId: moved.chatId }, "team group became a supergroup");
});

groups.on("my_chat_member", async (ctx, next) => {
  const status = ctx.myChatMember.new_chat_member.status;
  if (status !== "left" && status !== "kicked") return next();
  const group = await ctx.deps.store.findTeamGroup(ctx.chat.id);
  if (!group) return;
  const { deps } = ctx;
  await switchOffTeamGroup(
    { store: deps.store, i18n: deps.i18n, defaultLocale: deps.config.defaultLocale, logger: deps.logger },
    group,
    "bot-removed",
    ctx.from.id,
    (chatId, html) => ctx.api.sendMessage(chatId, html),
  );
});

/** /connect belongs in the group; in a private chat it says how. */
export const connectInPrivate = new Composer<BotContext>();
connectInPrivate
  .chatType("private")
  .command("connect", (ctx) => ctx.reply(ctx.html("team-group-connect-private")));
