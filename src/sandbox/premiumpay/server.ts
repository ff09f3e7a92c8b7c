import http from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import {
  DEFAULT_PATHS,
  ENDPOINT_METHOD,
  type EndpointName,
  type PremiumpayPaths,
} from "../../premiumpay/endpoints.js";
import {
  type ApiContext,
  handleAuthenticated,
  ko,
  RATE_LIMIT_PER_MINUTE,
  type Reply,
  versionReply,
} from "./api.js";
import { CONTROL_PREFIX, handleControl } from "./control.js";
import {
  createWorld,
  type NewSale,
  type SandboxClientData,
  type SandboxSale,
  type SandboxState,
  seedStandardClients,
} from "./data.js";
import { type SandboxFault, SandboxFaults } from "./faults.js";
import { createSaleGenerator, type SaleGenerator, type SaleGeneratorOptions } from "./generator.js";
import { sandboxJwt } from "./jwt.js";

export interface PremiumpaySandboxOptions {
  /** Same seed, same clients, tokens, channels and sales. Default 1. */
  seed?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: an ephemeral port. */
  port?: number;
  /** The sandbox's clock: sales cover the 90 days before it. Default the real clock. */
  now?: () => Date;
  /** Same overrides the client accepts. */
  paths?: Partial<PremiumpayPaths>;
  /** The per-client limit GET /status reports. Default 120 a minute. */
  rateLimitPerMinute?: number;
  /** Answer 429 (Retry-After: the rest of the minute) past the limit. Default false: the limit is only reported. */
  enforceRateLimit?: boolean;
  /** Generate new sales from the start (see `generator` to start it later). Default off. */
  generateSales?: SaleGeneratorOptions;
}

export interface SandboxAccount {
  clientId: string;
  token: string;
  name: string;
}

export interface SandboxRequest {
  method: string;
  path: string;
  /** Null for a path that is none of the ten endpoints. */
  endpoint: EndpointName | null;
  /** Lower-case names; `authorization` is replaced by "Bearer <redacted>". */
  headers: Record<string, string>;
  /** The X-client-id header as sent. */
  clientId: string | null;
  hasAuthorization: boolean;
  /** True when the bearer token is exactly the one issued to `clientId`. */
  tokenMatched: boolean;
  /** Parsed JSON; the raw text when it is not JSON; undefined when empty. */
  body: unknown;
  receivedAt: Date;
  /** The caller's port, so tests can see keep-alive reuse a connection. */
  remotePort: number | null;
}

export interface PremiumpaySandbox {
  url: string;
  port: number;
  paths: PremiumpayPaths;
  /** Seeded accounts (demo, bulk with 30 channels, hostile names) plus any added by `addClient`. */
  clients: SandboxAccount[];
  demoClient: SandboxAccount;
  state: SandboxState;
  /** Every request in arrival order, including rejected and faulted ones. */
  requests: SandboxRequest[];
  faults: SandboxFaults;
  /** A client's data; throws for an unknown client id. */
  data(clientId: string): SandboxClientData;
  /** A client with `channels` channels (or these names), links, gateways and no sales. */
  addClient(options?: { channels?: number; channelNames?: string[] }): { clientId: string; token: string };
  addSale(clientId: string, sale: NewSale): SandboxSale;
  /** New sales over time, and the log of every sale that appeared while the sandbox ran. */
  generator: SaleGenerator;
  /** Changes the reported limit, and whether it is enforced with 429. */
  setRateLimit(options: { perMinute: number; enforce: boolean }): void;
  clearRequests(): void;
  close(): Promise<void>;
}

const MAX_CLIENT_ID_LENGTH = 50;
const MAX_BODY_BYTES = 1_000_000;
const JSON_TYPE = "application/json; charset=utf-8";

type Outcome = Reply | { raw: string; status: number } | "destroy";

function faultOutcome(
  fault: Exclude<SandboxFault, { delayMs: number } | { holdUntil: Promise<unknown> }>,
): Outcome {
  if ("destroySocket" in fault) return "destroy";
  if ("status" in fault) {
    return {
      status: fault.status,
      body: fault.body ?? { status: "ko", error: `Simulated HTTP ${fault.status}` },
      ...(fault.headers ? { headers: fault.headers } : {}),
    };
  }
  if ("rateLimit" in fault) {
    return { ...ko(429, "Too many requests"), headers: { "Retry-After": String(fault.rateLimit) } };
  }
  if ("malformedJson" in fault) return { status: 200, raw: '{"status":"ok","data":[{"id":1,' };
  if ("ko" in fault) return ko(200, fault.ko);
  return { status: 200, body: fault.body };
}

