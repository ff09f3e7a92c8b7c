import { randomBytes, randomInt } from "node:crypto";
import { EventEmitter } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type {
  BotCommand,
  BotCommandScope,
  Chat,
  InlineKeyboardMarkup,
  LinkPreviewOptions,
  MenuButton,
  Message,
  MessageEntity,
  Update,
  User,
  UserFromGetMe,
} from "grammy/types";
import { GroupMemberships, type MemberStatus, memberOf } from "./groups.js";
import { escapeHtml, HtmlParseError, parseTelegramHtml } from "./html.js";
import { parseReplyMarkup } from "./markup.js";
import {
  ApiError,
  badRequest,
  optBool,
  optInt,
  optJson,
  optString,
  type Params,
  readParams,
  requireChatId,
  requireMessageId,
  UploadedFile,
} from "./params.js";
import { type RateLimit, RateLimiter } from "./rate-limit.js";
import type {
  ApiCall,
  ApiFault,
  CallbackQueryRecord,
  ChatView,
  CommandSet,
  EmulatorEvents,
  EmulatorOptions,
  Faults,
  SimChat,
  SimUser,
  StoredFile,
  StoredMessage,
} from "./types.js";

interface ChatState {
  chat: Chat;
  messages: StoredMessage[];
  byId: Map<number, StoredMessage>;
  nextMessageId: number;
}

interface QueuedUpdate {
  update: Update;
  delivered: boolean;
  /** Re-enqueued with an id already handed out: delivered once even if that id was confirmed. */
  redelivery: boolean;
}

interface PendingFault {
  method: string;
  fault: ApiFault | "drop";
  remaining: number;
}

interface Poller {
  wake(): void;
  conflict(): void;
}

type Handler = (params: Params, signal: AbortSignal) => unknown;

type MessageContent = Pick<StoredMessage, "html" | "text" | "entities" | "parseMode">;

const MAX_TEXT_LENGTH = 4096;
const MAX_CAPTION_LENGTH = 1024;
/** Telegram's upload limits for bots: photos 10 MB, other files 50 MB. */
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;
export const MAX_DOCUMENT_BYTES = 50 * 1024 * 1024;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const CONFLICT_GRACE_MS = 50;
const WAIT_FOR_POLL_MS = 25;
const NOT_MODIFIED =
  "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message";
const QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid";
const CHAT_ACTIONS = new Set([
  "typing",
  "upload_photo",
  "record_video",
  "upload_video",
  "record_voice",
  "upload_voice",
  "upload_document",
  "choose_sticker",
  "find_location",
  "record_video_note",
  "upload_video_note",
]);
const SCOPE_TYPES = new Set([
  "default",
  "all_private_chats",
  "all_group_chats",
  "all_chat_administrators",
  "chat",
  "chat_administrators",
  "chat_member",
]);
const CHAT_SCOPE_TYPES = new Set(["chat", "chat_administrators", "chat_member"]);

/**
 * A local Telegram Bot API server for tests, the browser demo and benchmarks: the bot talks to it
 * over real HTTP exactly as to api.telegram.org, while the driver side plays the users.
 */
export class BotApiEmulator {
  readonly token: string;
  readonly botInfo: UserFromGetMe;
  /** Live feed of what happens in the chats, for views such as the demo's server-sent events. */
  readonly events = new EventEmitter<EmulatorEvents>();
  /** Every call the bot made, in the order they were answered. */
  readonly calls: ApiCall[] = [];
  /** Every callback query sent by a simulated user, with the bot's answer once given. */
  readonly callbackQueries = new Map<string, CallbackQueryRecord>();
  /** Inline keyboards the bot sent with an empty row (Telegram takes them; a client shows a gap). */
  readonly keyboardsWithEmptyRows: { method: string; keyboard: InlineKeyboardMarkup }[] = [];
  /** Menu buttons set with setChatMenuButton, by chat id ("default" without chat_id). */
  readonly menuButtons = new Map<number | "default", MenuButton>();
  readonly faults: Faults;
  private apiRootValue = "";
  private webhookUrl: string | undefined;
  private readonly server: Server;
  private readonly handlers: Map<string, { name: string; handler: Handler }>;
  private readonly chats = new Map<number, ChatState>();
  private readonly users = new Map<number, SimUser>();
  private readonly blocked = new Set<number>();
  private readonly pendingFaults: PendingFault[] = [];
  private readonly commandSets = new Map<string, CommandSet>();
  private readonly limiter = new RateLimiter();
  private readonly groups: GroupMemberships;
  private readonly changeListeners = new Set<() => void>();
  /**
   * waitForBotMessage's waiters by chat. Kept out of `events`: a test with 200 operators waiting at once is not
   * a listener leak, and a message wakes only its own chat's waiters.
   */
  private readonly botMessageWaiters = new Map<number, Set<(message: StoredMessage) => void>>();
  private readonly historyLimit: number;
  private queue: QueuedUpdate[] = [];
  private allowedUpdates: string[] = [];
  private poller: Poller | undefined;
  private nextUpdateId = 1;
  private nextCallbackId = 1;
  private nextFileId = 1;
  private readonly files = new Map<string, StoredFile>();
  private closed = false;

