import { randomBytes } from "node:crypto";
import { createPremiumpayClient } from "../../src/premiumpay/index.js";
import { startBotApiEmulator } from "../../src/sandbox/telegram/index.js";
import { BenchChild } from "../support/child.js";
import { type LatencySummary, round, sleep, summarize } from "../support/stats.js";

export interface AlertsOptions {
  accounts: number;
  channels: number;
  /** ALERTS_POLL_SECONDS (default 60, as in production); the latency goals are read in intervals, so they scale with it. */
  pollSeconds: number;
  /** Sales a minute across every account while measuring (bursts come on top). */
  salesPerMinute: number;
  /** How long sales are generated. */
  seconds: number;
  /** Each account's premiumpay limit, requests a minute (enforced with 429 by the sandbox). */
  rateLimit: number;
  share: number;
}

export interface AlertsReport {
  accounts: number;
  channels: number;
  pollSeconds: number;
  sales: number;
  /** From a sale appearing in premiumpay to Telegram accepting the message that carried it, seconds. */
  latencySeconds: LatencySummary;
  /** The same divided by the poll interval: the goals at 60 s (p50 ≤ 35 s, p99 ≤ 70 s) are 0.58 and 1.17. */
  latencyIntervals: { p50: number; p99: number };
  missed: number;
  doubled: number;
  requestsPerAccountPerMinute: number;
  budgetPerAccountPerMinute: number;
  rateLimited: number;
  pollerCpuMsPerAccountPoll: number;
  polls: number;
  alertRssMiB: number;
  alertHeapUsedMiB: number;
  /** One poll's calls for an account watching all its channels: by gateway, and by channel. */
  queryPlan: { byGateway: { requests: number; ms: number }; byChannel: { requests: number; ms: number } };
}

const ROUNDS = 5;

type Control = (route: string, body?: unknown) => Promise<unknown>;

/** One poll of each plan for one account, timed: the measurement behind the poller's choice (poller.ts). */
async function measurePlans(
  url: string,
  control: Control,
  channels: number,
): Promise<AlertsReport["queryPlan"]> {
  const [account] = (await control("clients", { count: 1, channels })) as {
    clientId: string;
    token: string;
    channelIds: number[];
  }[];
  for (let n = 0; n < 40; n++)
    await control("sales", { clientId: account!.clientId, channelId: account!.channelIds[n % channels] });
  const client = createPremiumpayClient({ baseUrl: url, ...account!, retry: { retries: 0 } });
  const range = { from: new Date(Date.now() - 600_000), to: new Date(Date.now() + 1000) };
  const gateways = await client.gateways({ includeServices: true });
  const timedPlan = async (calls: (() => Promise<unknown>)[]) => {
    const started = performance.now();
    // Few rounds: the account's enforced limit (60 a minute) must not refuse the measurement.
    for (let round = 0; round < ROUNDS; round++) await Promise.all(calls.map((call) => call()));
    return { requests: calls.length, ms: round((performance.now() - started) / ROUNDS) };
  };
  return {
    byGateway: await timedPlan(gateways.map((g) => () => client.sales({ ...range, gatewayId: g.id }))),
    byChannel: await timedPlan(
      account!.channelIds.map((id) => () => client.channelSales({ ...range, channelId: id })),
    ),
  };
}

/**
 * The alerts part: `accounts` premiumpay accounts × `channels` channels, one operator each, the sandbox (its own
 * process) generating sales with bursts and late ones and refusing more than `rateLimit` requests a minute per
 * account, the alert service in another process, the Bot API emulator here.
 */
