import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { pickerCallback } from "../../src/bot/callback-data/index.js";
import { salesLinkCallback, salesViewCallback } from "../../src/bot/callback-data/sales.js";
import { unstamp } from "../../src/bot/screens/stamp.js";
import { type PremiumpaySandbox, startPremiumpaySandbox } from "../../src/sandbox/premiumpay/index.js";
import {
  type ApiCall,
  type BotApiEmulator,
  type RateLimit,
  type SimUser,
  type StoredMessage,
  startBotApiEmulator,
} from "../../src/sandbox/telegram/index.js";
import { BenchChild } from "./child.js";
import { sleep } from "./stats.js";

/** Operators' Telegram ids start here. */
const FIRST_OPERATOR_ID = 700_000;
/** A step the bot does not finish in this time is counted as failed; the operator starts over. */
const STEP_TIMEOUT_MS = 15_000;

/** One update sent by a simulated operator and what the bot did with it (performance.now() milliseconds). */
export interface UpdateSample {
  enqueuedAt: number;
  /** The bot's first message or edit in that chat after the update. */
  repliedAt: number;
  /** The message or edit the operator was waiting for (the next step's screen). */
  doneAt: number;
}

/** What the traffic driver needs: the emulator in its own process and the operators tapping in it. */
export interface Operators {
  telegram: BotApiEmulator;
  users: SimUser[];
}

/** `count` simulated operators, the same ids in every part and process. */
export function operatorUsers(count: number): SimUser[] {
  return Array.from({ length: count }, (_, index) => ({
    id: FIRST_OPERATOR_ID + index,
    first_name: `Operator ${index + 1}`,
    language_code: "en",
  }));
}

/** The emulator and the premiumpay sandbox in this process; the bot under test runs in a child. */
export interface TrafficWorld extends Operators {
  premiumpay: PremiumpaySandbox;
  /** premiumpay requests received so far (the sandbox's log is emptied as it goes, see below). */
  premiumpayRequests(): number;
  close(): Promise<void>;
}

export async function startTrafficWorld(
  operators: number,
  /** Telegram's send limits, enforced by the emulator (none by default). */
  options: { rateLimit?: RateLimit } = {},
): Promise<TrafficWorld> {
  // Callback queries and calls are remembered up to this many: enough that none is forgotten before it is answered.
  const telegram = await startBotApiEmulator({ historyLimit: 20_000, rateLimit: options.rateLimit ?? null });
  const premiumpay = await startPremiumpaySandbox({ seed: 1 });
  // The request log is only counted here: emptied every second, it does not grow over the run.
  let counted = 0;
  const drain = setInterval(() => {
    counted += premiumpay.requests.length;
    premiumpay.clearRequests();
  }, 1000);
  return {
    telegram,
    premiumpay,
    users: operatorUsers(operators),
    premiumpayRequests: () => counted + premiumpay.requests.length,
    async close() {
      clearInterval(drain);
      await telegram.close();
      await premiumpay.close();
    },
  };
}

/** Where a bot child finds the emulator and the sandbox, in this process or in children of their own. */
export interface BotEndpoints {
  telegram: Pick<BotApiEmulator, "token" | "apiRoot">;
  premiumpay: Pick<PremiumpaySandbox, "url">;
}

/** The environment of a bot child talking to these endpoints. */
export function botEnv(world: BotEndpoints): Record<string, string> {
  return {
    BOT_TOKEN: world.telegram.token,
    TELEGRAM_API_ROOT: world.telegram.apiRoot,
    PREMIUMPAY_API_URL: world.premiumpay.url,
    PREMIUMPAY_TIMEOUT_MS: "10000",
    CREDENTIALS_KEY: randomBytes(32).toString("hex"),
  };
}

export async function startOurBot(
  world: TrafficWorld,
  options: { exposeGc?: boolean; env?: Record<string, string> } = {},
): Promise<BenchChild> {
  const child = BenchChild.start("bot.ts", {
    env: { ...botEnv(world), ...options.env },
    args: [
      JSON.stringify({
        operators: world.users.map((user) => user.id),
        account: world.premiumpay.demoClient,
      }),
    ],
    exposeGc: options.exposeGc ?? false,
  });
  await child.receive("ready");
  return child;
}

/**
 * The minimal grammY bot. `work`, for the fair baseline: per update one premiumpay request (the channel list, with
 * credentials) and the same number of Bot API calls as our bot makes per update.
 */
export async function startBaselineBot(
  world: TrafficWorld,
  work?: { botApiCallsPerUpdate: number },
): Promise<BenchChild> {
  const { clientId, token } = world.premiumpay.demoClient;
  const child = BenchChild.start("baseline-bot.ts", {
    env: {
      ...botEnv(world),
      ...(work && {
        BASELINE_BOT_API_CALLS: String(work.botApiCallsPerUpdate),
        BASELINE_PREMIUMPAY_URL: `${world.premiumpay.url}${world.premiumpay.paths.channels}`,
        BASELINE_PREMIUMPAY_CLIENT_ID: clientId,
        BASELINE_PREMIUMPAY_TOKEN: token,
      }),
    },
  });
  await child.receive("ready");
  return child;
}

export async function stopBot(child: BenchChild): Promise<{ warnings: number; firstWarning?: string }> {
  const reply = await child.request({ type: "stop" });
  await child.exited();
  return {
    warnings: Number(reply.warnings ?? 0),
    ...(typeof reply.firstWarning === "string" && { firstWarning: reply.firstWarning }),
  };
}

interface Pending {
  enqueuedAt: number;
  repliedAt?: number;
  expect: (message: StoredMessage) => boolean;
  resolve: (message: StoredMessage) => void;
}

