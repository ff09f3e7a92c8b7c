import { performance } from "node:perf_hooks";
import {
  baselineFlow,
  runTraffic,
  salesFlow,
  startBaselineBot,
  startOurBot,
  startTrafficWorld,
  stopBot,
  type TrafficWorld,
  type UpdateSample,
} from "../support/drive.js";
import { type LatencySummary, round, summarize } from "../support/stats.js";

export interface UpdatesOptions {
  operators: number;
  warmupSeconds: number;
  seconds: number;
}

export interface BotThroughput {
  updatesPerSecond: number;
  /** From the update being enqueued in the emulator to the bot's first message or edit in that chat, ms. */
  firstReplyMs: LatencySummary;
  /** From the update to the screen the operator waits for (the next step), ms. */
  stepMs: LatencySummary;
  /** CPU time of the bot's process per update handled: what limits throughput once the bot is saturated. */
  botCpuMsPerUpdate: number;
  /** Share of one core the bot's process used while measured. */
  botCpuPercent: number;
  /** Share of one core this process (emulator, premiumpay sandbox, simulated operators) used meanwhile. */
  harnessCpuPercent: number;
  failedSteps: number;
  firstFailure?: string;
  botWarnings: number;
  firstWarning?: string;
  premiumpayRequestsPerFlow?: number;
  /** Bot API calls per update handled, getUpdates left out. */
  botApiCallsPerUpdate: number;
  botApiCalls: Record<string, number>;
}

export interface UpdatesReport {
  operators: number;
  seconds: number;
  baseline: BotThroughput;
  /** The minimal bot doing per update what ours must do at least: one premiumpay request, as many Bot API calls. */
  fairBaseline: BotThroughput;
  ours: BotThroughput;
  /** ours ÷ baseline updates per second; the goal is at least 0.8. */
  throughputRatio: number;
  /** ours ÷ fair baseline. */
  fairThroughputRatio: number;
}

function measure(samples: UpdateSample[], startedAt: number, windowMs: number) {
  const inWindow = samples.filter((sample) => sample.doneAt <= startedAt + windowMs);
  return {
    updatesPerSecond: round(inWindow.length / (windowMs / 1000), 1),
    firstReplyMs: summarize(inWindow.map((sample) => sample.repliedAt - sample.enqueuedAt)),
    stepMs: summarize(inWindow.map((sample) => sample.doneAt - sample.enqueuedAt)),
  };
}

type Which = "baseline" | "ours" | { fairBaselineCalls: number };

async function measureBot(which: Which, options: UpdatesOptions): Promise<BotThroughput> {
  // A world of its own per bot: updates the other bot fetched but never confirmed cannot leak into this run.
  const world: TrafficWorld = await startTrafficWorld(options.operators);
  try {
    const bot =
      which === "ours"
        ? await startOurBot(world)
        : await startBaselineBot(
            world,
            which === "baseline" ? undefined : { botApiCallsPerUpdate: which.fairBaselineCalls },
          );
    const flow = which === "ours" ? salesFlow(world) : baselineFlow(world);
    await runTraffic(world, flow, options.warmupSeconds * 1000);
    const requestsBefore = world.premiumpayRequests();
    const cpuBefore = await bot.request({ type: "cpu" });
    const harnessCpuBefore = process.cpuUsage();
    const startedAt = performance.now();
    const traffic = await runTraffic(world, flow, options.seconds * 1000);
    const cpuAfter = await bot.request({ type: "cpu" });
    const harnessCpu = process.cpuUsage(harnessCpuBefore);
    const elapsedMs = performance.now() - startedAt;
    const requests = world.premiumpayRequests() - requestsBefore;
    const cpuMs =
      (Number(cpuAfter.user) + Number(cpuAfter.system) - Number(cpuBefore.user) - Number(cpuBefore.system)) /
      1000;
    const stopped = await stopBot(bot);
    const flows = traffic.samples.length / flow.length;
    const botApiCalls = Object.values(traffic.botApiCalls).reduce((sum, count) => sum + count, 0);
    return {
      ...measure(traffic.samples, startedAt, options.seconds * 1000),
      botCpuMsPerUpdate: round(cpuMs / Math.max(1, traffic.samples.length)),
      botCpuPercent: round((cpuMs / elapsedMs) * 100, 0),
      harnessCpuPercent: round(((harnessCpu.user + harnessCpu.system) / 1000 / elapsedMs) * 100, 0),
      failedSteps: traffic.failedSteps,
      ...(traffic.firstFailure !== undefined && { firstFailure: traffic.firstFailure }),
      botWarnings: stopped.warnings,
      ...(stopped.firstWarning !== undefined && { firstWarning: stopped.firstWarning }),
      ...(which === "ours" && { premiumpayRequestsPerFlow: round(requests / Math.max(1, flows)) }),
      botApiCallsPerUpdate: round(botApiCalls / Math.max(1, traffic.samples.length)),
      botApiCalls: traffic.botApiCalls,
    };
  } finally {
    await world.close();
  }
}

/** Part 1: our bot's throughput and latency on the today's-sales flow against a minimal grammY bot. */
export async function benchUpdates(options: UpdatesOptions): Promise<UpdatesReport> {
  const baseline = await measureBot("baseline", options);
  const ours = await measureBot("ours", options);
  const fairBaseline = await measureBot(
    { fairBaselineCalls: Math.max(1, Math.round(ours.botApiCallsPerUpdate)) },
    options,
  );
  return {
    operators: options.operators,
    seconds: options.seconds,
    baseline,
    fairBaseline,
    ours,
    throughputRatio: round(ours.updatesPerSecond / baseline.updatesPerSecond, 3),
    fairThroughputRatio: round(ours.updatesPerSecond / fairBaseline.updatesPerSecond, 3),
  };
}
