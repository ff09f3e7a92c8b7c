import { type Context, GrammyError } from "grammy";

/** Telegram refuses to answer a query twice; a redelivered update (after a crash or restart) hits exactly that. */
export function isStaleQueryError(error: unknown): boolean {
  return error instanceof GrammyError && error.description.includes("query is too old");
}

/** Answers a button click, treating "already answered" as done: the first delivery answered it. */
export async function acknowledge(
  ctx: Context,
  options?: { text?: string; show_alert?: boolean },
): Promise<void> {
  try {
    await ctx.answerCallbackQuery(options);
  } catch (error) {
    if (!isStaleQueryError(error)) throw error;
  }
}
