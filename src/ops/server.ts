import { createServer, type Server } from "node:http";
import type { Registry } from "prom-client";

/** A dependency the replica needs to serve; it resolves when reachable and throws when not. */
export type ReadinessCheck = () => Promise<void>;

export interface OpsServerOptions {
  host: string;
  /** 0: any free port (tests). */
  port: number;
  registry: Registry;
  checks: Record<string, ReadinessCheck>;
  /** This replica's part: "leader" (runs the background work), "standby", or "single" (lowdb, one process). */
  role: () => string;
  /** A check that has not answered by then counts as failed. Default 3 s. */
  checkTimeoutMs?: number;
}

export interface OpsServer {
  readonly url: string;
  close(): Promise<void>;
}

async function outcomeOf(check: ReadinessCheck, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([check(), timeout]);
    return "ok";
  } catch (error) {
    // The message only, never an object that might carry a URL with a password or a token.
    return `failing: ${(error as Error).message.split("\n")[0]}`;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * /healthz (the process is alive), /readyz (its dependencies answer, and its role) and /metrics (Prometheus), on
 * an address of their own so they can stay private while the webhook port is public.
 */
export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const timeoutMs = options.checkTimeoutMs ?? 3_000;
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET") {
      res.writeHead(405, { allow: "GET" }).end();
      return;
    }
    const json = (status: number, body: unknown) =>
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    if (path === "/healthz") {
      json(200, { status: "ok" });
    } else if (path === "/readyz") {
      const names = Object.keys(options.checks);
      Promise.all(names.map((name) => outcomeOf(options.checks[name]!, timeoutMs))).then((outcomes) => {
        const checks = Object.fromEntries(names.map((name, i) => [name, outcomes[i]]));
        const ready = outcomes.every((outcome) => outcome === "ok");
        json(ready ? 200 : 503, { status: ready ? "ready" : "not ready", role: options.role(), checks });
      });
    } else if (path === "/metrics") {
      options.registry.metrics().then(
        (text) => res.writeHead(200, { "content-type": options.registry.contentType }).end(text),
        () => res.writeHead(500).end(),
      );
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as { port: number };
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
