import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { PREFETCH_WINDOW_MS } from "../../src/digest/index.js";
import { startPremiumpaySandbox } from "../../src/sandbox/premiumpay/index.js";
import { type StoredMessage, startBotApiEmulator } from "../../src/sandbox/telegram/index.js";
import { BenchChild } from "../support/child.js";
import { round } from "../support/stats.js";

export interface DigestOptions {
  operators: number;
  /** The emulator's global limit, messages per second. */
  telegramPerSecond: number;
  /** DIGEST_MAX_PER_SECOND. */
  digestPerSecond: number;
  /** DIGEST_CONCURRENCY (premiumpay calls in flight); the bot's default when undefined. */
  concurrency: number | undefined;
  /** premiumpay accounts shared by the operators. */
  accounts: number;
  /** The run is stopped after this long (the queue stops cleanly), so the part stays within a minute. */
  capSeconds: number;
  /**
   * True: a scheduler turn inside the prefetch window builds every digest ahead, as in production, and the due
   * turn only sends. False: the due turn builds and sends (what a digest not built ahead costs).
   */
  prefetch: boolean;
}

export interface DigestReport {
  operators: number;
  configuredPerSecond: number;
  telegramLimitPerSecond: number;
  concurrency: number;
  prefetch: boolean;
  /** The prefetch turn: digests built ahead, how long it took and the digest process's CPU per digest. */
  builtAhead: { built: number; notBuilt: number; seconds: number; cpuMsPerDigest: number } | null;
  messages: number;
  /** Messages per second from the first digest message to the last. */
  achievedPerSecond: number;
  /** achieved ÷ configured; the goal is at least 0.95. */
  rateRatio: number;
  /** From the scheduler turn starting to the last message, seconds. */
  totalSeconds: number;
  /** CPU of the digest process during the due turn, per message sent, and as a share of one core. */
  sendCpuMsPerMessage: number;
  sendCpuPercent: number;
  /** 429 answers the emulator gave. */
  rateLimited: number;
  /** Operators marked as sent in the store without a message in their chat (lost). */
  skipped: number;
  /** Operators not reached before the time cap stopped the run (neither sent nor marked; sent on a later turn). */
  notReached: number;
  capped: boolean;
  /** Operators who got a message of their digest more than once (this run or a second scheduler turn). */
  doubled: number;
  /** What a second scheduler turn right after sent (must be 0: the day is marked sent). */
  secondTurnSent: number;
  premiumpayRequestsPerOperator: number | null;
  turn: { sent: number; loginAgain: number; blocked: number; failed: number };
}

const FIRST_OPERATOR_ID = 900_000;
const SALES_PER_CHANNEL = 12;

/**
 * Part 2: every operator's digest due at the same minute, through a Bot API with a global rate limit. The digest
 * service runs in a child process; the emulator and the sandbox stay here, so the figures measure our code.
 */
