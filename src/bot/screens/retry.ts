import { retryCallback } from "../callback-data/index.js";
import type { BotContext } from "../context.js";
import type { Outcome } from "../errors.js";
import { retryKeyboard } from "../keyboards/index.js";
import { failureText } from "../operator.js";
import type { Screen } from "./screen.js";

/**
 * Runs a premiumpay call (in `conversation.external`) until it succeeds; each failure is shown with Retry. Refused
 * credentials end the flow instead: retrying cannot help, and the message tells the operator to send /login. The
 * call gets the outside context: its `api` sends for real, where the flow's own context would be replayed.
 */
export async function fetchWithRetry<T>(
  screen: Screen,
  retryStep: string,
  call: (outside: BotContext) => Promise<Outcome<T>>,
): Promise<T> {
  for (;;) {
    const outcome = await screen.conversation.external(call);
    if (outcome.ok) return outcome.value;
    if (outcome.kind === "auth") {
      await screen.show(failureText(screen.ctx, outcome));
      return screen.conversation.halt();
    }
    await screen.show(failureText(screen.ctx, outcome), retryKeyboard(screen.ctx, retryStep));
    await screen.button(retryCallback, { hintKey: "screen-use-buttons" });
  }
}
