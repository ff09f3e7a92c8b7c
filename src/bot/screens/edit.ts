import { type Api, GrammyError } from "grammy";
import type { InlineKeyboardMarkup } from "grammy/types";

/**
 * Telegram refuses an edit that changes nothing ("message is not modified"); for a flow that re-renders the same
 * screen that is success, so it is swallowed. Every other error propagates.
 */
export async function ignoreNotModified<T>(edit: Promise<T>): Promise<T | undefined> {
  try {
    return await edit;
  } catch (error) {
    if (error instanceof GrammyError && error.description.includes("message is not modified"))
      return undefined;
    throw error;
  }
}

/** The operator deleted the message (or it can no longer be edited): a new one has to take its place. */
export function isMessageGone(error: unknown): boolean {
  return (
    error instanceof GrammyError &&
    /message to edit not found|message can't be edited|MESSAGE_ID_INVALID/i.test(error.description)
  );
}

/**
 * Shows `text` in a flow's message; if the operator deleted that message, sends it as a new one so the flow carries
 * on. Returns the id of the message that now shows it, which the next step edits. Inside a conversation the plugin
 * replays API results, so the id is the same on every replay.
 */
export async function editOrSend(
  api: Api,
  chatId: number,
  messageId: number,
  text: string,
  options: { reply_markup?: InlineKeyboardMarkup } = {},
): Promise<number> {
  try {
    await ignoreNotModified(api.editMessageText(chatId, messageId, text, options));
    return messageId;
  } catch (error) {
    if (!isMessageGone(error)) throw error;
    return (await api.sendMessage(chatId, text, options)).message_id;
  }
}
