export { BotApiEmulator, startBotApiEmulator } from "./emulator.js";
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
  StoredMessage,
} from "./types.js";