  private constructor(options: EmulatorOptions) {
    this.token =
      options.token ?? `${randomInt(1_000_000, 9_999_999_999)}:${randomBytes(27).toString("base64url")}`;
    const botId = Number(this.token.split(":")[0]);
    this.botInfo = {
      id: Number.isSafeInteger(botId) ? botId : 1,
      is_bot: true,
      first_name: options.botFirstName ?? "Emulated Bot",
      username: options.botUsername ?? "emulated_bot",
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
      has_topics_enabled: false,
      allows_users_to_create_topics: false,
      can_manage_bots: false,
      supports_join_request_queries: false,
    };
    this.historyLimit = options.historyLimit ?? Number.POSITIVE_INFINITY;
    this.groups = new GroupMemberships(this.botInfo.id);
    this.limiter.set(options.rateLimit ?? null);
    this.faults = {
      failNext: (method, fault, times = 1) =>
        this.pendingFaults.push({ method: method.toLowerCase(), fault, remaining: times }),
      dropNext: (method, times = 1) =>
        this.pendingFaults.push({ method: method.toLowerCase(), fault: "drop", remaining: times }),
      blockUser: (userId) => this.blocked.add(userId),
      unblockUser: (userId) => this.blocked.delete(userId),
      clear: () => {
        this.pendingFaults.length = 0;
        this.blocked.clear();
      },
    };
    const methods: Record<string, Handler> = {
      getMe: () => this.botInfo,
      getUpdates: (p, signal) => this.getUpdates(p, signal),
      setWebhook: (p) => this.setWebhook(p),
      deleteWebhook: (p) => this.deleteWebhook(p),
      getWebhookInfo: () => ({
        url: this.webhookUrl ?? "",
        has_custom_certificate: false,
        pending_update_count: this.queue.length,
      }),
      sendMessage: (p) => this.sendMessage(p),
      sendPhoto: (p) => this.sendMedia(p, "photo"),
      sendDocument: (p) => this.sendMedia(p, "document"),
      editMessageText: (p) => this.editMessageText(p),
      editMessageReplyMarkup: (p) => this.editMessageReplyMarkup(p),
      deleteMessage: (p) => this.deleteMessage(p),
      answerCallbackQuery: (p) => this.answerCallbackQuery(p),
      sendChatAction: (p) => this.sendChatAction(p),
      getChatMember: (p) => this.getChatMember(p),
      setMyCommands: (p) => this.setMyCommands(p),
      getMyCommands: (p) => this.commands(this.commandKeyParams(p)),
      deleteMyCommands: (p) => this.deleteMyCommands(p),
      setChatMenuButton: (p) => this.setChatMenuButton(p),
      getChatMenuButton: (p) =>
        this.menuButtons.get(optInt(p, "chat_id") ?? "default") ?? { type: "default" },
      close: () => true,
      logOut: () => true,
    };
    this.handlers = new Map(
      Object.entries(methods).map(([name, handler]) => [name.toLowerCase(), { name, handler }]),
    );
    this.server = createServer((req, res) => void this.handleRequest(req, res));
    // Keep-alive sockets stay open until close(): an idle timeout would race grammY's connection reuse.
    this.server.keepAliveTimeout = 0;
  }

  static async start(options: EmulatorOptions = {}): Promise<BotApiEmulator> {
    const emulator = new BotApiEmulator(options);
    const host = options.host ?? "127.0.0.1";
    await new Promise<void>((resolve, reject) => {
      emulator.server.once("error", reject);
      emulator.server.listen(options.port ?? 0, host, () => resolve());
    });
    const { port } = emulator.server.address() as AddressInfo;
    emulator.apiRootValue = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
    return emulator;
  }

  /** Pass as grammY's `client.apiRoot`. */
  get apiRoot(): string {
    return this.apiRootValue;
  }

  /** The URL recorded by setWebhook, if any. */
  get webhook(): string | undefined {
    return this.webhookUrl;
  }

  // ---- Driver side: simulated users ----

  /** Makes the user known, so the bot may message them before they write (as after an earlier /start). */
  addUser(user: SimUser): void {
    this.users.set(user.id, user);
    this.chatState(privateChat(user));
  }

  /** The user sends a text message; commands get a bot_command entity. Returns the enqueued update. */
  sendText(user: SimUser, text: string, options: { chat?: SimChat } = {}): Update {
    const chat = options.chat ? groupChat(options.chat) : privateChat(user);
    if (chat.type === "private") this.assertCanWrite(user);
    if (text.trim() === "") throw new Error("A Telegram user cannot send an empty message");
    if (text.length > MAX_TEXT_LENGTH) throw new Error("A Telegram user cannot send over 4096 characters");
    this.users.set(user.id, user);
    const state = this.chatState(chat);
    const command = /^\/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?/.exec(text);
    const stored = this.appendMessage(state, {
      from: "user",
      senderId: user.id,
      html: escapeHtml(text),
      text,
      entities: command ? [{ type: "bot_command", offset: 0, length: command[0].length }] : [],
    });
    return this.enqueue({ update_id: this.nextUpdateId++, message: this.toMessage(stored) } as Update);
  }

  /**
   * The user taps an inline button of a bot message. Throws if the message has no button with this
   * callback_data, unless `force` (to forge data, as a hostile client could).
   */
  clickButton(
    user: SimUser,
    messageId: number,
    callbackData: string,
    options: { chatId?: number; force?: boolean } = {},
  ): Update {
    const chatId = options.chatId ?? user.id;
    if (chatId === user.id) this.assertCanWrite(user);
    const message = this.chats.get(chatId)?.byId.get(messageId);
    if (message === undefined || message.deleted || message.from !== "bot") {
      throw new Error(`Chat ${chatId} has no visible bot message ${messageId} to click on`);
    }
    const buttons = message.replyMarkup?.inline_keyboard.flat() ?? [];
    if (!options.force && !buttons.some((b) => "callback_data" in b && b.callback_data === callbackData)) {
      const available = buttons
        .map((b) => ("callback_data" in b ? b.callback_data : `(${b.text})`))
        .join(", ");
      throw new Error(
        `Message ${messageId} has no button with callback_data "${callbackData}"; it has: ${available || "none"}`,
      );
    }
    this.users.set(user.id, user);
    const id = String(8_000_000_000_000 + this.nextCallbackId++);
    this.remember(this.callbackQueries, id, {
      id,
      userId: user.id,
      chatId,
      messageId,
      data: callbackData,
      createdAt: Date.now(),
    });
    return this.enqueue({
      update_id: this.nextUpdateId++,
      callback_query: {
        id,
        from: telegramUser(user),
        message: this.toMessage(message),
        chat_instance: `emulated-${chatId}`,
        data: callbackData,
      },
    });
  }

