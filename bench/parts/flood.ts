import type { ApiCall, SimUser } from "../../src/sandbox/telegram/index.js";
import type { BenchChild } from "../support/child.js";
import {
  runTraffic,
  salesFlow,
  startOurBot,
  startTrafficWorld,
  stopBot,
  type TrafficWorld,
  type UpdateSample,
} from "../support/drive.js";
import { type LatencySummary, round, sleep, summarize } from "../support/stats.js";

export interface FloodOptions {
  operators: number;
  warmupSeconds: number;
  /** Measured seconds of each phase (quiet, flooded), split into slices that alternate between the two. */
  seconds: number;
  /** Messages the flooding chat sends at once at the start of each flooded slice; a tenth more every second. */
  floodMessages: number;
}

/**
 * Operators pause like people between screens, so the bot is not saturated and a reply's latency is the bot's own
 * work, which the flood must not lengthen (a saturated closed loop would measure queueing instead).
 */
const PAUSE_MS = 1000;
/**
 * Quiet and flooded slices in the order Q F F Q Q F F Q: on a machine shared with other work, the load drifts by
 * more than the flood costs, and two phases measured one after the other would compare the drift. Alternating in
 * this order cancels a drift that is linear over the run.
 */
const ORDER = ["quiet", "flooded", "flooded", "quiet", "quiet", "flooded", "flooded", "quiet"] as const;
/** Telegram's limit of messages into one chat, which the emulator enforces here as Telegram would. */
const PER_CHAT_PER_SECOND = 1;

type Phase = (typeof ORDER)[number];

export interface FloodReport {
  operators: number;
  floodMessages: number;
  /** Other operators' first reply, ms, without and with one chat flooding. */
  quiet: LatencySummary;
  flooded: LatencySummary;
  /** flooded ÷ quiet, p50 and p99; the goal is at most 1.5. */
  p50Ratio: number;
  p99Ratio: number;
  /** CPU per second of the bot's process and of the bench's own (the emulator and the operators), by phase. */
  botCpuMsPerSecond: Record<Phase, number>;
  emulatorCpuMsPerSecond: Record<Phase, number>;
  /** Sends Telegram refused with 429 (its per-chat limit), into the other operators' chats and the flooder's. */
  refused: { operators: number; flooder: number };
  /** Messages the flooder got back (slow-down notices and the few updates let through). */
  repliesToFlooder: number;
  failedSteps: number;
}

async function botCpuMs(bot: BenchChild): Promise<number> {
  const usage = await bot.request({ type: "cpu" });
  return (Number(usage.user) + Number(usage.system)) / 1000;
}

const ownCpuMs = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

/** Until Telegram's queue is empty: a flood's leftovers must not spill into the next quiet slice. */
async function drained(world: TrafficWorld): Promise<void> {
  while (world.telegram.pendingUpdates() > 0) await sleep(50);
}

/** Everyone else's reply latency with and without one chat sending thousands of messages, on one bot. */
export async function benchFlood(options: FloodOptions): Promise<FloodReport> {
  const world = await startTrafficWorld(options.operators, {
    rateLimit: { perChatPerSecond: PER_CHAT_PER_SECOND },
  });
  const flooder: SimUser = { id: 600_000, first_name: "Flooder", language_code: "en" };
  const sliceMs = (options.seconds * 1000 * 2) / ORDER.length;
  try {
    const refused = { operators: 0, flooder: 0 };
    world.telegram.events.on("call", (call: ApiCall) => {
      if (call.errorCode !== 429) return;
      if (Number(call.params.chat_id) === flooder.id) refused.flooder++;
      else refused.operators++;
    });
    const bot = await startOurBot(world);
    const flow = salesFlow(world);
    await runTraffic(world, flow, options.warmupSeconds * 1000, PAUSE_MS);

    const samples: Record<Phase, UpdateSample[]> = { quiet: [], flooded: [] };
    const cpu = { bot: { quiet: 0, flooded: 0 }, own: { quiet: 0, flooded: 0 } };
    const elapsedMs = { quiet: 0, flooded: 0 };
    let failedSteps = 0;
    const send = (count: number) => {
      for (let i = 0; i < count; i++) world.telegram.sendText(flooder, `flood ${i}`);
    };
    for (const phase of ORDER) {
      await drained(world);
      const [botBefore, ownBefore, startedAt] = [await botCpuMs(bot), ownCpuMs(), performance.now()];
      let more: NodeJS.Timeout | undefined;
      if (phase === "flooded") {
        send(options.floodMessages);
        more = setInterval(() => send(Math.ceil(options.floodMessages / 10)), 1000);
      }
      const slice = await runTraffic(world, flow, sliceMs, PAUSE_MS).finally(() => clearInterval(more));
      cpu.own[phase] += ownCpuMs() - ownBefore;
      cpu.bot[phase] += (await botCpuMs(bot)) - botBefore;
      elapsedMs[phase] += performance.now() - startedAt;
      samples[phase].push(...slice.samples);
      failedSteps += slice.failedSteps;
    }
    await stopBot(bot);

    const firstReplies = (phase: Phase) =>
      summarize(samples[phase].map((sample) => sample.repliedAt - sample.enqueuedAt));
    const perSecond = (ms: Record<Phase, number>) => ({
      quiet: round((ms.quiet * 1000) / elapsedMs.quiet, 1),
      flooded: round((ms.flooded * 1000) / elapsedMs.flooded, 1),
    });
    const quietMs = firstReplies("quiet");
    const floodedMs = firstReplies("flooded");
    return {
      operators: options.operators,
      floodMessages: options.floodMessages,
      quiet: quietMs,
      flooded: floodedMs,
      p50Ratio: round(floodedMs.p50 / quietMs.p50),
      p99Ratio: round(floodedMs.p99 / quietMs.p99),
      botCpuMsPerSecond: perSecond(cpu.bot),
      emulatorCpuMsPerSecond: perSecond(cpu.own),
      refused,
      repliesToFlooder: world.telegram.chat(flooder.id).botMessages().length,
      failedSteps,
    };
  } finally {
    await world.close();
  }
}
