import { Cron } from "croner";
import type { Api } from "grammy";
import type { BotDeps } from "./context.js";
import { notifyFlowOwner } from "./notify.js";
import { removeLiveButtons } from "./screens/live-buttons.js";

export interface FlowExpiry {
  /** Closes every flow idle for longer than the timeout and tells its operator; returns how many were closed. */
  sweep(): Promise<number>;
  stop(): void;
}

/**
 * Abandoned flows are closed after CONVERSATION_TIMEOUT_MINUTES with a note, instead of surprising the operator
 * days later by treating an unrelated message as the answer to an old question.
 */
export function startFlowExpiry(deps: BotDeps, api: Api): FlowExpiry {
  const { store, config, logger } = deps;
  let running: Promise<number> | undefined;
  const sweepOnce = async (): Promise<number> => {
    // Read before they go: the flows' logs say which of their messages still show buttons.
    const idle = new Map<string, unknown>();
    for (const key of await store.conversations.listExpired(config.conversationTimeoutMs)) {
      idle.set(key, await store.conversationStorage.read(key));
    }
    const keys = await store.conversations.expire(config.conversationTimeoutMs);
    for (const key of keys) {
      const chatId = Number(key);
      if (Number.isSafeInteger(chatId)) await removeLiveButtons(api, chatId, idle.get(key));
      await notifyFlowOwner(deps, api, key, "flow-expired", {
        minutes: Math.round(config.conversationTimeoutMs / 60_000),
      });
    }
    return keys.length;
  };
  const sweep = () => {
    // One sweep at a time: a slow Telegram must not make two sweeps notify the same operator.
    running ??= sweepOnce().finally(() => {
      running = undefined;
    });
    return running;
  };
  const job = new Cron("* * * * *", { protect: true }, () => {
    sweep().catch((error: unknown) => logger.error({ err: error }, "flow expiry sweep failed"));
  });
  return { sweep, stop: () => job.stop() };
}
