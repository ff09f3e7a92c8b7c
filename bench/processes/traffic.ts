import { performance } from "node:perf_hooks";
import type { Update } from "grammy/types";
import { startBotApiEmulator } from "../../src/sandbox/telegram/index.js";
import { postUpdate } from "../../test/support/replicas.js";
import { failInChild, serveParent } from "../support/child.js";
import { operatorUsers, runTraffic, salesFlow } from "../support/drive.js";
import { type LatencySummary, round, summarize } from "../support/stats.js";

/** What the emulator child reports with "ready": where bots reach its Bot API, and the operators' ids. */
export interface TrafficReady {
  token: string;
  apiRoot: string;
  operators: number[];
}

/** One closed-loop run of part 1's sales flow, as measured inside the emulator's process. */
export interface TrafficRun {
  /** Steps completed within the run's window, per second. */
  updatesPerSecond: number;
  stepMs: LatencySummary;
  /** Every step completed, those finishing after the window included (the bots' CPU covers them too). */
  updates: number;
  failedSteps: number;
  firstFailure?: string;
}

/**
 * The Bot API emulator in a process of its own, with the traffic driver that needs it in-process (it clicks and
 * waits on the emulator's chats directly) and, in webhook mode, Telegram's side of the webhook. argv[2] is JSON
 * `{ operators: number }`. Requests: "webhook" `{ url }` posts every update the operators send to `url` (the
 * balancer in front of the replicas) from then on; "traffic" `{ seconds }` runs the sales flow that long and
 * answers with a TrafficRun.
 */
const { operators } = JSON.parse(process.argv[2] ?? "{}") as { operators: number };

async function start(): Promise<void> {
  // Callback queries and calls are remembered up to this many: enough that none is forgotten before it is answered.
  const telegram = await startBotApiEmulator({ historyLimit: 20_000 });
  const world = { telegram, users: operatorUsers(operators) };
  const flow = salesFlow(world);
  let forward: ((update: Update) => void) | undefined;
  serveParent({
    webhook: async (message) => {
      const url = String(message.url);
      // Every update is posted at once, as Telegram does with max_connections; the bot's reply to it is what the
      // driver waits for, so a refused post shows as a failed step.
      forward = (update) => void postUpdate(url, update).catch(() => {});
      telegram.events.on("update", forward);
      return { type: "webhook" };
    },
    traffic: async (message) => {
      const windowMs = Number(message.seconds) * 1000;
      const startedAt = performance.now();
      const traffic = await runTraffic(world, flow, windowMs);
      const inWindow = traffic.samples.filter((sample) => sample.doneAt <= startedAt + windowMs);
      const run: TrafficRun = {
        updatesPerSecond: round(inWindow.length / Number(message.seconds), 1),
        stepMs: summarize(inWindow.map((sample) => sample.doneAt - sample.enqueuedAt)),
        updates: traffic.samples.length,
        failedSteps: traffic.failedSteps,
        ...(traffic.firstFailure !== undefined && { firstFailure: traffic.firstFailure }),
      };
      return { type: "traffic", ...run };
    },
    stop: async () => {
      if (forward) telegram.events.off("update", forward);
      await telegram.close();
      process.send?.({ type: "stop" });
      process.disconnect?.();
      return undefined;
    },
  });
  const ready: TrafficReady = {
    token: telegram.token,
    apiRoot: telegram.apiRoot,
    operators: world.users.map((user) => user.id),
  };
  process.send?.({ type: "ready", ...ready });
}

start().catch(failInChild);