  // ---- Driver side: groups ----

  /** `by` adds the bot to a group (my_chat_member update); `members` are the group's people and their standing. */
  addBotToGroup(
    chat: SimChat,
    by: SimUser,
    members: readonly { user: SimUser; status: MemberStatus }[] = [{ user: by, status: "creator" }],
  ): Update {
    this.chatState(groupChat(chat));
    for (const { user, status } of members) {
      this.users.set(user.id, user);
      this.groups.set(chat.id, user.id, status);
    }
    return this.botStatusChange(chat.id, by, "member");
  }

  /** `by` removes the bot from the group (kicked) or the bot is told it left; later sends there get 403. */
  removeBotFromGroup(chatId: number, by: SimUser, status: "kicked" | "left" = "kicked"): Update {
    return this.botStatusChange(chatId, by, status);
  }

  /** A member's standing changes (promoted, demoted, left); getChatMember answers the new one. No update is sent. */
  setMemberStatus(chatId: number, user: SimUser, status: MemberStatus): void {
    this.users.set(user.id, user);
    this.groups.set(chatId, user.id, status);
  }

  /**
   * The group becomes a supergroup with `toChatId`: the bot gets the service messages of both chats (the old one's
   * migrate_to_chat_id, the new one's migrate_from_chat_id), and sends to the old id get 400 with the new id.
   */
  migrateGroup(fromChatId: number, toChatId: number, by: SimUser): void {
    const old = this.knownChat(fromChatId);
    const title = "title" in old.chat ? old.chat.title : undefined;
    this.groups.migrate(fromChatId, toChatId);
    const target = this.chatState(
      groupChat({ id: toChatId, type: "supergroup", ...(title ? { title } : {}) }),
    );
    const date = Math.floor(Date.now() / 1000);
    const service = (state: ChatState, field: Record<string, number>) => {
      const stored = this.appendMessage(state, {
        from: "user",
        senderId: by.id,
        html: "",
        text: "",
        entities: [],
      });
      const { text: _text, ...message } = this.toMessage(stored) as Message & { text?: string };
      this.enqueue({ update_id: this.nextUpdateId++, message: { ...message, date, ...field } } as Update);
    };
    service(old, { migrate_to_chat_id: toChatId });
    service(target, { migrate_from_chat_id: fromChatId });
  }

  private botStatusChange(chatId: number, by: SimUser, status: "member" | "kicked" | "left"): Update {
    const state = this.knownChat(chatId);
    const before = this.groups.set(chatId, this.botInfo.id, status);
    return this.enqueue({
      update_id: this.nextUpdateId++,
      my_chat_member: {
        chat: state.chat,
        from: telegramUser(by),
        date: Math.floor(Date.now() / 1000),
        old_chat_member: memberOf(this.botInfo, before),
        new_chat_member: memberOf(this.botInfo, status),
      },
    } as Update);
  }

  /** The user deletes a message for both sides, as Telegram allows in private chats; the bot is not told. */
  deleteAsUser(user: SimUser, messageId: number, options: { chatId?: number } = {}): void {
    const chatId = options.chatId ?? user.id;
    const state = this.chats.get(chatId);
    const message = state?.byId.get(messageId);
    if (state === undefined || message === undefined || message.deleted) {
      throw new Error(`Chat ${chatId} has no message ${messageId} to delete`);
    }
    this.markDeleted(state, message);
  }

  /**
   * Enqueues an update as given. Reusing an update_id already handed out simulates duplicate delivery
   * (a bot killed before confirming): that update is delivered once more even if its id was confirmed.
   */
  enqueueRaw(update: Partial<Update>): Update {
    const id = update.update_id;
    if (id === undefined) return this.enqueue({ ...update, update_id: this.nextUpdateId++ });
    const redelivery = id < this.nextUpdateId;
    this.nextUpdateId = Math.max(this.nextUpdateId, id + 1);
    return this.enqueue({ ...update, update_id: id }, redelivery);
  }

  /** Updates waiting for the bot, delivered or not, until confirmed by a getUpdates offset. */
  pendingUpdates(): number {
    return this.queue.length;
  }

  chat(chatId: number): ChatView {
    const state = this.chats.get(chatId);
    if (state === undefined) throw new Error(`Chat ${chatId} is unknown to the emulator`);
    const messages = state.messages.slice();
    const botMessages = () => messages.filter((m) => m.from === "bot" && !m.deleted);
    return { chat: state.chat, messages, botMessages, lastBotMessage: () => botMessages().at(-1) };
  }

  /** Callback query ids the bot has not answered yet. */
  unansweredCallbacks(): string[] {
    return [...this.callbackQueries.values()].filter((q) => q.answer === undefined).map((q) => q.id);
  }

  /** The command list stored for exactly this scope and language (Telegram's getMyCommands). */
  commands(options: { scope?: BotCommandScope; languageCode?: string } = {}): BotCommand[] {
    return this.commandSets.get(commandKey(options.scope, options.languageCode))?.commands ?? [];
  }

  /** The commands a user's menu shows in their private chat, resolved in Telegram's order of scopes. */
  menuCommandsFor(user: SimUser): BotCommand[] {
    const scopes: BotCommandScope[] = [
      { type: "chat", chat_id: user.id },
      { type: "all_private_chats" },
      { type: "default" },
    ];
    for (const scope of scopes) {
      for (const languageCode of [user.language_code ?? "", ""]) {
        const commands = this.commands({ scope, languageCode });
        if (commands.length > 0) return commands;
      }
    }
    return [];
  }