async function readBody(req: http.IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function headerOf(req: http.IncomingMessage, name: string): string | null {
  const value = req.headers[name];
  return typeof value === "string" ? value : null;
}

export async function startPremiumpaySandbox(
  options: PremiumpaySandboxOptions = {},
): Promise<PremiumpaySandbox> {
  const seed = options.seed ?? 1;
  const now = options.now ?? (() => new Date());
  const paths: PremiumpayPaths = { ...DEFAULT_PATHS, ...options.paths };
  const endpointByPath = new Map(Object.entries(paths).map(([name, path]) => [path, name as EndpointName]));
  const jwt = sandboxJwt(seed);
  const world = createWorld(seed, jwt, now);
  const account = (c: SandboxClientData): SandboxAccount => ({
    clientId: c.clientId,
    token: c.token,
    name: c.name,
  });
  const clients = seedStandardClients(world).map(account);
  const requests: SandboxRequest[] = [];
  const faults = new SandboxFaults(endpointByPath);
  const generator = createSaleGenerator(world, seed, now);
  const rateLimit = {
    perMinute: options.rateLimitPerMinute ?? RATE_LIMIT_PER_MINUTE,
    enforce: options.enforceRateLimit ?? false,
  };
  /** Since start: every API request (control calls excluded), and those refused by the enforced limit. */
  const counts = { requests: 0, rateLimited: 0 };
  const addSale = (clientId: string, sale: NewSale) => {
    const added = world.addSale(clientId, sale);
    generator.record(clientId, added);
    return added;
  };
  const addClient = (input: { channels?: number; channelNames?: string[] }) => {
    const names =
      input.channelNames ?? Array.from({ length: input.channels ?? 3 }, (_, i) => `Channel ${i + 1}`);
    const created = world.addClient({
      name: `Client ${clients.length + 1}`,
      prefix: "client",
      channelNames: names,
    });
    clients.push(account(created));
    return created;
  };

  /** 401 for missing or foreign credentials, 403 for a valid token presented with another client id. */
  function authenticate(clientId: string | null, bearer: string | null): SandboxClientData | Reply {
    if (!clientId) return ko(401, "Missing X-client-id header");
    if (clientId.length > MAX_CLIENT_ID_LENGTH) return ko(401, "X-client-id is longer than 50 characters");
    if (!bearer) return ko(401, "Missing bearer token");
    const owner = jwt.verify(bearer);
    if (owner === null) return ko(401, "Invalid token");
    if (owner !== clientId) return ko(403, "Token does not belong to this client id");
    return world.state.clients.get(clientId) ?? ko(401, "Unknown client id");
  }

  /** Requests in the log per client id during the current minute, counted as they arrive (O(1) per request). */
  const perMinute = new Map<string, { minute: number; count: number }>();
  const minuteOf = (at: Date) => Math.floor(at.getTime() / 60_000);

  function countRequest(clientId: string | null, receivedAt: Date): void {
    if (clientId === null) return;
    const minute = minuteOf(receivedAt);
    const counter = perMinute.get(clientId);
    if (counter?.minute === minute) counter.count++;
    else perMinute.set(clientId, { minute, count: 1 });
  }

  function requestsThisMinute(clientId: string): number {
    const counter = perMinute.get(clientId);
    return counter?.minute === minuteOf(new Date()) ? counter.count : 0;
  }

  function route(
    req: http.IncomingMessage,
    endpoint: EndpointName | null,
    rawBody: string,
    clientId: string | null,
    bearer: string | null,
  ): Reply {
    if (endpoint === null) return ko(404, "Not found");
    if (req.method !== ENDPOINT_METHOD[endpoint]) return ko(405, `Use ${ENDPOINT_METHOD[endpoint]}`);
    if (endpoint === "version") return versionReply();
    const client = authenticate(clientId, bearer);
    if ("body" in client) return client;
    let body: unknown;
    if (ENDPOINT_METHOD[endpoint] === "POST") {
      const parsed = rawBody.trim() === "" ? { ok: true as const, value: {} } : parseJson(rawBody);
      if (!parsed.ok) return ko(400, "Body is not valid JSON");
      if (typeof parsed.value !== "object" || parsed.value === null || Array.isArray(parsed.value)) {
        return ko(422, "body: must be a JSON object");
      }
      body = parsed.value;
    }
    const ctx: ApiContext = {
      world,
      seed,
      now,
      client,
      requestsThisMinute: requestsThisMinute(client.clientId),
      rateLimitPerMinute: rateLimit.perMinute,
    };
    if (rateLimit.enforce && ctx.requestsThisMinute > rateLimit.perMinute) {
      counts.rateLimited++;
      return {
        ...ko(429, "Too many requests"),
        headers: { "Retry-After": String(60 - new Date().getUTCSeconds()) },
      };
    }
    return handleAuthenticated(endpoint, ctx, body);
  }

  async function respond(req: http.IncomingMessage): Promise<Outcome> {
    const rawBody = await readBody(req);
    const url = new URL(req.url ?? "/", "http://sandbox");
    const path = url.pathname;
    if (path.startsWith(CONTROL_PREFIX)) return control(req.method ?? "", url, rawBody ?? "");
    const endpoint = endpointByPath.get(path) ?? null;
    const clientId = headerOf(req, "x-client-id");
    const authorization = headerOf(req, "authorization");
    const bearer = /^Bearer (\S+)$/.exec(authorization ?? "")?.[1] ?? null;
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([name, value]) => [
        name,
        name === "authorization"
          ? "Bearer <redacted>"
          : Array.isArray(value)
            ? value.join(", ")
            : (value ?? ""),
      ]),
    );
    const parsedBody = rawBody ? parseJson(rawBody) : null;
    const receivedAt = new Date();
    counts.requests++;
    countRequest(clientId, receivedAt);
    requests.push({
      method: req.method ?? "",
      path,
      endpoint,
      headers,
      clientId,
      hasAuthorization: authorization !== null,
      tokenMatched:
        clientId !== null && bearer !== null && world.state.clients.get(clientId)?.token === bearer,
      body: parsedBody === null ? undefined : parsedBody.ok ? parsedBody.value : rawBody,
      receivedAt,
      remotePort: req.socket.remotePort ?? null,
    });

    if (faults.latencyMs > 0) await sleep(faults.latencyMs);
    const fault = faults.take(endpoint, path);
    if (fault && "delayMs" in fault) await sleep(fault.delayMs);
    else if (fault && "holdUntil" in fault) await fault.holdUntil.catch(() => undefined);
    else if (fault) return faultOutcome(fault);
    if (rawBody === null) return ko(413, "Body too large");
    return route(req, endpoint, rawBody, clientId, bearer);
  }

  function control(method: string, url: URL, rawBody: string): Reply {
    return handleControl(
      {
        generator,
        addSale,
        addClient: ({ channels }) => {
          const created = addClient({ channels });
          return {
            clientId: created.clientId,
            token: created.token,
            channelIds: created.channels.map((channel) => channel.id),
          };
        },
        setRateLimit: (next) => Object.assign(rateLimit, next),
        counts: () => ({ ...counts }),
        hasClient: (clientId) => world.state.clients.has(clientId),
        firstChannelOf: (clientId) => world.state.clients.get(clientId)?.channels[0]?.id,
      },
      method,
      url,
      rawBody,
    );
  }

  const server = http.createServer((req, res) => {
    respond(req)
      .catch((error: unknown) => {
        console.error("premiumpay sandbox failed on a request", error);
        return ko(500, "Internal sandbox error");
      })
      .then((outcome) => {
        if (outcome === "destroy") {
          req.socket.destroy();
          return;
        }
        const text = "raw" in outcome ? outcome.raw : JSON.stringify(outcome.body);
        const headers = "headers" in outcome ? outcome.headers : undefined;
        res.writeHead(outcome.status, { "Content-Type": JSON_TYPE, ...headers });
        res.end(text);
      });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { address, port } = server.address() as AddressInfo;
  if (options.generateSales) generator.start(options.generateSales);
  const host = address.includes(":") ? `[${address}]` : address;
  let closing: Promise<void> | null = null;

  return {
    url: `http://${host}:${port}`,
    port,
    paths,
    clients,
    demoClient: clients[0]!,
    state: world.state,
    requests,
    faults,
    data: (clientId) => world.client(clientId),
    addClient(input = {}) {
      const created = addClient(input);
      return { clientId: created.clientId, token: created.token };
    },
    addSale,
    generator,
    setRateLimit: (next) => Object.assign(rateLimit, next),
    clearRequests() {
      requests.length = 0;
      // The per-minute counts describe the log: an emptied log has no requests this minute.
      perMinute.clear();
    },
    close() {
      generator.stop();
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive sockets would otherwise hold close() open until they time out.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
