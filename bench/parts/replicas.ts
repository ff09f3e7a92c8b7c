import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { bundleMain } from "../../test/support/child-bot.js";
import { startPostgres } from "../../test/support/postgres.js";
import {
  isLeaderLine,
  startReplicas,
  startRoundRobinProxy,
  WEBHOOK_ENV,
} from "../../test/support/replicas.js";
import type { PremiumpayReady } from "../processes/premiumpay.js";
import type { TrafficReady, TrafficRun } from "../processes/traffic.js";
import { BenchChild } from "../support/child.js";
import { botEnv, startTrafficWorld, stopBot } from "../support/drive.js";
import { type LatencySummary, round } from "../support/stats.js";

export interface ReplicasOptions {
  operators: number;
  warmupSeconds: number;
  seconds: number;
}

export interface TrafficFigures {
  updatesPerSecond: number;
  stepMs: LatencySummary;
  /** CPU of every bot process together, per update handled. */
  botCpuMsPerUpdate: number;
  failedSteps: number;
  firstFailure?: string;
}

export interface ReplicasReport {
  /** Part 1's traffic on one bot (long polling): the same bot on lowdb, then on PostgreSQL. */
  perUpdate: { lowdb: TrafficFigures; postgres: TrafficFigures; postgresOverLowdbCpu: number };
  /** Webhook mode on PostgreSQL behind a round-robin balancer: one replica, then two. */
  throughput: { oneReplica: TrafficFigures; twoReplicas: TrafficFigures; twoOverOne: number };
  /** The elected replica SIGKILLed: until the other is elected (the scheduler) and until it answers (polling). */
  failover: { schedulerMs: number; pollingMs: number; goalMs: number };
}

/** The emulator child (with the traffic driver) and the sandbox child, each a process of its own. */
interface World {
  traffic: BenchChild;
  telegram: TrafficReady;
  premiumpay: PremiumpayReady;
}

async function cpuMs(bots: BenchChild[]): Promise<number> {
  const usages = await Promise.all(bots.map((bot) => bot.request({ type: "cpu" })));
  return usages.reduce((sum, usage) => sum + (Number(usage.user) + Number(usage.system)) / 1000, 0);
}

/** The emulator child drives the warm-up, then the measured run; the bots' CPU is read around the latter. */
async function measure(world: World, bots: BenchChild[], options: ReplicasOptions): Promise<TrafficFigures> {
  await world.traffic.request({ type: "traffic", seconds: options.warmupSeconds });
  const cpuBefore = await cpuMs(bots);
  const run = (await world.traffic.request({
    type: "traffic",
    seconds: options.seconds,
  })) as unknown as TrafficRun;
  const cpu = (await cpuMs(bots)) - cpuBefore;
  return {
    updatesPerSecond: run.updatesPerSecond,
    stepMs: run.stepMs,
    botCpuMsPerUpdate: round(cpu / Math.max(1, run.updates)),
    failedSteps: run.failedSteps,
    ...(run.firstFailure !== undefined && { firstFailure: run.firstFailure }),
  };
}

/**
 * `count` bot processes on one store. Webhook mode puts them behind a round-robin balancer that runs here, in the
 * bench process: a balancer is a process of its own in production, and this one is idle while the children
 * work, so the balancer's CPU is neither the emulator's nor a bot's. The emulator child posts every update to it.
 */
async function startBots(
  world: World,
  count: number,
  env: Record<string, string>,
  webhook: boolean,
): Promise<{ bots: BenchChild[]; close(): Promise<void> }> {
  const shared = { ...botEnv(world), ...env, ...(webhook ? WEBHOOK_ENV : {}) };
  const args = [
    JSON.stringify({ operators: world.telegram.operators, account: world.premiumpay.demoClient }),
  ];
  const bots: BenchChild[] = [];
  const ports: number[] = [];
  for (let index = 0; index < count; index++) {
    const bot = BenchChild.start("bot.ts", { env: shared, args });
    bots.push(bot);
    ports.push(Number((await bot.receive("ready")).port));
  }
  const stopBots = async () => void (await Promise.all(bots.map(stopBot)));
  if (!webhook) return { bots, close: stopBots };
  const proxy = await startRoundRobinProxy(ports);
  await world.traffic.request({ type: "webhook", url: proxy.url });
  return {
    bots,
    async close() {
      await stopBots();
      await proxy.close();
    },
  };
}

