import type { ConversationFlavor } from "@grammyjs/conversations";
import type { I18nFlavor } from "@grammyjs/i18n";
import type { Context } from "grammy";
import type { Locale } from "../config.js";
import type { Deps } from "../deps.js";
import type { TranslationVariables } from "../format/html.js";

export type { PremiumpayCredentials } from "../deps.js";
/** The bot's name for the shared dependencies (see deps.ts). */
export type BotDeps = Deps;

interface DepsFlavor {
  deps: BotDeps;
  /** The operator's language after negotiation (saved choice, then Telegram's, then the default). */
  locale: Locale;
  /** Translate to HTML; string variables are escaped (see format/html.ts). */
  html: (key: string, variables?: TranslationVariables) => string;
}

/** The context inside conversations: no ConversationFlavor, plugins re-installed by the conversation. */
export type FlowContext = Context & I18nFlavor & DepsFlavor;

/** The context of the outside middleware tree. */
export type BotContext = ConversationFlavor<FlowContext>;
