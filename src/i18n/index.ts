import { fileURLToPath } from "node:url";
import { I18n, type I18nFlavor } from "@grammyjs/i18n";
import type { Context } from "grammy";
import type { Locale } from "../config.js";
import { escapeVariables, type TranslationVariables } from "../format/html.js";
import type { Store } from "../store/index.js";

export const SUPPORTED_LOCALES: readonly Locale[] = ["en", "es"];
export const LOCALES_DIR = fileURLToPath(new URL("../../locales", import.meta.url));

/** The least a context needs for translation: the bot's contexts extend it. */
export type LocalizedContext = Context & I18nFlavor & { locale: Locale };

/** The translations, loaded once at start; shared by the bot, the command menu and the digest. */
export type Translations = I18n<LocalizedContext>;

export function isSupportedLocale(value: string | undefined): value is Locale {
  return value !== undefined && (SUPPORTED_LOCALES as readonly string[]).includes(value);
}

/** Saved choice first, then the language Telegram reports (its region part dropped), then the default. */
export async function negotiateLocale(
  store: Store,
  defaultLocale: Locale,
  userId: number | undefined,
  telegramLanguage: string | undefined,
): Promise<Locale> {
  const saved = userId === undefined ? undefined : (await store.getOperator(userId))?.locale;
  if (saved) return saved;
  const base = telegramLanguage?.split("-")[0]?.toLowerCase();
  return isSupportedLocale(base) ? base : defaultLocale;
}

export function createI18n(defaultLocale: Locale): Translations {
  const i18n = new I18n<LocalizedContext>({
    defaultLocale,
    // Unicode isolation marks around variables would end up in every message and in copied links.
    fluentBundleOptions: { useIsolating: false },
    localeNegotiator: (ctx) => ctx.locale,
  });
  i18n.loadLocalesDirSync(LOCALES_DIR);
  return i18n;
}

/** Translation for code without a context (the digest): same escaping rule as `ctx.html`. */
export function translate(
  i18n: Translations,
  locale: Locale,
  key: string,
  variables?: TranslationVariables,
): string {
  return i18n.t(locale, key, escapeVariables(variables));
}
