import type { ConversationFlavor } from "@grammyjs/conversations";
import type { I18n, I18nFlavor } from "@grammyjs/i18n";
import type { Context } from "grammy";
import type { Config, Locale } from "../config.js";
import type { Logger } from "../logger.js";
import type { PremiumpayClient } from "../premiumpay/index.js";
import type { Store } from "../store/index.js";
import type { TranslationVariables } from "./format/html.js";

export interface PremiumpayCredentials {
  clientId: string;
  token: string;
}

/** Everything the bot needs from the outside world; tests pass local servers and temp folders. */
export interface BotDeps {
  config: Config;
  store: Store;
  premiumpay: (credentials: PremiumpayCredentials) => PremiumpayClient;
  /** The clock. Inside conversations read it through `flowNow` (conversations/clock.ts), which replays it. */
  now: () => Date;
  logger: Logger;
  /** Loaded once at start (see i18n.ts); shared by the bot, the command menu and the digest. */
  i18n: I18n<FlowContext>;
}

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
