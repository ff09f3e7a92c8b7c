import { fileURLToPath } from "node:url";
import { I18n } from "@grammyjs/i18n";
import type { MiddlewareFn } from "grammy";
import type { Locale } from "../config.js";
import type { Store } from "../store/index.js";
import type { FlowContext } from "./context.js";
import { escapeVariables, type TranslationVariables } from "./format/html.js";

export const SUPPORTED_LOCALES: readonly Locale[] = ["en", "es"];
export const LOCALES_DIR = fileURLToPath(new URL("../../locales", import.meta.url));

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

export function createI18n(defaultLocale: Locale): I18n<FlowContext> {
  const i18n = new I18n<FlowContext>({
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
  i18n: I18n<FlowContext>,
  locale: Locale,
  key: string,
  variables?: TranslationVariables,
): string {
  return i18n.t(locale, key, escapeVariables(variables));
}

/**
 * Sets `ctx.locale` and `ctx.html`, then runs the i18n plugin. Installed in the main tree and again inside every
 * conversation, because contexts created by a conversation replay have not passed through the main tree.
 */
export function localeMiddleware(
  i18n: I18n<FlowContext>,
  store: Store,
  defaultLocale: Locale,
): MiddlewareFn<FlowContext> {
  const i18nMiddleware = i18n.middleware();
  return async (ctx, next) => {
    ctx.locale = await negotiateLocale(store, defaultLocale, ctx.from?.id, ctx.from?.language_code);
    ctx.html = (key, variables) => ctx.t(key, escapeVariables(variables));
    return i18nMiddleware(ctx, next);
  };
}