export async function benchAlerts(options: AlertsOptions): Promise<AlertsReport> {
  const telegram = await startBotApiEmulator({ historyLimit: 20 });
  const sandbox = BenchChild.start("premiumpay.ts", { env: { BENCH_RATE_LIMIT: String(options.rateLimit) } });
  let alerts: BenchChild | undefined;
  try {
    const { url } = (await sandbox.receive("ready")) as unknown as { url: string };
    const control: Control = async (route, body) => {
      const response = await fetch(`${url}/_sandbox/${route}`, {
        method: body === undefined ? "GET" : "POST",
        headers: { "Content-Type": "application/json" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      if (!response.ok)
        throw new Error(`sandbox control ${route}: ${response.status} ${await response.text()}`);
      return response.json();
    };
    const debug = (stage: string) => process.env.BENCH_DEBUG && process.stderr.write(` [${stage}]`);
    const queryPlan = await measurePlans(url, control, options.channels);
    debug("plans measured");
    const accounts = (await control("clients", { count: options.accounts, channels: options.channels })) as {
      clientId: string;
      token: string;
    }[];
    const userOf = new Map<number, string>();
    const operators = accounts.map((account, index) => {
      const id = 700_000 + index;
      userOf.set(id, account.clientId);
      telegram.addUser({ id, first_name: `Operator ${index + 1}` });
      return { id, ...account };
    });
    alerts = BenchChild.start("alerts.ts", {
      env: {
        BOT_TOKEN: telegram.token,
        TELEGRAM_API_ROOT: telegram.apiRoot,
        PREMIUMPAY_API_URL: url,
        CREDENTIALS_KEY: randomBytes(32).toString("hex"),
        ALERTS_POLL_SECONDS: String(options.pollSeconds),
        ALERTS_RATE_SHARE: String(options.share),
        ALERTS_CONCURRENCY: "64",
      },
    });
    await alerts.receive("ready");
    debug("alerts ready");
    await alerts.request({ type: "seed", operators });
    debug("seeded");
    await alerts.request({ type: "start" });
    // Every account's first poll only marks what exists; measuring starts once all have had it.
    for (;;) {
      const report = (await alerts.request({ type: "report" })) as unknown as { firstPolled: number };
      if (process.env.BENCH_DEBUG)
        process.stderr.write(` first polls ${report.firstPolled}/${accounts.length}`);
      if (report.firstPolled >= accounts.length) break;
      await sleep(500);
    }
    const before = (await control("counts")) as { requests: number; rateLimited: number };
    const { next: firstAppeared } = (await control("appeared?from=0")) as { next: number };
    await alerts.request({ type: "measure" });
    const measuredFrom = Date.now();
    await control("generator", {
      salesPerMinute: options.salesPerMinute,
      clientIds: accounts.map((account) => account.clientId),
      tickMs: 200,
    });
    await sleep(options.seconds * 1000);
    await control("generator", { stop: true });
    const appeared = (
      (await control(`appeared?from=${firstAppeared}`)) as {
        sales: { clientId: string; id: number; appearedAt: string }[];
      }
    ).sales;
    // Until every sale is delivered, or two and a half intervals and the grouping time: what is still out then
    // counts as missed.
    const delivered: (string | number)[][] = [];
    const drainUntil = Date.now() + (2.5 * options.pollSeconds + 6) * 1000;
    let report: {
      cpuMs: number;
      polls: number;
      rssMiB: number;
      heapUsedMiB: number;
      delivered: (string | number)[][];
    };
    for (;;) {
      report = (await alerts.request({ type: "report" })) as unknown as typeof report;
      delivered.push(...report.delivered);
      const carried = delivered.reduce((sum, message) => sum + message.length - 2, 0);
      if (carried >= appeared.length || Date.now() >= drainUntil) break;
      await sleep(1000);
    }
    const after = (await control("counts")) as { requests: number; rateLimited: number };
    const minutes = (Date.now() - measuredFrom) / 60_000;
    const appearedAt = new Map(
      appeared.map((sale) => [`${sale.clientId}|id:${sale.id}`, Date.parse(sale.appearedAt)]),
    );
    const latencies: number[] = [];
    const seen = new Set<string>();
    let doubled = 0;
    for (const [userId, at, ...keys] of delivered) {
      const clientId = userOf.get(Number(userId))!;
      for (const key of keys) {
        const id = `${clientId}|${key}`;
        if (seen.has(id)) {
          doubled++;
          continue;
        }
        seen.add(id);
        const appearedTime = appearedAt.get(id);
        if (appearedTime !== undefined) latencies.push((Number(at) - appearedTime) / 1000);
      }
    }
    const missed = [...appearedAt.keys()].filter((id) => !seen.has(id)).length;
    const latencySeconds = summarize(latencies);
    return {
      accounts: accounts.length,
      channels: options.channels,
      pollSeconds: options.pollSeconds,
      sales: appeared.length,
      latencySeconds,
      latencyIntervals: {
        p50: round(latencySeconds.p50 / options.pollSeconds),
        p99: round(latencySeconds.p99 / options.pollSeconds),
      },
      missed,
      doubled,
      requestsPerAccountPerMinute: round((after.requests - before.requests) / accounts.length / minutes),
      budgetPerAccountPerMinute: Math.floor(options.rateLimit * options.share),
      rateLimited: after.rateLimited - before.rateLimited,
      pollerCpuMsPerAccountPoll: round(report.cpuMs / Math.max(1, report.polls), 3),
      polls: report.polls,
      alertRssMiB: round(report.rssMiB, 1),
      alertHeapUsedMiB: round(report.heapUsedMiB, 1),
      queryPlan,
    };
  } finally {
    await alerts?.request({ type: "stop" }).catch(() => undefined);
    await sandbox.request({ type: "stop" }).catch(() => undefined);
    await telegram.close();
  }
}
