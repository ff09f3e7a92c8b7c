import type { Api } from "grammy";
import type { Locale } from "../config.js";
import { SUPPORTED_LOCALES, type Translations } from "../i18n/index.js";
import { FLOWS } from "./flows.js";

/** The command menu: /start, every flow's command in the flow table's order, then the commands of no flow. */
export const COMMANDS: readonly string[] = [
  "start",
  ...FLOWS.map((flow) => flow.command),
  "account",
  "language",
  "logout",
  "help",
  "cancel",
];

/** The command menu in every supported language, plus the default language for everyone else. */
export async function registerCommands(api: Api, i18n: Translations, defaultLocale: Locale): Promise<void> {
  const commandsIn = (locale: Locale) =>
    COMMANDS.map((command) => ({ command, description: i18n.t(locale, `commands.${command}`) }));
  await api.setMyCommands(commandsIn(defaultLocale));
  for (const locale of SUPPORTED_LOCALES) {
    await api.setMyCommands(commandsIn(locale), { language_code: locale });
  }
}
