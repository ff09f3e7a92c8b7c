import type { BotDeps } from "../context.js";
import type { Flow } from "./flow.js";

/**
 * The bot's clock read once and replayed, like `conversation.now()` — which would read the process clock instead:
 * `deps.now` is the clock an operator's "today" must follow (injected by tests and the demo).
 */
export async function flowNow(conversation: Flow, deps: BotDeps): Promise<Date> {
  return new Date(await conversation.external(() => deps.now().getTime()));
}
