import type { I18n } from "@grammyjs/i18n";
import type { Api } from "grammy";
import type { BotCommand } from "grammy/types";
import type { Locale } from "../config.js";
import type { FlowContext } from "./context.js";
import { SUPPORTED_LOCALES } from "./i18n.js";

export const COMMANDS = [
  "start",
  "link",
  "welcome",
  "sales",
  "results",
  "report",
  "digest",
  "account",
  "language",
  "timezone",
  "login",
  "logout",
  "help",
  "cancel",
] as const;

function commandsIn(i18n: I18n<FlowContext>, locale: Locale): BotCommand[] {
  return COMMANDS.map((command) => ({ command, description: i18n.t(locale, `commands.${command}`) }));
}

/** The command menu in every supported language, plus the default language for everyone else. */
export async function registerCommands(
  api: Api,
  i18n: I18n<FlowContext>,
  defaultLocale: Locale,
): Promise<void> {
  await api.setMyCommands(commandsIn(i18n, defaultLocale));
  for (const locale of SUPPORTED_LOCALES) {
    await api.setMyCommands(commandsIn(i18n, locale), { language_code: locale });
  }
}

/**
 * The command menu of one private chat in the operator's chosen language. Without it the menu follows the
 * language of the Telegram app; a chat scope without language_code wins over every language's list.
 */
export async function setChatCommands(
  api: Api,
  chatId: number,
  locale: Locale,
  i18n: I18n<FlowContext>,
): Promise<void> {
  await api.setMyCommands(commandsIn(i18n, locale), { scope: { type: "chat", chat_id: chatId } });
}
