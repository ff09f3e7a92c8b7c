import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createI18n } from "../../src/bot/i18n.js";
import { loadConfig } from "../../src/config.js";
import { createDigestService } from "../../src/digest/index.js";
import { createLogger } from "../../src/logger.js";
import { createPremiumpayClient } from "../../src/premiumpay/index.js";
import { startPremiumpaySandbox } from "../../src/sandbox/premiumpay/index.js";
import { type StoredMessage, startBotApiEmulator } from "../../src/sandbox/telegram/index.js";
import { createStore } from "../../src/store/index.js";
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
}

export interface DigestReport {
  operators: number;
  configuredPerSecond: number;
  telegramLimitPerSecond: number;
  concurrency: number;
  messages: number;
  /** Messages per second from the first digest message to the last. */
  achievedPerSecond: number;
  /** achieved ÷ configured; the goal is at least 0.95. */
  rateRatio: number;
  /** From the scheduler turn starting to the last message, seconds. */
  totalSeconds: number;
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

/** Part 2: every operator's digest due at the same minute, through a Bot API with a global rate limit. */
export async function benchDigest(options: DigestOptions): Promise<DigestReport> {
  // 09:00:30 UTC today: every operator's 09:00 digest has just fallen due.
  const now = new Date(`${new Date().toISOString().slice(0, 10)}T09:00:30Z`);
  const clock = () => now;
  const telegram = await startBotApiEmulator({
    rateLimit: { globalPerSecond: options.telegramPerSecond },
    historyLimit: 1000,
  });
  const premiumpay = await startPremiumpaySandbox({ seed: 1, now: clock });
  const dataDir = await mkdtemp(join(tmpdir(), "ppbot-bench-digest-"));
  let counted = 0;
  // The sandbox scans its request log on every request: emptied every second, it stays small.
  const drain = setInterval(() => {
    counted += premiumpay.requests.length;
    premiumpay.clearRequests();
  }, 1000);
  try {
    const config = loadConfig({
      BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      PREMIUMPAY_API_URL: premiumpay.url,
      CREDENTIALS_KEY: randomBytes(32).toString("hex"),
      DATA_DIR: dataDir,
      DIGEST_MAX_PER_SECOND: String(options.digestPerSecond),
      ...(options.concurrency !== undefined && { DIGEST_CONCURRENCY: String(options.concurrency) }),
    });
    const store = await createStore({ dataDir, credentialsKey: config.credentialsKey, now: clock });
    const yesterday = new Date(now.getTime() - 12 * 3_600_000);
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
    await Promise.all(
      ids.map((id, index) => {
        telegram.addUser({ id, first_name: `Operator ${index + 1}`, language_code: index % 2 ? "es" : "en" });
        const account = accounts[index % accounts.length]!;
        return store.saveCredentials(
          id,
          { clientId: account.clientId, token: account.token },
          { timezone: "UTC", digestTime: "09:00", locale: index % 2 ? "es" : "en" },
        );
      }),
    );

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

    const service = createDigestService({
      deps: {
        config,
        store,
        now: clock,
        logger: createLogger("warn", { write: () => undefined }),
        i18n: createI18n(config.defaultLocale),
        premiumpay: (credentials) =>
          createPremiumpayClient({
            baseUrl: config.premiumpay.baseUrl,
            timeoutMs: config.premiumpay.timeoutMs,
            paths: config.premiumpay.paths,
            ...credentials,
          }),
      },
    });
    const requestsBefore = counted + premiumpay.requests.length;
    const startedAt = performance.now();
    const turnDone = service.runDue();
    let timer: NodeJS.Timeout | undefined;
    const capped = await Promise.race([
      turnDone.then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), options.capSeconds * 1000);
      }),
    ]);
    clearTimeout(timer);
    if (capped) await service.stop();
    const turn = await turnDone;
    const requests = counted + premiumpay.requests.length - requestsBefore;
    const second = capped ? { sent: 0, loginAgain: 0 } : await service.runDue();
    await service.stop();
    const today = now.toISOString().slice(0, 10);
    const marked = new Set(ids.filter((id) => store.getOperator(id)?.digest.lastSentLocalDate === today));
    await store.close();

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
      concurrency: config.digest.concurrency,
      messages: sentAt.length,
      achievedPerSecond: round(achievedPerSecond, 1),
      rateRatio: round(achievedPerSecond / options.digestPerSecond, 3),
      totalSeconds: round((last - startedAt) / 1000, 1),
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
    await rm(dataDir, { recursive: true, force: true });
  }
}
