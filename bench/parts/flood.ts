import type { SimUser } from "../../src/sandbox/telegram/index.js";
import { runTraffic, salesFlow, startOurBot, startTrafficWorld, stopBot } from "../support/drive.js";
import { type LatencySummary, round, summarize } from "../support/stats.js";

export interface FloodOptions {
  operators: number;
  warmupSeconds: number;
  seconds: number;
  /** Messages the flooding chat sends at once at the start of the flooded run; a tenth more every second. */
  floodMessages: number;
}

/**
 * Operators pause like people between screens, so the bot is not saturated and a reply's latency is the bot's own
 * work, which the flood must not lengthen (a saturated closed loop would measure queueing instead).
 */
const PAUSE_MS = 1000;

export interface FloodReport {
  operators: number;
  floodMessages: number;
  /** Other operators' first reply, ms, without and with one chat flooding. */
  quiet: LatencySummary;
  flooded: LatencySummary;
  /** flooded ÷ quiet, p50 and p99; the goal is at most 1.5. */
  p50Ratio: number;
  p99Ratio: number;
  /** Messages the flooder got back (slow-down notices and the few updates let through). */
  repliesToFlooder: number;
  failedSteps: number;
}

/** Everyone else's reply latency with and without one chat sending thousands of messages, on one bot. */
export async function benchFlood(options: FloodOptions): Promise<FloodReport> {
  const world = await startTrafficWorld(options.operators);
  const flooder: SimUser = { id: 600_000, first_name: "Flooder", language_code: "en" };
  try {
    const bot = await startOurBot(world);
    const flow = salesFlow(world);
    await runTraffic(world, flow, options.warmupSeconds * 1000, PAUSE_MS);
    const quiet = await runTraffic(world, flow, options.seconds * 1000, PAUSE_MS);

    const send = (count: number) => {
      for (let i = 0; i < count; i++) world.telegram.sendText(flooder, `flood ${i}`);
    };
    send(options.floodMessages);
    const more = setInterval(() => send(Math.ceil(options.floodMessages / 10)), 1000);
    const flooded = await runTraffic(world, flow, options.seconds * 1000, PAUSE_MS).finally(() =>
      clearInterval(more),
    );
    await stopBot(bot);

    const firstReplies = (samples: typeof quiet.samples) =>
      summarize(samples.map((sample) => sample.repliedAt - sample.enqueuedAt));
    const quietMs = firstReplies(quiet.samples);
    const floodedMs = firstReplies(flooded.samples);
    return {
      operators: options.operators,
      floodMessages: options.floodMessages,
      quiet: quietMs,
      flooded: floodedMs,
      p50Ratio: round(floodedMs.p50 / quietMs.p50),
      p99Ratio: round(floodedMs.p99 / quietMs.p99),
      repliesToFlooder: world.telegram.chat(flooder.id).botMessages().length,
      failedSteps: quiet.failedSteps + flooded.failedSteps,
    };
  } finally {
    await world.close();
  }
}
