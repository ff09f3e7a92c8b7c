import type {
  BotCommand,
  BotCommandScope,
  Chat,
  InlineKeyboardMarkup,
  LinkPreviewOptions,
  MessageEntity,
  Update,
} from "grammy/types";
import type { RateLimit } from "./rate-limit.js";

export type { RateLimit };

/** A simulated Telegram user on the driver (test/demo) side. */
export interface SimUser {
  id: number;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

/** A group a simulated user writes in; private chats are implied by the user. */
export interface SimChat {
  id: number;
  type: "group" | "supergroup";
  title?: string;
}

/**
 * One message in a chat's history, as both sides see it. Records are replaced, never mutated, on
 * edit and delete, so a record handed out earlier stays a snapshot of that moment.
 */
export interface StoredMessage {
  readonly chatId: number;
  readonly messageId: number;
  readonly from: "user" | "bot";
  readonly senderId: number;
  /** A photo or document the bot sent; `html`, `text` and `entities` are then its caption (empty if none). */
  readonly media?: StoredFile;
  /** Telegram HTML for the text: what the bot sent with parse_mode HTML, otherwise the escaped text. */
  readonly html: string;
  /** The visible text, after entity parsing. */
  readonly text: string;
  readonly entities: readonly MessageEntity[];
  readonly parseMode?: string;
  /** The inline keyboard attached to the message, if any. */
  readonly replyMarkup?: InlineKeyboardMarkup;
  readonly linkPreviewOptions?: LinkPreviewOptions;
  readonly replyToMessageId?: number;
  /** Unix seconds. */
  readonly date: number;
  readonly editDate?: number;
  readonly editCount: number;
  readonly deleted: boolean;
}

/** A file the bot uploaded with sendPhoto or sendDocument, bytes included. */
export interface StoredFile {
  readonly kind: "photo" | "document";
  readonly fileId: string;
  readonly fileUniqueId: string;
  readonly fileName: string;
  readonly mimeType: string;
  readonly bytes: Buffer;
  /** From the PNG's or JPEG's header; 0 when the emulator cannot tell. */
  readonly width: number;
  readonly height: number;
}

export interface ChatView {
  readonly chat: Chat;
  /** Every message of both sides in order, deleted ones included (flagged). */
  readonly messages: readonly StoredMessage[];
  /** The bot's last message that is not deleted. */
  lastBotMessage(): StoredMessage | undefined;
  /** The bot's messages that are not deleted, in order. */
  botMessages(): StoredMessage[];
}

/** One Bot API call the bot made, logged when it was answered. */
export interface ApiCall {
  method: string;
  params: Record<string, unknown>;
  /** Epoch milliseconds when the request arrived. */
  at: number;
  ok: boolean;
  errorCode?: number;
  description?: string;
  /** The connection was destroyed without an answer (`faults.dropNext`). */
  dropped?: boolean;
}

export interface CallbackAnswer {
  text?: string;
  showAlert: boolean;
  url?: string;
  cacheTime?: number;
  at: number;
}

export interface CallbackQueryRecord {
  id: string;
  userId: number;
  chatId: number;
  messageId: number;
  data: string;
  createdAt: number;
  answer?: CallbackAnswer;
}

export interface CommandSet {
  scope: BotCommandScope;
  languageCode: string;
  commands: BotCommand[];
}

export interface ApiFault {
  errorCode: number;
  description: string;
  retryAfter?: number;
}

export interface Faults {
  /** The next `times` calls of `method` fail with this error and have no effect. */
  failNext(method: string, fault: ApiFault, times?: number): void;
  /** The next `times` calls of `method` get their connection destroyed without an answer, and have no effect. */
  dropNext(method: string, times?: number): void;
  blockUser(userId: number): void;
  unblockUser(userId: number): void;
  /** Forgets pending faults and blocked users. */
  clear(): void;
}

/** Payloads of `emulator.events`, for live views such as the demo's server-sent events. */
export interface EmulatorEvents {
  update: [Update];
  message: [StoredMessage];
  edit: [StoredMessage];
  delete: [StoredMessage];
  commands: [CommandSet];
  callbackAnswer: [CallbackQueryRecord];
  chatAction: [{ chatId: number; action: string }];
  call: [ApiCall];
}

export interface EmulatorOptions {
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** The single accepted bot token; a random fake one by default. */
  token?: string;
  botUsername?: string;
  botFirstName?: string;
  /** Answer 429 beyond this rate for sendMessage and message edits; unlimited by default. */
  rateLimit?: RateLimit | null;
  /**
   * Keep at most this many messages per chat, logged calls and callback queries, forgetting the
   * oldest, so long benchmark runs keep flat memory. Unlimited by default.
   */
  historyLimit?: number;
}
