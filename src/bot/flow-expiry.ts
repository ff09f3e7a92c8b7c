import { Cron } from "croner";
import type { Api } from "grammy";
import { negotiateLocale, translate } from "../i18n/index.js";
import type { BotDeps } from "./context.js";

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
    const keys = await store.conversations.expire(config.conversationTimeoutMs);
    for (const key of keys) {
      const chatId = Number(key);
      if (!Number.isSafeInteger(chatId) || chatId <= 0) continue;
      const locale = negotiateLocale(store, config.defaultLocale, chatId, undefined);
      const text = translate(deps.i18n, locale, "flow-expired", {
        minutes: Math.round(config.conversationTimeoutMs / 60_000),
      });
      await api.sendMessage(chatId, text).catch((error: unknown) => {
        logger.warn({ err: error, chatId }, "could not tell an operator their flow expired");
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
