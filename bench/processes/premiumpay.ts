import type { PremiumpayPaths } from "../../src/premiumpay/index.js";
import { type SandboxAccount, startPremiumpaySandbox } from "../../src/sandbox/premiumpay/index.js";
import { failInChild, serveParent } from "../support/child.js";

/** What the sandbox child reports with "ready": where it listens and the seeded demo account. */
export interface PremiumpayReady {
  url: string;
  paths: PremiumpayPaths;
  demoClient: SandboxAccount;
}

/**
 * The premiumpay sandbox in a process of its own, so the CPU of the process under test is not mixed with the
 * sandbox's. With BENCH_RATE_LIMIT it refuses (429) more than that many requests a minute per account (alerts part);
 * without it, it only reports its default limit, as the in-process sandbox of the other parts does. The parent
 * drives it over its control API.
 */
async function start(): Promise<void> {
  const rateLimit = process.env.BENCH_RATE_LIMIT;
  const sandbox = await startPremiumpaySandbox({
    seed: 1,
    ...(rateLimit !== undefined && { rateLimitPerMinute: Number(rateLimit), enforceRateLimit: true }),
  });
  // The request log would grow by every request; the benchmark reads the counters of the control API instead.
  // Only the log is emptied: clearRequests() would also reset the per-minute counts the rate limit is enforced by.
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
  const ready: PremiumpayReady = { url: sandbox.url, paths: sandbox.paths, demoClient: sandbox.demoClient };
  process.send?.({ type: "ready", ...ready });
}

start().catch(failInChild);
