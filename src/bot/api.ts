import { autoRetry } from "@grammyjs/auto-retry";
import type { Api, RawApi, Transformer } from "grammy";

/**
 * Every message this bot sends is Telegram HTML unless a call says otherwise. Hand-written because
 * @grammyjs/parse-mode v2 no longer ships a default-parse-mode transformer.
 */
const htmlByDefault: Transformer<RawApi> = (prev, method, payload, signal) => {
  if ((method === "sendMessage" || method === "editMessageText") && payload && !("parse_mode" in payload)) {
    return prev(method, { ...payload, parse_mode: "HTML" } as typeof payload, signal);
  }
  return prev(method, payload, signal);
};

/**
 * grammY's `InlineKeyboard.row()` always starts a new row, so a builder that closes each group of buttons with a
 * row leaves an empty one (`[[…],[]]`), which clients show as a gap. Dropped here, where every keyboard passes,
 * rather than in each builder.
 */
const withoutEmptyRows: Transformer<RawApi> = (prev, method, payload, signal) => {
  const markup = (payload as { reply_markup?: { inline_keyboard?: unknown[][] } } | undefined)?.reply_markup;
  if (markup?.inline_keyboard?.some((row) => row.length === 0)) {
    const reply_markup = {
      ...markup,
      inline_keyboard: markup.inline_keyboard.filter((row) => row.length > 0),
    };
    return prev(method, { ...payload, reply_markup } as typeof payload, signal);
  }
  return prev(method, payload, signal);
};

/**
 * Installed on the bot's Api and again on every Api a conversation creates: conversations do not inherit the
 * bot's transformers.
 */
export function installApiTransformers(api: Api): void {
  api.config.use(autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 60, rethrowInternalServerErrors: false }));
  api.config.use(htmlByDefault);
  api.config.use(withoutEmptyRows);
}
