import { startPremiumpaySandbox } from "../../src/sandbox/premiumpay/index.js";
import { failInChild, serveParent } from "../support/child.js";

/**
 * The premiumpay sandbox in a process of its own (alerts part), so the poller's CPU is not mixed with the
 * sandbox's. It enforces BENCH_RATE_LIMIT requests a minute per account; the parent drives it over its control API.
 */
async function start(): Promise<void> {
  const sandbox = await startPremiumpaySandbox({
    seed: 1,
    rateLimitPerMinute: Number(process.env.BENCH_RATE_LIMIT ?? 60),
    enforceRateLimit: true,
  });
  // The request log would grow by every poll; the benchmark reads the counters of the control API instead.
  const drain = setInterval(() => {
    sandbox.requests.length = 0;
  }, 1000);
  serveParent({
    stop: async () => {
      clearInterval(drain);
      await sandbox.close();
      process.send?.({ type: "stop" });
      process.disconnect?.();
      return undefined;
    },
  });
  process.send?.({ type: "ready", url: sandbox.url });
}

start().catch(failInChild);
