import type { I18n } from "@grammyjs/i18n";
import type { Api } from "grammy";
import type { Locale } from "../config.js";
import { SUPPORTED_LOCALES, type Translations } from "../i18n/index.js";
import type { FlowContext } from "./context.js";

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

/** The command menu in every supported language, plus the default language for everyone else. */
export async function registerCommands(api: Api, i18n: Translations, defaultLocale: Locale): Promise<void> {
  const commandsIn = (locale: Locale) =>
    COMMANDS.map((command) => ({ command, description: i18n.t(locale, `commands.${command}`) }));
  await api.setMyCommands(commandsIn(defaultLocale));
  for (const locale of SUPPORTED_LOCALES) {
    await api.setMyCommands(commandsIn(locale), { language_code: locale });
  }
}
