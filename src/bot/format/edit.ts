import { GrammyError } from "grammy";

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
