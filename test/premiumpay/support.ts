import { afterAll, afterEach, beforeAll } from "vitest";
import {
  createPremiumpayClient,
  type PremiumpayClient,
  type PremiumpayClientOptions,
} from "../../src/premiumpay/index.js";
import {
  type PremiumpaySandbox,
  type SandboxAccount,
  type SandboxRequest,
  startPremiumpaySandbox,
} from "../../src/sandbox/premiumpay/index.js";

/** The sandbox clock for every test: sales cover the 90 days before it. */
export const NOW = new Date("2026-04-15T12:00:00Z");
export const SEED = 42;

export function startSandbox(): Promise<PremiumpaySandbox> {
  return startPremiumpaySandbox({ seed: SEED, now: () => NOW });
}

/** One sandbox for the test file, handed to `bind` once started; faults and the request log reset after each test. */
export function useSandbox(bind: (sandbox: PremiumpaySandbox) => void): void {
  let sandbox: PremiumpaySandbox | undefined;
  beforeAll(async () => {
    sandbox = await startSandbox();
    bind(sandbox);
  });
  afterAll(() => sandbox?.close());
  afterEach(() => {
    sandbox?.faults.clear();
    sandbox?.clearRequests();
  });
}

/** A client with tiny backoff so retry tests stay fast. */
export function clientFor(
  sandbox: PremiumpaySandbox,
  account: SandboxAccount | { clientId: string; token: string } = sandbox.demoClient,
  extra: Partial<PremiumpayClientOptions> = {},
): PremiumpayClient {
  return createPremiumpayClient({
    baseUrl: sandbox.url,
    clientId: account.clientId,
    token: account.token,
    timeoutMs: 3000,
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    ...extra,
  });
}

/** The rejection of a promise that must fail. */
export async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail");
}

export function only(sandbox: PremiumpaySandbox): SandboxRequest {
  if (sandbox.requests.length !== 1) throw new Error(`expected 1 request, saw ${sandbox.requests.length}`);
  return sandbox.requests[0]!;
}

export const days = (n: number) => n * 86_400_000;
export const ago = (n: number) => new Date(NOW.getTime() - days(n));
