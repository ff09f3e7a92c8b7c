import type { BenchChild } from "../support/child.js";
import { runTraffic, salesFlow, startOurBot, startTrafficWorld, stopBot } from "../support/drive.js";
import { mib, round } from "../support/stats.js";

export interface MemoryOptions {
  operators: number;
  warmupSeconds: number;
  seconds: number;
}

export interface MemoryReport {
  operators: number;
  seconds: number;
  /** Updates handled after the warm-up reading. */
  updates: number;
  /** How many minutes of 200 busy operators (a /sales flow every 5 minutes each, 3 updates) those updates stand for. */
  equivalentMinutesOfTraffic: number;
  afterWarmup: { rssMiB: number; heapUsedMiB: number };
  afterTraffic: { rssMiB: number; heapUsedMiB: number };
  rssGrowthMiB: number;
  rssGrowthPercent: number;
  heapGrowthMiB: number;
  gcForced: boolean;
}

/** A busy operator: one today's-sales flow (3 updates) every 5 minutes, for the equivalence reported. */
const BUSY_UPDATES_PER_OPERATOR_MINUTE = 3 / 5;
const REFERENCE_OPERATORS = 200;

async function reading(bot: BenchChild) {
  const memory = await bot.request({ type: "memory" });
  return {
    rssMiB: mib(Number(memory.rss)),
    heapUsedMiB: mib(Number(memory.heapUsed)),
    gcForced: memory.gcForced === true,
  };
}

/** Part 4: the bot's memory after sustained traffic compared with after warm-up, each read after a forced GC. */
export async function benchMemory(options: MemoryOptions): Promise<MemoryReport> {
  const world = await startTrafficWorld(options.operators);
  try {
    const bot = await startOurBot(world, { exposeGc: true });
    const flow = salesFlow(world);
    await runTraffic(world, flow, options.warmupSeconds * 1000);
    const warm = await reading(bot);
    const traffic = await runTraffic(world, flow, options.seconds * 1000);
    const after = await reading(bot);
    await stopBot(bot);
    const updates = traffic.samples.length;
    return {
      operators: options.operators,
      seconds: options.seconds,
      updates,
      equivalentMinutesOfTraffic: round(
        updates / (REFERENCE_OPERATORS * BUSY_UPDATES_PER_OPERATOR_MINUTE),
        1,
      ),
      afterWarmup: { rssMiB: warm.rssMiB, heapUsedMiB: warm.heapUsedMiB },
      afterTraffic: { rssMiB: after.rssMiB, heapUsedMiB: after.heapUsedMiB },
      rssGrowthMiB: round(after.rssMiB - warm.rssMiB, 1),
      rssGrowthPercent: round(((after.rssMiB - warm.rssMiB) / warm.rssMiB) * 100, 1),
      heapGrowthMiB: round(after.heapUsedMiB - warm.heapUsedMiB, 1),
      gcForced: warm.gcForced && after.gcForced,
    };
  } finally {
    await world.close();
  }
}
