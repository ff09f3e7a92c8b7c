import type { EndpointName } from "../../premiumpay/endpoints.js";

/** What a faulty premiumpay does instead of answering normally. */
export type SandboxFault =
  /** This status, with this JSON body (default a ko body) and extra headers. */
  | { status: number; body?: unknown; headers?: Record<string, string> }
  /** 429 with `Retry-After: <seconds>`. */
  | { rateLimit: number }
  /** HTTP 200 whose body is cut-off JSON. */
  | { malformedJson: true }
  /** HTTP 200 `{"status":"ko","error":<message>}`. */
  | { ko: string }
  /** HTTP 200 with this body, for response-shape tests. */
  | { body: unknown }
  /** Waits, then answers normally. */
  | { delayMs: number }
  /** Waits until the test settles this promise, then answers normally: a hold that no clock ends. In-process only. */
  | { holdUntil: Promise<unknown> }
  /** Drops the connection without answering. */
  | { destroySocket: true };

interface Rule {
  fault: SandboxFault;
  /** Requests still to be affected; Infinity until cleared. */
  remaining: number;
}

export class SandboxFaults {
  /** Added to every request before anything else. */
  latencyMs = 0;
  private readonly rules = new Map<string, Rule>();

  /** `pathToEndpoint` lets a rule set by path and one set by endpoint name mean the same thing. */
  constructor(private readonly pathToEndpoint: ReadonlyMap<string, EndpointName>) {}

  /**
   * Arms a fault on an endpoint name (`"sales"`) or a path (`"/data/sales"`), replacing any earlier one
   * there. With `times`, it affects only the next `times` requests.
   */
  set(target: EndpointName | (string & {}), fault: SandboxFault, options: { times?: number } = {}): void {
    this.rules.set(this.pathToEndpoint.get(target) ?? target, {
      fault,
      remaining: options.times ?? Infinity,
    });
  }

  /** Removes every fault and the added latency. */
  clear(): void {
    this.rules.clear();
    this.latencyMs = 0;
  }

  /** The fault for this request, counting it against `times`. */
  take(endpoint: EndpointName | null, path: string): SandboxFault | undefined {
    const key = endpoint ?? path;
    const rule = this.rules.get(key);
    if (!rule) return undefined;
    rule.remaining -= 1;
    if (rule.remaining <= 0) this.rules.delete(key);
    return rule.fault;
  }
}