export async function benchDigest(options: DigestOptions): Promise<DigestReport> {
  // 09:00:30 UTC today: every operator's 09:00 digest has just fallen due.
  const dueTurnAt = new Date(`${new Date().toISOString().slice(0, 10)}T09:00:30Z`);
  // A scheduler turn inside the prefetch window before it.
  const prefetchTurnAt = new Date(dueTurnAt.getTime() - PREFETCH_WINDOW_MS + 60_000);
  const telegram = await startBotApiEmulator({
    rateLimit: { globalPerSecond: options.telegramPerSecond },
    historyLimit: 1000,
  });
  const premiumpay = await startPremiumpaySandbox({ seed: 1, now: () => dueTurnAt });
  let counted = 0;
  // The request log is only counted here: emptied every second, it does not grow over the run.
  const drain = setInterval(() => {
    counted += premiumpay.requests.length;
    premiumpay.clearRequests();
  }, 1000);
  const requestsSoFar = () => counted + premiumpay.requests.length;
  const child = BenchChild.start("digest.ts", {
    env: {
      BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      PREMIUMPAY_API_URL: premiumpay.url,
      CREDENTIALS_KEY: randomBytes(32).toString("hex"),
      DIGEST_MAX_PER_SECOND: String(options.digestPerSecond),
      ...(options.concurrency !== undefined && { DIGEST_CONCURRENCY: String(options.concurrency) }),
    },
  });
  try {
    await child.receive("ready");
    const yesterday = new Date(dueTurnAt.getTime() - 12 * 3_600_000);
    const accounts = [premiumpay.demoClient];
    while (accounts.length < options.accounts) {
      const added = premiumpay.addClient({ channels: 3 });
      for (const channel of premiumpay.data(added.clientId).channels) {
        for (let sale = 0; sale < SALES_PER_CHANNEL; sale++) {
          premiumpay.addSale(added.clientId, {
            channelId: channel.id,
            date: new Date(yesterday.getTime() + sale * 60_000),
          });
        }
      }
      accounts.push({ ...added, name: added.clientId });
    }
    const ids = Array.from({ length: options.operators }, (_, index) => FIRST_OPERATOR_ID + index);
    const locale = (index: number) => (index % 2 ? "es" : "en");
    ids.forEach((id, index) => {
      telegram.addUser({ id, first_name: `Operator ${index + 1}`, language_code: locale(index) });
    });
    const seeded = await child.request({
      type: "seed",
      operators: ids.map((id, index) => {
        const account = accounts[index % accounts.length]!;
        return { id, clientId: account.clientId, token: account.token, locale: locale(index) };
      }),
    });

    let rateLimited = 0;
    telegram.events.on("call", (call) => {
      if (call.errorCode === 429) rateLimited++;
    });
    const sentAt: number[] = [];
    const received = new Map<number, string[]>();
    telegram.events.on("message", (message: StoredMessage) => {
      if (message.from !== "bot") return;
      sentAt.push(performance.now());
      const texts = received.get(message.chatId) ?? [];
      texts.push(message.text);
      received.set(message.chatId, texts);
    });

    const requestsBefore = requestsSoFar();
    let builtAhead: DigestReport["builtAhead"] = null;
    if (options.prefetch) {
      const turn = await child.request({ type: "prefetch", at: prefetchTurnAt.toISOString() });
      const result = turn.result as { built: number; notBuilt: number };
      builtAhead = {
        ...result,
        seconds: round(Number(turn.wallMs) / 1000, 1),
        cpuMsPerDigest: round(Number(turn.cpuMs) / Math.max(1, result.built + result.notBuilt)),
      };
    }
    const startedAt = performance.now();
    const run = await child.request({
      type: "run",
      at: dueTurnAt.toISOString(),
      capSeconds: options.capSeconds,
    });
    const capped = run.capped === true;
    const turn = run.turn as DigestReport["turn"];
    const requests = requestsSoFar() - requestsBefore;
    const second = capped
      ? { sent: 0, loginAgain: 0 }
      : ((await child.request({ type: "second", at: dueTurnAt.toISOString() })).turn as DigestReport["turn"]);
    const stopped = await child.request({ type: "stop", date: dueTurnAt.toISOString().slice(0, 10) });
    await child.exited();
    const marked = new Set(stopped.marked as number[]);

    const first = sentAt[0] ?? startedAt;
    const last = sentAt.at(-1) ?? startedAt;
    const achievedPerSecond = sentAt.length > 1 ? (sentAt.length - 1) / ((last - first) / 1000) : 0;
    const doubled = ids.filter((id) => {
      const texts = received.get(id) ?? [];
      return new Set(texts).size < texts.length;
    }).length;
    return {
      operators: options.operators,
      configuredPerSecond: options.digestPerSecond,
      telegramLimitPerSecond: options.telegramPerSecond,
      concurrency: Number(seeded.concurrency),
      prefetch: options.prefetch,
      builtAhead,
      messages: sentAt.length,
      achievedPerSecond: round(achievedPerSecond, 1),
      rateRatio: round(achievedPerSecond / options.digestPerSecond, 3),
      totalSeconds: round((last - startedAt) / 1000, 1),
      sendCpuMsPerMessage: round(Number(run.cpuMs) / Math.max(1, sentAt.length)),
      sendCpuPercent: round((Number(run.cpuMs) / Number(run.wallMs)) * 100, 0),
      rateLimited,
      skipped: ids.filter((id) => (received.get(id) ?? []).length === 0 && (marked.has(id) || !capped))
        .length,
      notReached: ids.filter((id) => (received.get(id) ?? []).length === 0 && !marked.has(id)).length,
      capped,
      doubled,
      secondTurnSent: second.sent + second.loginAgain,
      // Stopped mid-run, requests of digests still being built would be counted against too few operators.
      premiumpayRequestsPerOperator: capped ? null : round(requests / options.operators),
      turn,
    };
  } finally {
    clearInterval(drain);
    await telegram.close();
    await premiumpay.close();
  }
}
