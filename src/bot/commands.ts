import type { Api } from "grammy";
import type { BotCommand } from "grammy/types";
import type { Locale } from "../config.js";
import { SUPPORTED_LOCALES, type Translations } from "../i18n/index.js";
import type { Role } from "../team/roles.js";
import { commandsOf } from "./flows.js";

/** The command menu: the table's commands `role` may start, in its order (all of them for everyone else). */
function commandsIn(i18n: Translations, locale: Locale, role?: Role): BotCommand[] {
  return commandsOf(role).map((command) => ({
    command,
    description: i18n.t(locale, `commands.${command}`),
  }));
}

/** In groups the bot answers /connect only: the group menu shows just that, not the private chat's commands. */
const GROUP_COMMANDS: readonly string[] = ["connect"];

function groupCommandsIn(i18n: Translations, locale: Locale): BotCommand[] {
  return GROUP_COMMANDS.map((command) => ({ command, description: i18n.t(locale, `commands.${command}`) }));
}

/** The command menu in every supported language, plus the default language for everyone else; groups get theirs. */
export async function registerCommands(api: Api, i18n: Translations, defaultLocale: Locale): Promise<void> {
  await api.setMyCommands(commandsIn(i18n, defaultLocale));
  await api.setMyCommands(groupCommandsIn(i18n, defaultLocale), { scope: { type: "all_group_chats" } });
  for (const locale of SUPPORTED_LOCALES) {
    await api.setMyCommands(commandsIn(i18n, locale), { language_code: locale });
    await api.setMyCommands(groupCommandsIn(i18n, locale), {
      scope: { type: "all_group_chats" },
      language_code: locale,
    });
  }
}

/**
 * The command menu of one private chat in the operator's chosen language. Without it the menu follows the
 * language of the Telegram app; a chat scope without language_code wins over every language's list. It lists only
 * what the user's role may start.
 */
export async function setChatCommands(
  api: Api,
  chatId: number,
  locale: Locale,
  i18n: Translations,
  role: Role | undefined,
): Promise<void> {
  await api.setMyCommands(commandsIn(i18n, locale, role), { scope: { type: "chat", chat_id: chatId } });
}