  setRateLimit(limit: RateLimit | null): void {
    this.limiter.set(limit);
  }

  /**
   * Resolves with the predicate's first truthy value, re-checked on every state change (update,
   * message, edit, delete, API call) and every 25 ms. Rejects after `timeoutMs` with a summary of
   * recent activity.
   */
  waitFor<T>(predicate: () => T | undefined | null | false, timeoutMs = 5000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const check = () => {
        let value: T | undefined | null | false;
        try {
          value = predicate();
        } catch (error) {
          done();
          reject(error);
          return;
        }
        if (value !== undefined && value !== null && value !== false) {
          done();
          resolve(value);
        }
      };
      const done = () => {
        clearTimeout(timer);
        clearInterval(poll);
        this.changeListeners.delete(check);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`waitFor: condition not met within ${timeoutMs} ms; ${this.describeActivity()}`));
      }, timeoutMs);
      // Predicates may also read the bot's own state (a handler's side effect), which changes without
      // an emulator event; a slow poll catches those.
      const poll = setInterval(check, WAIT_FOR_POLL_MS);
      this.changeListeners.add(check);
      check();
    });
  }

  /** The next bot message sent or edited in the chat after this call that matches the predicate. */
  waitForBotMessage(
    chatId: number,
    predicate: (message: StoredMessage) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<StoredMessage> {
    return new Promise<StoredMessage>((resolve, reject) => {
      const waiters = this.botMessageWaiters.get(chatId) ?? new Set();
      this.botMessageWaiters.set(chatId, waiters);
      const waiter = (message: StoredMessage) => {
        if (message.from !== "bot" || !predicate(message)) return;
        done();
        resolve(message);
      };
      const done = () => {
        clearTimeout(timer);
        waiters.delete(waiter);
        if (waiters.size === 0) this.botMessageWaiters.delete(chatId);
      };
      const timer = setTimeout(() => {
        done();
        const last = this.chats
          .get(chatId)
          ?.messages.filter((m) => m.from === "bot")
          .at(-1);
        const lastText = last ? JSON.stringify(last.text.slice(0, 200)) : "none";
        reject(
          new Error(
            `waitForBotMessage(${chatId}): no matching bot message within ${timeoutMs} ms; last bot message: ${lastText}; ${this.describeActivity()}`,
          ),
        );
      }, timeoutMs);
      waiters.add(waiter);
    });
  }

  /** Stops the server; a pending long poll is answered with no updates first, so the bot can stop. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.poller?.wake();
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => this.server.closeAllConnections(), 1000);
      this.server.close(() => {
        clearTimeout(force);
        resolve();
      });
      this.server.closeIdleConnections();
    });
  }

  // ---- HTTP ----

  private async handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    const url = new URL(req.url ?? "/", "http://emulator");
    const match = /^\/bot([^/]+)\/([^/]+)$/.exec(url.pathname);
    if (match === null) return this.reply(res, new ApiError(404, "Not Found"));
    if (match[1] !== this.token) return this.reply(res, new ApiError(401, "Unauthorized"));
    const entry = this.handlers.get((match[2] ?? "").toLowerCase());
    const method = entry?.name ?? match[2] ?? "";
    let params: Params = {};
    try {
      params = await readParams(req, url);
      if (entry === undefined) throw new ApiError(404, "Not Found: method not found");
      const fault = this.takeFault(method);
      if (fault === "drop") {
        this.log({ method, params, at, ok: false, dropped: true });
        req.socket.destroy();
        return;
      }
      if (fault !== undefined) throw new ApiError(fault.errorCode, fault.description, fault.retryAfter);
      const controller = new AbortController();
      // Only a client that went away before its answer (a long poll) needs the abort; aborting after every
      // answered request would build an AbortError (a DOMException with a stack) per call for nothing.
      res.on("close", () => {
        if (!res.writableFinished) controller.abort();
      });
      // Synchronous handlers are logged in the same tick as the events they emit, so code awaiting
      // an event already sees the call in `calls`.
      const outcome = entry.handler(params, controller.signal);
      const result = outcome instanceof Promise ? await outcome : outcome;
      this.log({ method, params, at, ok: true });
      this.reply(res, result);
    } catch (error) {
      const apiError =
        error instanceof ApiError
          ? error
          : new ApiError(
              500,
              `Internal Server Error: ${error instanceof Error ? error.message : String(error)}`,
            );
      this.log({
        method,
        params,
        at,
        ok: false,
        errorCode: apiError.errorCode,
        description: apiError.description,
      });
      this.reply(res, apiError);
    }
  }

  private reply(res: ServerResponse, outcome: unknown): void {
    if (res.destroyed || res.writableEnded) return;
    const body =
      outcome instanceof ApiError
        ? {
            ok: false,
            error_code: outcome.errorCode,
            description: outcome.description,
            ...(outcome.retryAfter !== undefined && { parameters: { retry_after: outcome.retryAfter } }),
            ...(outcome.migrateToChatId !== undefined && {
              parameters: { migrate_to_chat_id: outcome.migrateToChatId },
            }),
          }
        : { ok: true, result: outcome };
    res.writeHead(outcome instanceof ApiError ? outcome.errorCode : 200, {
      "content-type": "application/json",
      ...(this.closed && { connection: "close" }),
    });
    res.end(JSON.stringify(body));
  }

  private takeFault(method: string): ApiFault | "drop" | undefined {
    const index = this.pendingFaults.findIndex((f) => f.method === method.toLowerCase());
    const pending = this.pendingFaults[index];
    if (pending === undefined) return undefined;
    pending.remaining--;
    if (pending.remaining <= 0) this.pendingFaults.splice(index, 1);
    return pending.fault;
  }

  private log(call: ApiCall): void {
    this.calls.push(call);
    if (this.calls.length > this.historyLimit) this.calls.splice(0, this.calls.length - this.historyLimit);
    this.events.emit("call", call);
    this.changed();
  }

  // ---- Bot API methods ----

  private async getUpdates(p: Params, signal: AbortSignal): Promise<Update[]> {
    if (this.webhookUrl !== undefined) {
      throw new ApiError(
        409,
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      );
    }
    const offset = optInt(p, "offset");
    const limit = Math.min(Math.max(optInt(p, "limit") ?? 100, 1), 100);
    const timeoutMs = Math.max(optInt(p, "timeout") ?? 0, 0) * 1000;
    const allowed = optJson(p, "allowed_updates");
    if (Array.isArray(allowed))
      this.allowedUpdates = allowed.filter((t): t is string => typeof t === "string");
    this.confirm(offset);
    // Telegram allows one poller: a newer getUpdates ends the older one with 409.
    this.poller?.conflict();
    const deadline = Date.now() + timeoutMs;
    let batch = this.takeBatch(limit);
    while (batch.length === 0 && !this.closed && Date.now() < deadline) {
      await this.waitForUpdate(deadline - Date.now(), signal);
      if (signal.aborted) return [];
      batch = this.takeBatch(limit);
    }
    return batch;
  }

  private waitForUpdate(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const settle = (error?: ApiError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal.removeEventListener("abort", wake);
        if (this.poller === poller) this.poller = undefined;
        if (error) reject(error);
        else resolve();
      };
      const wake = () => settle();
      const poller: Poller = {
        wake,
        // grammY's stop() aborts its poll and at once sends a new one: waiting briefly lets that abort
        // arrive first, so only a genuinely concurrent poller gets the 409.
        conflict: () =>
          setTimeout(
            () =>
              settle(
                new ApiError(
                  409,
                  "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
                ),
              ),
            CONFLICT_GRACE_MS,
          ),
      };
      const timer = setTimeout(wake, ms);
      signal.addEventListener("abort", wake);
      this.poller = poller;
    });
  }

  /** An offset confirms every update below it; a negative offset keeps only the last -offset updates. */
  private confirm(offset: number | undefined): void {
    if (offset === undefined) return;
    if (offset < 0) this.queue = this.queue.slice(offset);
    else
      this.queue = this.queue.filter((q) => q.update.update_id >= offset || (q.redelivery && !q.delivered));
  }

  private takeBatch(limit: number): Update[] {
    if (this.allowedUpdates.length > 0) {
      this.queue = this.queue.filter((q) => this.allowedUpdates.includes(updateType(q.update)));
    }
    const batch = this.queue.slice(0, limit);
    for (const q of batch) q.delivered = true;
    return batch.map((q) => q.update);
  }

  private setWebhook(p: Params): true {
    const url = optString(p, "url") ?? "";
    this.webhookUrl = url === "" ? undefined : url;
    return true;
  }

  private deleteWebhook(p: Params): true {
    this.webhookUrl = undefined;
    if (optBool(p, "drop_pending_updates")) this.queue = [];
    return true;
  }

  /** The call's reply_markup, noting an inline keyboard with an empty row for the tests to catch. */
  private parseMarkup(method: string, p: Params, inlineOnly: boolean): InlineKeyboardMarkup | undefined {
    const keyboard = parseReplyMarkup(optJson(p, "reply_markup"), { inlineOnly });
    if (keyboard?.inline_keyboard.some((row) => row.length === 0)) {
      this.keyboardsWithEmptyRows.push({ method, keyboard });
    }
    return keyboard;
  }

  private sendMessage(p: Params): Message {
    const state = this.writableChat(p);
    const content = parseContent(p);
    const replyMarkup = this.parseMarkup("sendMessage", p, false);
    const replyTo = this.replyTarget(state, optJson(p, "reply_parameters"));
    const linkPreviewOptions = optJson(p, "link_preview_options") as LinkPreviewOptions | undefined;
    this.acquireRate(state.chat.id);
    const stored = this.appendMessage(state, {
      from: "bot",
      senderId: this.botInfo.id,
      ...content,
      ...(replyMarkup && { replyMarkup }),
      ...(linkPreviewOptions && { linkPreviewOptions }),
      ...(replyTo !== undefined && { replyToMessageId: replyTo }),
    });
    return this.toMessage(stored);
  }

  /** sendPhoto and sendDocument: a multipart upload, or the file_id of a file sent before. */
  private sendMedia(p: Params, kind: StoredFile["kind"]): Message {
    const state = this.writableChat(p);
    const file = this.uploadedFile(p[kind], kind);
    const content = parseCaption(p);
    const replyMarkup = parseReplyMarkup(optJson(p, "reply_markup"), { inlineOnly: false });
    const replyTo = this.replyTarget(state, optJson(p, "reply_parameters"));
    this.acquireRate(state.chat.id);
    const stored = this.appendMessage(state, {
      from: "bot",
      senderId: this.botInfo.id,
      media: file,
      ...content,
      ...(replyMarkup && { replyMarkup }),
      ...(replyTo !== undefined && { replyToMessageId: replyTo }),
    });
    return this.toMessage(stored);
  }

  private uploadedFile(value: unknown, kind: StoredFile["kind"]): StoredFile {
    if (typeof value === "string") {
      const known = this.files.get(value);
      if (known === undefined) throw badRequest("wrong file identifier/HTTP URL specified");
      return { ...known, kind };
    }
    if (!(value instanceof UploadedFile)) throw badRequest(`there is no ${kind} in the request`);
    if (value.bytes.length === 0) throw badRequest("file must be non-empty");
    if (kind === "photo" && value.bytes.length > MAX_PHOTO_BYTES) throw badRequest("PHOTO_SAVE_FILE_INVALID");
    if (value.bytes.length > MAX_DOCUMENT_BYTES) throw new ApiError(413, "Request Entity Too Large");
    const file: StoredFile = {
      kind,
      fileId: `${kind}-${this.nextFileId++}-${randomBytes(6).toString("base64url")}`,
      fileUniqueId: randomBytes(8).toString("base64url"),
      fileName: value.fileName,
      mimeType: value.mimeType || "application/octet-stream",
      bytes: value.bytes,
      ...imageSize(value.bytes),
    };
    this.remember(this.files, file.fileId, file);
    return file;
  }

  /** A file the bot uploaded, by its file_id; the demo page serves it, tests read its bytes. */
  file(fileId: string): StoredFile | undefined {
    return this.files.get(fileId);
  }

  private editMessageText(p: Params): Message {
    const { state, message } = this.editableMessage(p);
    if (message.media) throw badRequest("there is no text in the message to edit");
    const content = parseContent(p);
    // Like Telegram, an edit without reply_markup removes the inline keyboard.
    const replyMarkup = this.parseMarkup("editMessageText", p, true);
    const linkPreviewOptions = optJson(p, "link_preview_options") as LinkPreviewOptions | undefined;
    if (
      content.text === message.text &&
      JSON.stringify(content.entities) === JSON.stringify(message.entities) &&
      JSON.stringify(replyMarkup) === JSON.stringify(message.replyMarkup)
    ) {
      throw badRequest(NOT_MODIFIED);
    }
    this.acquireRate(state.chat.id);
    const { replyMarkup: _oldMarkup, linkPreviewOptions: _oldPreview, ...kept } = message;
    return this.toMessage(
      this.editMessage(state, {
        ...kept,
        ...content,
        ...(replyMarkup && { replyMarkup }),
        ...(linkPreviewOptions && { linkPreviewOptions }),
      }),
    );
  }

  private editMessageReplyMarkup(p: Params): Message {
    const { state, message } = this.editableMessage(p);
    const replyMarkup = this.parseMarkup("editMessageReplyMarkup", p, true);
    if (JSON.stringify(replyMarkup) === JSON.stringify(message.replyMarkup)) throw badRequest(NOT_MODIFIED);
    this.acquireRate(state.chat.id);
    const { replyMarkup: _old, ...kept } = message;
    return this.toMessage(this.editMessage(state, { ...kept, ...(replyMarkup && { replyMarkup }) }));
  }

  private deleteMessage(p: Params): true {
    const state = this.knownChat(requireChatId(p));
    const message = state.byId.get(requireMessageId(p));
    if (message === undefined || message.deleted) throw badRequest("message to delete not found");
    this.markDeleted(state, message);
    return true;
  }

  private answerCallbackQuery(p: Params): true {
    const query = this.callbackQueries.get(optString(p, "callback_query_id") ?? "");
    if (query === undefined || query.answer !== undefined) throw badRequest(QUERY_TOO_OLD);
    const text = optString(p, "text");
    const url = optString(p, "url");
    const cacheTime = optInt(p, "cache_time");
    query.answer = {
      showAlert: optBool(p, "show_alert"),
      at: Date.now(),
      ...(text !== undefined && { text }),
      ...(url !== undefined && { url }),
      ...(cacheTime !== undefined && { cacheTime }),
    };
    this.events.emit("callbackAnswer", query);
    this.changed();
    return true;
  }

  private sendChatAction(p: Params): true {
    const state = this.writableChat(p);
    const action = optString(p, "action") ?? "";
    if (!CHAT_ACTIONS.has(action)) throw badRequest("wrong parameter action in request");
    this.events.emit("chatAction", { chatId: state.chat.id, action });
    return true;
  }

  private getChatMember(p: Params): unknown {
    const chatId = requireChatId(p);
    const userId = optInt(p, "user_id");
    if (userId === undefined) throw badRequest("user_id is required");
    const state = this.knownChat(chatId);
    const simUser = this.users.get(userId);
    const user = userId === this.botInfo.id ? this.botInfo : simUser && telegramUser(simUser);
    if (user === undefined) throw badRequest("user not found");
    if (state.chat.type === "private") {
      if (userId !== chatId && userId !== this.botInfo.id) throw badRequest("user not found");
      return memberOf(user, "member");
    }
    return this.groups.chatMember(chatId, user);
  }

  private setMyCommands(p: Params): true {
    const commands = optJson(p, "commands");
    if (!Array.isArray(commands)) throw badRequest("can't parse commands JSON array");
    const parsed: BotCommand[] = commands.map((c: unknown) => {
      const { command, description } = (c ?? {}) as Partial<BotCommand>;
      if (typeof command !== "string" || !/^[a-z0-9_]{1,32}$/.test(command))
        throw badRequest("BOT_COMMAND_INVALID");
      if (typeof description !== "string" || description.length === 0 || description.length > 256) {
        throw badRequest("BOT_COMMAND_DESCRIPTION_INVALID");
      }
      return { command, description };
    });
    const { scope, languageCode } = this.commandKeyParams(p);
    const key = commandKey(scope, languageCode);
    const set: CommandSet = {
      scope: scope ?? { type: "default" },
      languageCode: languageCode ?? "",
      commands: parsed,
    };
    if (parsed.length === 0) this.commandSets.delete(key);
    else this.commandSets.set(key, set);
    this.events.emit("commands", set);
    this.changed();
    return true;
  }

  private deleteMyCommands(p: Params): true {
    const { scope, languageCode } = this.commandKeyParams(p);
    this.commandSets.delete(commandKey(scope, languageCode));
    this.events.emit("commands", {
      scope: scope ?? { type: "default" },
      languageCode: languageCode ?? "",
      commands: [],
    });
    this.changed();
    return true;
  }

  private commandKeyParams(p: Params): { scope?: BotCommandScope; languageCode?: string } {
    const scope = optJson(p, "scope");
    if (scope !== undefined) {
      const type = (scope as { type?: unknown } | null)?.type;
      if (typeof type !== "string" || !SCOPE_TYPES.has(type)) {
        throw badRequest("can't parse BotCommandScope JSON object");
      }
      if (CHAT_SCOPE_TYPES.has(type)) {
        const chatId = (scope as { chat_id?: unknown }).chat_id;
        if (chatId === undefined) throw badRequest("can't parse BotCommandScope JSON object");
        // Telegram refuses a scope naming a chat the bot has never seen.
        this.knownChat(Number(chatId));
      }
    }
    const languageCode = optString(p, "language_code");
    // TDLib's validate_bot_language_code: empty, or two lowercase Latin letters.
    if (languageCode !== undefined && !/^(?:[a-z]{2})?$/.test(languageCode)) {
      throw badRequest("Invalid language code specified");
    }
    return {
      ...(scope !== undefined && { scope: scope as BotCommandScope }),
      ...(languageCode !== undefined && { languageCode }),
    };
  }

  private setChatMenuButton(p: Params): true {
    const button = (optJson(p, "menu_button") as MenuButton | undefined) ?? { type: "default" };
    this.menuButtons.set(optInt(p, "chat_id") ?? "default", button);
    this.changed();
    return true;
  }

  // ---- State ----

  private enqueue(update: Update, redelivery = false): Update {
    this.queue.push({ update, delivered: false, redelivery });
    this.events.emit("update", update);
    this.poller?.wake();
    this.changed();
    return update;
  }

  private wakeBotMessageWaiters(message: StoredMessage): void {
    const waiters = this.botMessageWaiters.get(message.chatId);
    if (waiters) for (const waiter of [...waiters]) waiter(message);
  }

  private changed(): void {
    for (const listener of [...this.changeListeners]) listener();
  }

  private chatState(chat: Chat): ChatState {
    let state = this.chats.get(chat.id);
    if (state === undefined) {
      state = { chat, messages: [], byId: new Map(), nextMessageId: 1 };
      this.chats.set(chat.id, state);
    } else {
      state.chat = chat;
    }
    return state;
  }

  private knownChat(chatId: number): ChatState {
    const state = this.chats.get(chatId);
    if (state === undefined) throw badRequest("chat not found");
    return state;
  }

  private writableChat(p: Params): ChatState {
    const state = this.knownChat(requireChatId(p));
    if (state.chat.type === "private" && this.blocked.has(state.chat.id)) {
      throw new ApiError(403, "Forbidden: bot was blocked by the user");
    }
    if (state.chat.type === "group" || state.chat.type === "supergroup")
      this.groups.assertBotCanWrite(state.chat.id);
    return state;
  }

  private editableMessage(p: Params): { state: ChatState; message: StoredMessage } {
    const state = this.writableChat(p);
    const message = state.byId.get(requireMessageId(p));
    if (message === undefined || message.deleted) throw badRequest("message to edit not found");
    if (message.from !== "bot") throw badRequest("message can't be edited");
    return { state, message };
  }

  private replyTarget(state: ChatState, parameters: unknown): number | undefined {
    if (parameters === undefined || parameters === null) return undefined;
    const { message_id, allow_sending_without_reply } = parameters as {
      message_id?: number;
      allow_sending_without_reply?: boolean;
    };
    const target = message_id === undefined ? undefined : state.byId.get(message_id);
    if (target !== undefined && !target.deleted) return target.messageId;
    if (allow_sending_without_reply) return undefined;
    throw badRequest("message to be replied not found");
  }

  private acquireRate(chatId: number): void {
    const retryAfter = this.limiter.tryAcquire(chatId, Date.now());
    if (retryAfter !== undefined) {
      throw new ApiError(429, `Too Many Requests: retry after ${retryAfter}`, retryAfter);
    }
  }

  private assertCanWrite(user: SimUser): void {
    if (this.blocked.has(user.id)) {
      throw new Error(
        `User ${user.id} has blocked the bot and cannot write to it; call faults.unblockUser first`,
      );
    }
  }

  private appendMessage(
    state: ChatState,
    fields: Omit<StoredMessage, "chatId" | "messageId" | "date" | "editCount" | "deleted">,
  ): StoredMessage {
    const message: StoredMessage = {
      chatId: state.chat.id,
      messageId: state.nextMessageId++,
      date: Math.floor(Date.now() / 1000),
      editCount: 0,
      deleted: false,
      ...fields,
    };
    state.messages.push(message);
    state.byId.set(message.messageId, message);
    if (state.messages.length > this.historyLimit) {
      for (const old of state.messages.splice(0, state.messages.length - this.historyLimit)) {
        state.byId.delete(old.messageId);
      }
    }
    this.events.emit("message", message);
    this.wakeBotMessageWaiters(message);
    this.changed();
    return message;
  }

  private editMessage(state: ChatState, edited: StoredMessage): StoredMessage {
    const message = {
      ...edited,
      editCount: edited.editCount + 1,
      editDate: Math.floor(Date.now() / 1000),
    };
    this.replaceMessage(state, message);
    this.events.emit("edit", message);
    this.wakeBotMessageWaiters(message);
    this.changed();
    return message;
  }

  private markDeleted(state: ChatState, message: StoredMessage): void {
    const deleted = { ...message, deleted: true };
    this.replaceMessage(state, deleted);
    this.events.emit("delete", deleted);
    this.changed();
  }

  private replaceMessage(state: ChatState, message: StoredMessage): void {
    const old = state.byId.get(message.messageId);
    if (old !== undefined) state.messages[state.messages.lastIndexOf(old)] = message;
    state.byId.set(message.messageId, message);
  }

  private remember<K, V>(map: Map<K, V>, key: K, value: V): void {
    map.set(key, value);
    if (map.size > this.historyLimit) {
      const oldest = map.keys().next();
      if (!oldest.done) map.delete(oldest.value);
    }
  }

  private toMessage(stored: StoredMessage): Message {
    const chat = this.chats.get(stored.chatId)?.chat;
    const sender = this.users.get(stored.senderId);
    const replyTo =
      stored.replyToMessageId === undefined
        ? undefined
        : this.chats.get(stored.chatId)?.byId.get(stored.replyToMessageId);
    return {
      message_id: stored.messageId,
      date: stored.date,
      chat,
      from: stored.from === "bot" || sender === undefined ? this.botInfo : telegramUser(sender),
      ...(stored.media ? mediaFields(stored.media, stored) : { text: stored.text }),
      ...(stored.entities.length > 0 && !stored.media && { entities: stored.entities }),
      ...(stored.replyMarkup && { reply_markup: stored.replyMarkup }),
      ...(stored.linkPreviewOptions && { link_preview_options: stored.linkPreviewOptions }),
      ...(stored.editDate !== undefined && { edit_date: stored.editDate }),
      ...(replyTo && { reply_to_message: this.toMessage({ ...replyTo, replyToMessageId: undefined }) }),
    } as Message;
  }

  private describeActivity(): string {
    const recent = this.calls
      .slice(-5)
      .map((c) =>
        c.ok ? c.method : `${c.method} failed (${c.errorCode ?? "dropped"} ${c.description ?? ""})`,
      );
    const unanswered = this.unansweredCallbacks();
    return [
      `pending updates: ${this.queue.length}`,
      `unanswered callback queries: ${unanswered.length}`,
      `last API calls: ${recent.length > 0 ? recent.join(", ") : "none"}`,
    ].join("; ");
  }
}

