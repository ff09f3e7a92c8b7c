import { type ConversationData, conversations, type VersionedStateStorage } from "@grammyjs/conversations";
import { sequentialize } from "@grammyjs/runner";
import { Bot, type BotConfig, GrammyError, HttpError, type MiddlewareFn } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import { translate } from "../i18n/index.js";
import { scrubSecrets } from "../logger.js";
import { storeFaultOf } from "../store/index.js";
import { installApiTransformers } from "./api.js";
import { isStaleQueryError } from "./callback-data/acknowledge.js";
import type { BotContext, BotDeps, FlowContext } from "./context.js";
import { cancelButtons } from "./features/cancel.js";
import { staleButtonsFeature } from "./features/stale.js";
import { connectInPrivate, teamGroupUpdates } from "./features/team-group.js";
import { commandHandlers, flowConversations } from "./flow-registry.js";
import { localeMiddleware } from "./i18n.js";
import { FLOOD_NOTICE_EVERY_MS, floodControl } from "./middleware/flood.js";
import { allowList, privateChatsOnly } from "./middleware/guards.js";
import { traceUpdates } from "./middleware/trace.js";
import { removeLiveButtons } from "./screens/live-buttons.js";

export type { BotContext, BotDeps, FlowContext } from "./context.js";

/**
 * Bump when a conversation's steps change shape: flows stored by an older release are then closed with a note
 * (see closeOutdatedFlows), not replayed against steps they were not recorded with. 2: the screen module; 3:
 * hints below a view are deleted when the flow moves on, link screens in /links, charts in /sales, export in /report.
 */
export const CONVERSATION_STATE_VERSION = 3;

/**
 * A flow in progress stored by a release with other steps is deleted, its buttons taken off, and its operator told,
 * before it can load.
 */
function closeOutdatedFlows(store: BotDeps["store"]): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    const key = ctx.chat?.id.toString();
    const stored = key === undefined ? undefined : await store.conversationStorage.read(key);
    if (key !== undefined && stored && stored.version[1] !== CONVERSATION_STATE_VERSION) {
      await store.conversationStorage.delete(key);
      await removeLiveButtons(ctx.api, Number(key), stored);
      await ctx.reply(ctx.html("flow-expired-release"));
    }
    return next();
  };
}

export interface CreateBotOptions {
  /** Skips getMe at start (tests, and restarts that already know the bot). */
  botInfo?: UserFromGetMe;
  /** Runs each update of a chat under a lock shared by every replica (PostgreSQL); none with one process. */
  chatLock?: (chatId: number | undefined, handle: () => Promise<void>) => Promise<void>;
  /** Runs first, around the whole handling of each update (the metrics). */
  measure?: MiddlewareFn<BotContext>;
}

/** Builds the whole bot from its dependencies. Reading this function tells you everything the bot does. */
export function createBot(deps: BotDeps, options: CreateBotOptions = {}): Bot<BotContext> {
  const { config, store, logger } = deps;
  const botConfig: BotConfig<BotContext> = { client: { apiRoot: config.telegramApiRoot } };
  if (options.botInfo) botConfig.botInfo = options.botInfo;
  const bot = new Bot<BotContext>(config.botToken, botConfig);
  installApiTransformers(bot.api);

  const injectDeps: MiddlewareFn<FlowContext> = (ctx, next) => {
    ctx.deps = deps;
    return next();
  };
  const withLocale = localeMiddleware(deps.i18n, store, config.defaultLocale);
  // Contexts replayed inside a conversation did not pass through the tree below: they get the same plugins here.
  const flowPlugins: MiddlewareFn<FlowContext>[] = [
    injectDeps,
    withLocale,
    (ctx, next) => {
      installApiTransformers(ctx.api);
      return next();
    },
  ];

  if (options.measure) bot.use(options.measure);
  // 0. Traced (ids only); a flooding user or chat is cut off before its updates queue up below and hold the runner's slots.
  bot.use(
    traceUpdates(logger),
    floodControl(deps, {
      perUser: { updates: config.flood.maxUpdates, windowMs: config.flood.windowMs },
      backlogPerChat: config.flood.chatBacklog,
      noticeEveryMs: FLOOD_NOTICE_EVERY_MS,
    }),
  );
  // 1. One update per chat at a time, so a flow never sees its own updates out of order (needed with the runner).
  bot.use(sequentialize((ctx) => ctx.chat?.id.toString()));
  //    Across replicas too: another process may be handling this chat's previous update.
  const { chatLock } = options;
  if (chatLock) bot.use((ctx, next) => chatLock(ctx.chat?.id, next));
  // 2. Dependencies and language first: everything below, error replies included, may need them.
  bot.use(injectDeps, withLocale);
  // 3. Who may talk to the bot, and where. In groups: only /connect and the connected group's own events.
  bot.use(teamGroupUpdates);
  bot.use(privateChatsOnly());
  bot.use(allowList(config.allowedUserIds));
  // 4. Conversation state, persisted in the data folder so a restart resumes a flow.
  bot.use(closeOutdatedFlows(store));
  bot.use(
    conversations<BotContext, FlowContext>({
      storage: {
        type: "key",
        version: CONVERSATION_STATE_VERSION,
        // The store validates and encrypts what it persists; the plugin owns the shape of the state itself.
        adapter: store.conversationStorage as VersionedStateStorage<string, ConversationData>,
        getStorageKey: (ctx) => ctx.chat?.id.toString(),
      },
    }),
  );
  // 5. The flows (see flows.ts and flow-registry.ts). An active one sees every update first: its screen refuses stale buttons and closes
  //    the flow on Cancel, /cancel, another command or a main-menu button, passing the last two on.
  bot.use(
    ...flowConversations({ plugins: flowPlugins, maxMillisecondsToWait: config.conversationTimeoutMs }),
  );
  // 6. Commands and buttons, with no flow in progress: every command of the table, and /connect sent here.
  bot.use(cancelButtons, commandHandlers, connectInPrivate);
  // 7. Whatever nobody handled: stale buttons lose their keyboard, other text gets a hint.
  bot.use(staleButtonsFeature);

  /** A storage fault is told as it is: a change not saved, or a login to redo; anything else is generic. */
  const failureNoteKey = (cause: unknown) => {
    const fault = storeFaultOf(cause);
    return fault ? `error-${fault}` : "error-generic";
  };

  bot.catch(async (error) => {
    const { ctx } = error;
    const cause = error.error;
    if (isStaleQueryError(cause)) {
      // A callback delivered again after a restart was answered the first time; its action is not repeated.
      logger.info({ updateId: ctx.update.update_id }, "ignored a callback query that was already answered");
      return;
    }
    const detail =
      cause instanceof GrammyError
        ? { method: cause.method, code: cause.error_code, description: cause.description }
        : cause instanceof HttpError
          ? { http: scrubSecrets(cause.message) }
          : {};
    logger.error({ err: cause, updateId: ctx.update.update_id, ...detail }, "update failed");
    if (ctx.chat?.type !== "private") return;
    try {
      if (ctx.callbackQuery) await ctx.answerCallbackQuery().catch(() => undefined);
      // An update that failed before the locale was known (the store unreachable) gets the default language.
      const key = failureNoteKey(cause);
      const text =
        typeof ctx.html === "function" ? ctx.html(key) : translate(deps.i18n, config.defaultLocale, key);
      await ctx.reply(text);
    } catch (replyError) {
      logger.warn(
        { err: replyError, updateId: ctx.update.update_id },
        "could not tell the user about a failure",
      );
    }
  });

  return bot;
}
