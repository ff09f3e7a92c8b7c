import type { RawApi, Transformer } from "grammy";
import type { Logger } from "../logger.js";

/** Every Bot API call at trace level: method, outcome and duration; never the payload (it holds user text). */
export function traceApiCalls(logger: Logger): Transformer<RawApi> {
  return async (prev, method, payload, signal) => {
    if (!logger.isLevelEnabled("trace")) return prev(method, payload, signal);
    const startedAt = performance.now();
    const durationMs = () => Math.round(performance.now() - startedAt);
    try {
      const result = await prev(method, payload, signal);
      logger.trace(
        {
          method,
          ok: result.ok,
          ...(!result.ok && { errorCode: result.error_code }),
          durationMs: durationMs(),
        },
        "Telegram API call",
      );
      return result;
    } catch (error) {
      logger.trace({ method, err: error, durationMs: durationMs() }, "Telegram API call failed");
      throw error;
    }
  };
}
