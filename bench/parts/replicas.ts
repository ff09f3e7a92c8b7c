import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { bundleMain } from "../../test/support/child-bot.js";
import { startPostgres } from "../../test/support/postgres.js";
import {
  isLeaderLine,
  postUpdate,
  startReplicas,
  startRoundRobinProxy,
  WEBHOOK_ENV,
} from "../../test/support/replicas.js";
import { BenchChild } from "../support/child.js";
import {
  botEnv,
  runTraffic,
  salesFlow,
  startTrafficWorld,
  stopBot,
  type TrafficWorld,
} from "../support/drive.js";
import { type LatencySummary, round, summarize } from "../support/stats.js";

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

interface Bots {
  bots: BenchChild[];
  close(): Promise<void>;
}

async function cpuMs(bots: BenchChild[]): Promise<number> {
  const usages = await Promise.all(bots.map((bot) => bot.request({ type: "cpu" })));
  return usages.reduce((sum, usage) => sum + (Number(usage.user) + Number(usage.system)) / 1000, 0);
}

async function measure(
  world: TrafficWorld,
  bots: BenchChild[],
  options: ReplicasOptions,
): Promise<TrafficFigures> {
  const flow = salesFlow(world);
  await runTraffic(world, flow, options.warmupSeconds * 1000);
  const cpuBefore = await cpuMs(bots);
  const startedAt = performance.now();
  const traffic = await runTraffic(world, flow, options.seconds * 1000);
  const cpu = (await cpuMs(bots)) - cpuBefore;
  const windowMs = options.seconds * 1000;
  const inWindow = traffic.samples.filter((sample) => sample.doneAt <= startedAt + windowMs);
  return {
    updatesPerSecond: round(inWindow.length / options.seconds, 1),
    stepMs: summarize(inWindow.map((sample) => sample.doneAt - sample.enqueuedAt)),
    botCpuMsPerUpdate: round(cpu / Math.max(1, traffic.samples.length)),
    failedSteps: traffic.failedSteps,
    ...(traffic.firstFailure !== undefined && { firstFailure: traffic.firstFailure }),
  };
}

/** `count` bot processes on one store; webhook mode puts them behind a round-robin balancer fed by the emulator. */
async function startBots(
  world: TrafficWorld,
  count: number,
  env: Record<string, string>,
  webhook: boolean,
): Promise<Bots> {
  const shared = { ...botEnv(world), ...env };
  const webhookEnv = webhook ? WEBHOOK_ENV : {};
  const args = [
    JSON.stringify({ operators: world.users.map((user) => user.id), account: world.premiumpay.demoClient }),
  ];
  const bots: BenchChild[] = [];
  const ports: number[] = [];
  for (let index = 0; index < count; index++) {
    const bot = BenchChild.start("bot.ts", { env: { ...shared, ...webhookEnv }, args });
    bots.push(bot);
    ports.push(Number((await bot.receive("ready")).port));
  }
  if (!webhook) return { bots, close: async () => void (await Promise.all(bots.map(stopBot))) };
  const proxy = await startRoundRobinProxy(ports);
  // Telegram's side of the webhook: every update the operators send is posted at once, as with max_connections.
  const forward = (update: Parameters<typeof postUpdate>[1]) =>
    void postUpdate(proxy.url, update).catch(() => {});
  world.telegram.events.on("update", forward);
  return {
    bots,
    async close() {
      world.telegram.events.off("update", forward);
      await Promise.all(bots.map(stopBot));
      await proxy.close();
    },
  };
}

async function withWorld<T>(options: ReplicasOptions, run: (world: TrafficWorld) => Promise<T>): Promise<T> {
  const world = await startTrafficWorld(options.operators);
  try {
    return await run(world);
  } finally {
    await world.close();
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

/** Part 8: the bot on PostgreSQL against lowdb per update, 1 → 2 webhook replicas, and the time a failover takes. */
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