/** One operator's action: sends an update and names the bot message that completes the step. */
interface Step {
  act: (user: SimUser, last: StoredMessage | undefined) => void;
  expect: (message: StoredMessage) => boolean;
}

const callbackData = (message: StoredMessage | undefined): string[] =>
  (message?.replyMarkup?.inline_keyboard.flat() ?? []).flatMap((button) =>
    "callback_data" in button ? [button.callback_data] : [],
  );

const hasData = (test: (data: string) => boolean) => (message: StoredMessage) =>
  callbackData(message).some(test);

/** A flow's screens stamp their buttons' data; the tests below read what is under the stamp. */
const plain = (data: string) => unstamp(data)?.data ?? data;
const isChannelButton = (data: string) => pickerCallback.unpack(plain(data))?.[0] === "c";
const isAllLinksButton = (data: string) => salesLinkCallback.unpack(plain(data))?.[0] === "all";
const isRefreshButton = (data: string) => salesViewCallback.unpack(plain(data))?.[0] === "refresh";

/** The first button of the last screen whose callback data passes `test`. */
function click(
  world: Operators,
  user: SimUser,
  last: StoredMessage | undefined,
  test: (data: string) => boolean,
) {
  const data = callbackData(last).find(test);
  if (!last || data === undefined) throw new Error("the screen has no such button");
  world.telegram.clickButton(user, last.messageId, data);
}

/** Today's sales: /sales → the first channel (the last used) → All links → the figures. Three updates. */
export function salesFlow(world: Operators): Step[] {
  return [
    { act: (user) => world.telegram.sendText(user, "/sales"), expect: hasData(isChannelButton) },
    { act: (user, last) => click(world, user, last, isChannelButton), expect: hasData(isAllLinksButton) },
    { act: (user, last) => click(world, user, last, isAllLinksButton), expect: hasData(isRefreshButton) },
  ];
}

/** The same three updates (a command, then two button presses) for the baseline, which answers each with a message. */
export function baselineFlow(world: Operators): Step[] {
  const anyMessage = () => true;
  const press = (user: SimUser, last: StoredMessage | undefined) => {
    if (!last) throw new Error("no bot message to press a button on");
    world.telegram.clickButton(user, last.messageId, "sales", { force: true });
  };
  return [
    { act: (user) => world.telegram.sendText(user, "/sales"), expect: anyMessage },
    { act: press, expect: anyMessage },
    { act: press, expect: anyMessage },
  ];
}

export interface TrafficResult {
  samples: UpdateSample[];
  /** Bot API calls the bot made meanwhile, by method (getUpdates left out: polling is the same for every bot). */
  botApiCalls: Record<string, number>;
  failedSteps: number;
  firstFailure?: string;
}

/**
 * Every operator runs `flow` over and over, each step waiting for the bot's answer (a closed loop, like people
 * tapping through the screens without pause), until `durationMs` has passed.
 */
export async function runTraffic(
  world: Operators,
  flow: Step[],
  durationMs: number,
  /** A person's pause after each answer (0: a closed loop that saturates the bot, as in part 1). */
  pauseMs = 0,
): Promise<TrafficResult> {
  const pending = new Map<number, Pending>();
  const onBotMessage = (message: StoredMessage) => {
    if (message.from !== "bot") return;
    const waiting = pending.get(message.chatId);
    if (!waiting) return;
    waiting.repliedAt ??= performance.now();
    if (waiting.expect(message)) {
      pending.delete(message.chatId);
      waiting.resolve(message);
    }
  };
  world.telegram.events.on("message", onBotMessage);
  world.telegram.events.on("edit", onBotMessage);
  const botApiCalls: Record<string, number> = {};
  const onCall = (call: ApiCall) => {
    if (call.method !== "getUpdates") botApiCalls[call.method] = (botApiCalls[call.method] ?? 0) + 1;
  };
  world.telegram.events.on("call", onCall);

  const samples: UpdateSample[] = [];
  let failedSteps = 0;
  let firstFailure: string | undefined;
  const endAt = performance.now() + durationMs;

  async function perform(user: SimUser, step: Step, last: StoredMessage | undefined): Promise<StoredMessage> {
    let timer: NodeJS.Timeout | undefined;
    const entry: Pending = { enqueuedAt: 0, expect: step.expect, resolve: () => undefined };
    const done = new Promise<StoredMessage>((resolve, reject) => {
      entry.resolve = resolve;
      timer = setTimeout(() => {
        pending.delete(user.id);
        reject(new Error(`no answer within ${STEP_TIMEOUT_MS} ms`));
      }, STEP_TIMEOUT_MS);
    });
    pending.set(user.id, entry);
    entry.enqueuedAt = performance.now();
    try {
      step.act(user, last);
      const message = await done;
      const doneAt = performance.now();
      samples.push({ enqueuedAt: entry.enqueuedAt, repliedAt: entry.repliedAt ?? doneAt, doneAt });
      return message;
    } finally {
      clearTimeout(timer);
      pending.delete(user.id);
    }
  }

  async function operate(user: SimUser): Promise<void> {
    while (performance.now() < endAt) {
      let last: StoredMessage | undefined;
      try {
        for (const step of flow) {
          last = await perform(user, step, last);
          if (pauseMs > 0) await sleep(pauseMs);
        }
      } catch (error) {
        failedSteps++;
        firstFailure ??= error instanceof Error ? error.message : String(error);
        // Whatever the bot still sends for the failed step must not count for the next one.
        await sleep(1000);
      }
    }
  }

  await Promise.all(world.users.map((user) => operate(user)));
  world.telegram.events.off("message", onBotMessage);
  world.telegram.events.off("edit", onBotMessage);
  world.telegram.events.off("call", onCall);
  return { samples, botApiCalls, failedSteps, ...(firstFailure !== undefined && { firstFailure }) };
}
