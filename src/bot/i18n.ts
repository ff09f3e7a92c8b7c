import type { MiddlewareFn } from "grammy";
import type { Locale } from "../config.js";
import { escapeVariables } from "../format/html.js";
import { negotiateLocale, type Translations } from "../i18n/index.js";
import type { Store } from "../store/index.js";
import type { FlowContext } from "./context.js";

/**
 * Sets `ctx.locale` and `ctx.html`, then runs the i18n plugin. Installed in the main tree and again inside every
 * conversation, because contexts created by a conversation replay have not passed through the main tree.
 */
export function localeMiddleware(
  i18n: Translations,
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
