export {
  BotApiEmulator,
  MAX_DOCUMENT_BYTES,
  MAX_PHOTO_BYTES,
  startBotApiEmulator,
} from "./emulator.js";
export { escapeHtml, HtmlParseError, type ParsedHtml, parseTelegramHtml } from "./html.js";
export type {
  ApiCall,
  ApiFault,
  CallbackAnswer,
  CallbackQueryRecord,
  ChatView,
  CommandSet,
  EmulatorEvents,
  EmulatorOptions,
  Faults,
  RateLimit,
  SimChat,
  SimUser,
  StoredFile,
  StoredMessage,
} from "./types.js";