export function startBotApiEmulator(options: EmulatorOptions = {}): Promise<BotApiEmulator> {
  return BotApiEmulator.start(options);
}

function parseContent(p: Params): MessageContent {
  const raw = optString(p, "text") ?? "";
  if (raw === "") throw badRequest("message text is empty");
  const content = parseFormatted(p, raw, "entities");
  if (content.text.trim() === "") throw badRequest("message text is empty");
  if (content.text.length > MAX_TEXT_LENGTH) throw badRequest("message is too long");
  return content;
}

/** A photo's or document's caption: optional, at most 1024 characters once its entities are parsed. */
function parseCaption(p: Params): MessageContent {
  const raw = optString(p, "caption") ?? "";
  const content = parseFormatted(p, raw, "caption_entities");
  if (content.text.length > MAX_CAPTION_LENGTH) throw badRequest("message caption is too long");
  return content;
}

function parseFormatted(p: Params, raw: string, entitiesField: string): MessageContent {
  const parseMode = optString(p, "parse_mode");
  let content: MessageContent;
  if (parseMode?.toLowerCase() === "html") {
    try {
      content = { html: raw, ...parseTelegramHtml(raw), parseMode };
    } catch (error) {
      if (error instanceof HtmlParseError) throw badRequest(`can't parse entities: ${error.message}`);
      throw error;
    }
  } else if (parseMode === undefined || parseMode === "" || /^markdown(v2)?$/i.test(parseMode)) {
    // Markdown is not parsed: the text is kept as sent, which is enough for the flows under test.
    const entities = optJson(p, entitiesField);
    content = {
      html: escapeHtml(raw),
      text: raw,
      entities: Array.isArray(entities) ? (entities as MessageEntity[]) : [],
      ...(parseMode && { parseMode }),
    };
  } else {
    throw badRequest("unsupported parse_mode");
  }
  return content;
}

