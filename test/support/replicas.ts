import { randomBytes } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { Update } from "grammy/types";
import type { PremiumpaySandbox } from "../../src/sandbox/premiumpay/index.js";
import type { BotApiEmulator } from "../../src/sandbox/telegram/index.js";
import { ChildBot, childEnv } from "./child-bot.js";

export const WEBHOOK_SECRET = "replica_secret";
/** A replica in webhook mode on 127.0.0.1, on a port of its own (it logs which). */
export const WEBHOOK_ENV: Readonly<Record<string, string>> = {
  BOT_MODE: "webhook",
  WEBHOOK_URL: "https://bot.example.test/telegram",
  WEBHOOK_SECRET,
  HOST: "127.0.0.1",
  PORT: "0",
};

export interface Replica {
  bot: ChildBot;
  /** Where its webhook server listens (webhook mode only). */
  port?: number;
}

export interface ReplicaSetOptions {
  count: number;
  telegram: BotApiEmulator;
  premiumpay: PremiumpaySandbox;
  databaseUrl: string;
  /** A folder in which each replica gets a data folder of its own, as on separate hosts. */
  dataRoot: string;
  entry: string;
  mode: "webhook" | "polling";
  extra?: Record<string, string>;
}

/** The replicas and what they share: one database, one CREDENTIALS_KEY. */
export interface ReplicaSet {
  replicas: Replica[];
  key: string;
  /** Starts one more replica on the same database (a restarted host). */
  add(): Promise<Replica>;
}

/** Bot processes on one PostgreSQL database, each started and ready (webhook mode: listening on a port of its own). */
export async function startReplicas(options: ReplicaSetOptions): Promise<ReplicaSet> {
  const key = randomBytes(32).toString("hex");
  let count = 0;
  const add = async (): Promise<Replica> => {
    const dataDir = join(options.dataRoot, `replica-${count++}`);
    await mkdir(dataDir, { recursive: true });
    const webhook = options.mode === "webhook" ? WEBHOOK_ENV : {};
    const env = childEnv({
      telegram: options.telegram,
      premiumpay: options.premiumpay,
      dataDir,
      credentialsKey: key,
      extra: { STORE: "postgres", DATABASE_URL: options.databaseUrl, ...webhook, ...options.extra },
    });
    const bot = await ChildBot.start(env, { entry: options.entry, startTimeoutMs: 60_000 });
    if (options.mode === "polling") return { bot };
    const startLine = bot.logs().find((line) => String(line.msg).startsWith("bot started"));
    return { bot, port: Number(startLine?.port) };
  };
  const replicas = await Promise.all(Array.from({ length: options.count }, add));
  return { replicas, key, add };
}

export const isLeaderLine = (line: string) => line.includes('"msg":"elected leader');

export interface RoundRobinProxy {
  url: string;
  /** Which replica (index) each update id was forwarded to. */
  routes: Map<number, number>;
  close(): Promise<void>;
}

/**
 * A load balancer in front of the replicas' webhook servers: each request goes to the next replica in turn, as a
 * round-robin balancer does, so consecutive updates of one chat land on different processes.
 */
export async function startRoundRobinProxy(ports: number[]): Promise<RoundRobinProxy> {
  let next = 0;
  const routes = new Map<number, number>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const index = next++ % ports.length;
      const updateId = Number((JSON.parse(body.toString("utf8")) as { update_id?: number }).update_id);
      routes.set(updateId, index);
      const forwarded = request(
        { host: "127.0.0.1", port: ports[index], method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forwarded.on("error", () => res.writeHead(502).end());
      forwarded.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    routes,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** POSTs one update as Telegram does (with the secret header); resolves with the HTTP status. */
export async function postUpdate(url: string, update: Update): Promise<number> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": WEBHOOK_SECRET },
    body: JSON.stringify(update),
  });
  await response.arrayBuffer();
  return response.status;
}