/** A fresh emulator child and sandbox child per measurement, so no chat history or log carries over. */
async function withWorld<T>(options: ReplicasOptions, run: (world: World) => Promise<T>): Promise<T> {
  const traffic = BenchChild.start("traffic.ts", {
    args: [JSON.stringify({ operators: options.operators })],
  });
  const premiumpay = BenchChild.start("premiumpay.ts");
  try {
    const [telegram, sandbox] = await Promise.all([traffic.receive("ready"), premiumpay.receive("ready")]);
    return await run({
      traffic,
      telegram: telegram as unknown as TrafficReady,
      premiumpay: sandbox as unknown as PremiumpayReady,
    });
  } finally {
    await Promise.all(
      [traffic, premiumpay].map(async (child) => {
        await child.request({ type: "stop" }).catch(() => undefined);
        await child.exited();
      }),
    );
  }
}

async function trafficOn(
  options: ReplicasOptions,
  count: number,
  env: Record<string, string>,
  webhook: boolean,
): Promise<TrafficFigures> {
  return withWorld(options, async (world) => {
    const { bots, close } = await startBots(world, count, env, webhook);
    try {
      return await measure(world, bots, options);
    } finally {
      await close();
    }
  });
}

async function failover(createDatabase: () => Promise<string>): Promise<ReplicasReport["failover"]> {
  const bundle = await bundleMain();
  const dataRoot = await mkdtemp(join(tmpdir(), "ppbot-bench-failover-"));
  const world = await startTrafficWorld(1);
  const set = await startReplicas({
    count: 2,
    telegram: world.telegram,
    premiumpay: world.premiumpay,
    databaseUrl: await createDatabase(),
    dataRoot,
    entry: bundle.entry,
    mode: "polling",
  });
  try {
    const [first, second] = set.replicas.map((replica) => replica.bot);
    const leaderLine = await Promise.race(
      [first!, second!].map((bot) => bot.waitForLog(isLeaderLine, 30_000)),
    );
    const leader = first!.output().includes(leaderLine) ? first! : second!;
    const standby = leader === first ? second! : first!;
    const user = world.users[0]!;
    const killedAt = performance.now();
    leader.kill("SIGKILL");
    const answered = world.telegram.waitForBotMessage(
      user.id,
      (message) => /\/link/.test(message.text),
      60_000,
    );
    world.telegram.sendText(user, "/help");
    await standby.waitForLog(isLeaderLine, 60_000);
    const schedulerMs = performance.now() - killedAt;
    await answered;
    return {
      schedulerMs: round(schedulerMs, 0),
      pollingMs: round(performance.now() - killedAt, 0),
      goalMs: 15_000,
    };
  } finally {
    await Promise.all(set.replicas.map((replica) => replica.bot.killHard()));
    await world.close();
    await bundle.remove();
    await rm(dataRoot, { recursive: true, force: true });
  }
}

/**
 * Part 8: the bot on PostgreSQL against lowdb per update, 1 → 2 webhook replicas, and the time a failover takes.
 * For the traffic figures every party has a process of its own: the Bot API emulator with the traffic driver, the
 * premiumpay sandbox, each bot, PostgreSQL; this process only orchestrates them and runs the balancer. The
 * failover keeps the emulator and the sandbox here (startReplicas drives them in-process): it times an election
 * and one answer, with no load on either.
 */
export async function benchReplicas(options: ReplicasOptions): Promise<ReplicasReport> {
  const server = await startPostgres({ durable: true });
  const postgresEnv = async () => ({
    STORE: "postgres",
    DATABASE_URL: await server.createDatabase("bench"),
    CREDENTIALS_KEY: randomBytes(32).toString("hex"),
  });
  try {
    const lowdb = await trafficOn(options, 1, {}, false);
    const postgres = await trafficOn(options, 1, await postgresEnv(), false);
    const oneReplica = await trafficOn(options, 1, await postgresEnv(), true);
    const twoReplicas = await trafficOn(options, 2, await postgresEnv(), true);
    return {
      perUpdate: {
        lowdb,
        postgres,
        postgresOverLowdbCpu: round(postgres.botCpuMsPerUpdate / lowdb.botCpuMsPerUpdate),
      },
      throughput: {
        oneReplica,
        twoReplicas,
        twoOverOne: round(twoReplicas.updatesPerSecond / oneReplica.updatesPerSecond),
      },
      failover: await failover(() => server.createDatabase("failover")),
    };
  } finally {
    await server.destroy();
  }
}