/** How Telegram describes a sent photo or document, with its caption. */
function mediaFields(file: StoredFile, caption: StoredMessage): Partial<Message> {
  const common = { file_id: file.fileId, file_unique_id: file.fileUniqueId, file_size: file.bytes.length };
  return {
    ...(file.kind === "photo"
      ? { photo: [{ ...common, width: file.width, height: file.height }] }
      : { document: { ...common, file_name: file.fileName, mime_type: file.mimeType } }),
    ...(caption.text !== "" && { caption: caption.text }),
    ...(caption.entities.length > 0 && { caption_entities: [...caption.entities] }),
  };
}

/** Width and height from a PNG's IHDR chunk; other formats are not measured. */
function imageSize(bytes: Buffer): { width: number; height: number } {
  const png = bytes.length >= 24 && bytes.subarray(0, 8).equals(PNG_SIGNATURE);
  return png ? { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) } : { width: 0, height: 0 };
}

function commandKey(scope: BotCommandScope | undefined, languageCode: string | undefined): string {
  const s = scope ?? { type: "default" };
  const target =
    s.type === "chat" || s.type === "chat_administrators"
      ? `:${s.chat_id}`
      : s.type === "chat_member"
        ? `:${s.chat_id}:${s.user_id}`
        : "";
  return `${s.type}${target}|${languageCode ?? ""}`;
}

function updateType(update: Update): string {
  return Object.keys(update).find((key) => key !== "update_id") ?? "";
}

function telegramUser(user: SimUser): User {
  return { ...user, is_bot: false };
}

function privateChat(user: SimUser): Chat {
  return {
    id: user.id,
    type: "private",
    first_name: user.first_name,
    ...(user.last_name !== undefined && { last_name: user.last_name }),
    ...(user.username !== undefined && { username: user.username }),
  };
}

function groupChat(chat: SimChat): Chat {
  return { id: chat.id, type: chat.type, title: chat.title ?? `Group ${chat.id}` };
}
