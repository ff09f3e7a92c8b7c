import type { InlineKeyboardMarkup } from "grammy/types";
import { badRequest } from "./params.js";

const BUTTON_ACTIONS = [
  "callback_data",
  "url",
  "switch_inline_query",
  "switch_inline_query_current_chat",
  "switch_inline_query_chosen_chat",
  "copy_text",
  "login_url",
  "web_app",
  "callback_game",
  "pay",
] as const;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Validates `reply_markup` the way Telegram does and returns the inline keyboard, the only kind a
 * message carries. Reply keyboards, keyboard removal and force-reply are accepted but not attached.
 */
export function parseReplyMarkup(
  markup: unknown,
  { inlineOnly }: { inlineOnly: boolean },
): InlineKeyboardMarkup | undefined {
  if (markup === undefined || markup === null) return undefined;
  if (!isObject(markup)) throw badRequest("can't parse reply keyboard markup JSON object");
  if ("inline_keyboard" in markup) return parseInlineKeyboard(markup.inline_keyboard);
  if (!inlineOnly && ("keyboard" in markup || "remove_keyboard" in markup || "force_reply" in markup)) {
    return undefined;
  }
  throw badRequest(inlineOnly ? "inline keyboard expected" : "can't parse reply keyboard markup JSON object");
}

function parseInlineKeyboard(rows: unknown): InlineKeyboardMarkup {
  if (!Array.isArray(rows) || !rows.every(Array.isArray)) {
    throw badRequest('field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays');
  }
  for (const row of rows as unknown[][]) {
    for (const button of row) validateButton(button);
  }
  return { inline_keyboard: rows } as InlineKeyboardMarkup;
}

function validateButton(button: unknown): void {
  if (!isObject(button))
    throw badRequest("can't parse inline keyboard button: InlineKeyboardButton must be an Object");
  if (typeof button.text !== "string" || button.text === "") {
    throw badRequest("can't parse inline keyboard button: Text must be non-empty");
  }
  const actions = BUTTON_ACTIONS.filter((action) => button[action] !== undefined);
  if (actions.length === 0) throw badRequest("text buttons are unallowed in the inline keyboard");
  if (actions.length > 1) {
    throw badRequest(
      `can't parse inline keyboard button: only one of ${actions.join(", ")} must be specified`,
    );
  }
  const data = button.callback_data;
  if (data !== undefined) {
    const bytes = typeof data === "string" ? Buffer.byteLength(data, "utf8") : 0;
    if (bytes < 1 || bytes > 64) throw badRequest("BUTTON_DATA_INVALID");
  }
  const url = button.url;
  if (url !== undefined && !isValidButtonUrl(url)) {
    throw badRequest(`inline keyboard button URL '${String(url)}' is invalid: Wrong HTTP URL`);
  }
  const copy = button.copy_text;
  if (copy !== undefined && (!isObject(copy) || typeof copy.text !== "string" || copy.text.length === 0)) {
    throw badRequest("can't parse inline keyboard button: copy_text must have a non-empty text");
  }
}

function isValidButtonUrl(url: unknown): boolean {
  if (typeof url !== "string") return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === "tg:") return true;
  return (parsed.protocol === "http:" || parsed.protocol === "https:") && parsed.hostname.includes(".");
}
