import { mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import { parseArgs } from "node:util";
import { z } from "zod";
import { type AlertsReport, benchAlerts } from "./parts/alerts.js";
import { benchCharts, type ChartsReport } from "./parts/charts.js";
import { benchDigest, type DigestReport } from "./parts/digest.js";
import { benchFlood, type FloodReport } from "./parts/flood.js";
import { benchMemory, type MemoryReport } from "./parts/memory.js";
import { benchReplicas, type ReplicasReport } from "./parts/replicas.js";
import { benchStore, type StoreReport } from "./parts/store.js";
import { benchUpdates, type UpdatesReport } from "./parts/updates.js";

const USAGE = `npm run bench [-- options]
  --part <1-8>               run only these parts (repeat or comma-separate); all by default
  --operators <n>            simulated operators in parts 1 and 4 (200)
  --replica-operators <n>    simulated operators in part 8 (20: a bot on PostgreSQL on 2 shared cores cannot answer
                             200 closed-loop operators within the driver's step timeout, so 200 measures timeouts)
  --seconds <s>              measured seconds per bot in part 1 (10), after --warmup <s> (5)
  --digest-operators <n>     operators with a digest due in part 2 (5000)
  --telegram-rate <n>        the emulator's global limit, messages/s (500)
  --digest-rate <n>          DIGEST_MAX_PER_SECOND (450)
  --digest-concurrency <n>   DIGEST_CONCURRENCY (the bot's default)
  --digest-cap <s>           stop part 2 this long after the turn starts (25)
  --digest-no-prefetch       part 2 without the turn that builds digests ahead: built and sent when due
  --store-operators <n>      operators in the data file in part 3 (10000)
  --conversations <n>        flows open at once in part 3 (1000)
  --writes <n>               timed settings writes in part 3 (1000)
  --memory-seconds <s>       traffic between the two readings of part 4 (35)
  --flood <n>                messages one chat floods at once in part 5 (2000), a tenth more every second; --seconds
                             per phase, in 8 slices alternating quiet and flooded
  --flood-operators <n>      operators pausing 1 s between screens in part 5 (50)
  --charts <n>               charts rendered in part 6 after --chart-warmup <n> (1000, 60)
  --alerts-accounts <n>      premiumpay accounts in part 7, 5 channels and 1 operator each (2000)
  --alerts-poll-seconds <s>  ALERTS_POLL_SECONDS in part 7 (60, the default; the goals scale with it)
  --alerts-seconds <s>       how long part 7 generates sales (30)
  --alerts-sales <n>         sales a minute across all accounts in part 7, bursts on top (600)
  --profile <dir>            write a CPU profile of every child process into <dir>`;

const int = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const optionsSchema = z.object({
  part: z
    .array(z.string())
    .default([])
    .transform((values) => values.flatMap((value) => value.split(",")).map(Number))
    .pipe(z.array(z.number().int().min(1).max(8))),
  operators: int(200),
  "replica-operators": int(20),
  seconds: int(10),
  warmup: int(5),
  "digest-operators": int(5000),
  "telegram-rate": int(500),
  "digest-rate": int(450),
  "digest-concurrency": z.coerce.number().int().positive().optional(),
  "digest-cap": int(25),
  "digest-no-prefetch": z.boolean().default(false),
  "store-operators": int(10_000),
  conversations: int(1000),
  writes: int(1000),
  "memory-seconds": int(35),
  flood: int(2000),
  "flood-operators": int(50),
  charts: int(1000),
  "chart-warmup": int(60),
  "alerts-accounts": int(2000),
  "alerts-poll-seconds": int(60),
  "alerts-seconds": int(30),
  "alerts-sales": int(600),
  profile: z.string().optional(),
  help: z.boolean().default(false),
});

const stringOption = { type: "string" } as const;
const { values } = parseArgs({
  options: {
    part: { type: "string", multiple: true },
    operators: stringOption,
    "replica-operators": stringOption,
    seconds: stringOption,
    warmup: stringOption,
    "digest-operators": stringOption,
    "telegram-rate": stringOption,
    "digest-rate": stringOption,
    "digest-concurrency": stringOption,
    "digest-cap": stringOption,
    "digest-no-prefetch": { type: "boolean" },
    "store-operators": stringOption,
    conversations: stringOption,
    writes: stringOption,
    "memory-seconds": stringOption,
    flood: stringOption,
    "flood-operators": stringOption,
    charts: stringOption,
    "chart-warmup": stringOption,
    "alerts-accounts": stringOption,
    "alerts-poll-seconds": stringOption,
    "alerts-seconds": stringOption,
    "alerts-sales": stringOption,
    profile: stringOption,
    help: { type: "boolean" },
  },
});
const parsed = optionsSchema.safeParse(values);
if (!parsed.success || parsed.data.help) {
  if (!parsed.success)
    console.error(
      parsed.error.issues.map((issue) => `--${issue.path.join(".")}: ${issue.message}`).join("\n"),
    );
  console.log(USAGE);
  process.exit(parsed.success ? 0 : 2);
}
const options = parsed.data;
if (options.profile) process.env.BENCH_CPU_PROFILE_DIR = options.profile;
const parts = new Set(options.part.length > 0 ? options.part : [1, 2, 3, 4, 5, 6, 7, 8]);

interface Results {
  updates?: UpdatesReport;
  digest?: DigestReport;
  store?: StoreReport;
  memory?: MemoryReport;
  flood?: FloodReport;
  charts?: ChartsReport;
  alerts?: AlertsReport;
  replicas?: ReplicasReport;
}
const results: Results = {};

async function timed<T>(name: string, run: () => Promise<T>): Promise<T> {
  const started = Date.now();
  process.stderr.write(`part ${name}…`);
  const result = await run();
  process.stderr.write(` ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  return result;
}

if (parts.has(1)) {
  results.updates = await timed("1 (update handling)", () =>
    benchUpdates({ operators: options.operators, warmupSeconds: options.warmup, seconds: options.seconds }),
  );
}
if (parts.has(2)) {
  results.digest = await timed("2 (digest delivery)", () =>
    benchDigest({
      operators: options["digest-operators"],
      telegramPerSecond: options["telegram-rate"],
      digestPerSecond: options["digest-rate"],
      concurrency: options["digest-concurrency"],
      accounts: 10,
      capSeconds: options["digest-cap"],
      prefetch: !options["digest-no-prefetch"],
    }),
  );
}
if (parts.has(3)) {
  results.store = await timed("3 (store at scale)", () =>
    benchStore({
      operators: options["store-operators"],
      conversations: options.conversations,
      writes: options.writes,
    }),
  );
}
if (parts.has(4)) {
  results.memory = await timed("4 (memory over time)", () =>
    benchMemory({
      operators: options.operators,
      warmupSeconds: options.warmup,
      seconds: options["memory-seconds"],
    }),
  );
}

if (parts.has(5)) {
  results.flood = await timed("5 (one chat flooding)", () =>
    benchFlood({
      operators: options["flood-operators"],
      warmupSeconds: options.warmup,
      seconds: options.seconds,
      floodMessages: options.flood,
    }),
  );
}
if (parts.has(7)) {
  results.alerts = await timed("7 (sales alerts)", () =>
    benchAlerts({
      accounts: options["alerts-accounts"],
      channels: 5,
      pollSeconds: options["alerts-poll-seconds"],
      salesPerMinute: options["alerts-sales"],
      seconds: options["alerts-seconds"],
      rateLimit: 60,
      share: 0.5,
    }),
  );
}

if (parts.has(8)) {
  results.replicas = await timed("8 (PostgreSQL and replicas)", () =>
    benchReplicas({
      operators: options["replica-operators"],
      warmupSeconds: options.warmup,
      seconds: options.seconds,
    }),
  );
}

if (parts.has(6)) {
  results.charts = await timed("6 (charts)", () =>
    benchCharts({ charts: options.charts, warmup: options["chart-warmup"] }),
  );
}

type Row = [part: string, figure: string, value: string, goal: string];
const rows: Row[] = [];
const goal = (met: boolean, text: string) => `${text} ${met ? "(met)" : "(missed)"}`;

const { updates, digest, store, memory, flood, charts } = results;
if (updates) {
  const { baseline, fairBaseline, ours } = updates;
  const latency = (bot: typeof ours) =>
    `first reply p50 ${bot.firstReplyMs.p50} / p99 ${bot.firstReplyMs.p99} ms; step p50 ${bot.stepMs.p50} / p99 ${bot.stepMs.p99} ms`;
  rows.push(
    ["1 updates", `baseline (${updates.operators} operators)`, `${baseline.updatesPerSecond} updates/s`, ""],
    ["", "baseline latency", latency(baseline), ""],
    [
      "",
      "baseline CPU per update",
      `${baseline.botCpuMsPerUpdate} ms (bot ${baseline.botCpuPercent} %, harness ${baseline.harnessCpuPercent} % of a core)`,
      "",
    ],
    [
      "",
      `fair baseline (1 premiumpay + ${fairBaseline.botApiCallsPerUpdate} Bot API calls per update)`,
      `${fairBaseline.updatesPerSecond} updates/s, ${fairBaseline.botCpuMsPerUpdate} ms CPU per update`,
      "",
    ],
    ["", "fair baseline latency", latency(fairBaseline), ""],
    ["", "ours: /sales → channel → All links", `${ours.updatesPerSecond} updates/s`, ""],
    ["", "ours latency", latency(ours), ""],
    [
      "",
      "ours CPU per update",
      `${ours.botCpuMsPerUpdate} ms (bot ${ours.botCpuPercent} %, harness ${ours.harnessCpuPercent} % of a core)`,
      "",
    ],
    ["", "ours premiumpay requests per flow", `${ours.premiumpayRequestsPerFlow ?? "-"}`, ""],
    [
      "",
      "ours Bot API calls per update",
      `${ours.botApiCallsPerUpdate} (${Object.entries(ours.botApiCalls)
        .map(([method, count]) => `${method} ${count}`)
        .join(", ")})`,
      "",
    ],
    [
      "",
      "failed steps (ours / baseline / fair)",
      `${ours.failedSteps} / ${baseline.failedSteps} / ${fairBaseline.failedSteps}`,
      "0",
    ],
    [
      "",
      "throughput ours ÷ baseline",
      `${updates.throughputRatio}`,
      goal(updates.throughputRatio >= 0.8, "≥ 0.8"),
    ],
    ["", "throughput ours ÷ fair baseline", `${updates.fairThroughputRatio}`, ""],
  );
}
if (digest) {
  rows.push(
    [
      "2 digest",
      "operators due at once",
      `${digest.operators}${digest.capped ? ` (stopped at the cap: ${digest.notReached} not reached)` : ""}`,
      "",
    ],
    [
      "",
      "achieved rate",
      `${digest.achievedPerSecond}/s of ${digest.configuredPerSecond}/s (limit ${digest.telegramLimitPerSecond}/s, concurrency ${digest.concurrency})`,
      "",
    ],
    [
      "",
      "built ahead (prefetch turn)",
      digest.builtAhead
        ? `${digest.builtAhead.built} (${digest.builtAhead.notBuilt} not) in ${digest.builtAhead.seconds} s, ${digest.builtAhead.cpuMsPerDigest} ms CPU per digest`
        : "none (--digest-no-prefetch)",
      "",
    ],
    [
      "",
      "digest process CPU in the due turn",
      `${digest.sendCpuMsPerMessage} ms per message (${digest.sendCpuPercent} % of a core)`,
      "",
    ],
    ["", "achieved ÷ configured", `${digest.rateRatio}`, goal(digest.rateRatio >= 0.95, "≥ 0.95")],
    ["", "429s received", `${digest.rateLimited}`, ""],
    [
      "",
      "skipped / doubled / second turn",
      `${digest.skipped} / ${digest.doubled} / ${digest.secondTurnSent}`,
      goal(digest.skipped + digest.doubled + digest.secondTurnSent === 0, "0 / 0 / 0"),
    ],
    ["", "premiumpay requests per operator", `${digest.premiumpayRequestsPerOperator ?? "- (capped)"}`, ""],
  );
}
if (store) {
  rows.push(
    ["3 store", `load of ${store.operators} operators`, `${store.loadMs} ms`, ""],
    [
      "",
      "settings write",
      `p50 ${store.writeMs.p50} / p99 ${store.writeMs.p99} / max ${store.writeMs.max} ms`,
      goal(store.writeMs.p99 < 30, "p99 < 30 ms"),
    ],
    [
      "",
      "file size",
      `${store.operatorsFileMiB} MiB operators, ${store.conversationsFileMiB} MiB ${store.conversations} flows`,
      "",
    ],
    ["", `${store.conversations} flows opened at once`, `${store.conversationsOpenMs} ms`, ""],
    [
      "",
      "peak memory",
      `${store.peakRssMiB} MiB (${store.rssBeforeLoadMiB} MiB before loading)`,
      goal(store.peakRssMiB < 200, "< 200 MiB"),
    ],
  );
}
if (memory) {
  rows.push(
    [
      "4 memory",
      "traffic",
      `${memory.updates} updates in ${memory.seconds} s ≈ ${memory.equivalentMinutesOfTraffic} min of 200 busy operators`,
      "",
    ],
    [
      "",
      "RSS after warm-up → after traffic",
      `${memory.afterWarmup.rssMiB} → ${memory.afterTraffic.rssMiB} MiB (${memory.rssGrowthMiB} MiB, ${memory.rssGrowthPercent} %)`,
      "no growth beyond noise",
    ],
    [
      "",
      "heap used after warm-up → after traffic",
      `${memory.afterWarmup.heapUsedMiB} → ${memory.afterTraffic.heapUsedMiB} MiB (${memory.heapGrowthMiB} MiB)`,
      memory.gcForced ? "" : "(no forced GC)",
    ],
  );
}
if (flood) {
  const latency = (summary: FloodReport["quiet"]) => `p50 ${summary.p50} / p99 ${summary.p99} ms`;
  rows.push(
    [
      "5 flood",
      `other operators' first reply, quiet (${flood.operators} operators)`,
      latency(flood.quiet),
      "",
    ],
    ["", `… while one chat floods ${flood.floodMessages} messages (+10 %/s)`, latency(flood.flooded), ""],
    ["", "ratio flooded ÷ quiet, p50", `${flood.p50Ratio}`, goal(flood.p50Ratio <= 1.5, "≤ 1.5")],
    ["", "ratio flooded ÷ quiet, p99", `${flood.p99Ratio}`, goal(flood.p99Ratio <= 1.5, "≤ 1.5")],
    [
      "",
      "CPU ms/s quiet → flooded: bot; emulator and operators",
      `${flood.botCpuMsPerSecond.quiet} → ${flood.botCpuMsPerSecond.flooded}; ${flood.emulatorCpuMsPerSecond.quiet} → ${flood.emulatorCpuMsPerSecond.flooded}`,
      "",
    ],
    ["", "messages back to the flooder", `${flood.repliesToFlooder}`, ""],
    [
      "",
      "sends refused by the per-chat limit (429): operators, flooder",
      `${flood.refused.operators}, ${flood.refused.flooder}`,
      "",
    ],
    ["", "failed steps of the other operators", `${flood.failedSteps}`, "0"],
  );
}

if (charts) {
  const names = {
    salesPerDay: "sales per day (30 days, 3 currencies)",
    revenueByLink: "revenue by link (7 links, 3 currencies)",
    lastWeek: "last 7 days (digest)",
  };
  for (const [kind, report] of Object.entries(charts.perKind)) {
    rows.push([
      rows.some((row) => row[0] === "6 charts") ? "" : "6 charts",
      names[kind as keyof typeof names],
      `p50 ${report.wallMs.p50} / p99 ${report.wallMs.p99} ms; CPU p50 ${report.cpuMs.p50} ms; ${report.pngKiB} KiB`,
      goal(report.wallMs.p50 < 150, "p50 < 150 ms"),
    ]);
  }
  rows.push(
    [
      "",
      `RSS after ${charts.warmup} warm-up charts → after ${charts.charts} more`,
      `${charts.afterWarmup.rssMiB} → ${charts.afterCharts.rssMiB} MiB (${charts.rssGrowthMiB} MiB)`,
      "no growth after warm-up",
    ],
    [
      "",
      "heap used, same readings",
      `${charts.afterWarmup.heapUsedMiB} → ${charts.afterCharts.heapUsedMiB} MiB (${charts.heapGrowthMiB} MiB)`,
      charts.gcForced ? "" : "(no forced GC)",
    ],
  );
}

const { alerts } = results;
if (alerts) {
  const { latencySeconds: latency, latencyIntervals: ratio, queryPlan: plan } = alerts;
  rows.push(
    [
      "7 alerts",
      "accounts × channels (1 operator each)",
      `${alerts.accounts} × ${alerts.channels}, polled every ${alerts.pollSeconds} s; ${alerts.sales} sales`,
      "",
    ],
    [
      "",
      "sale appearing → Telegram accepting its alert",
      `p50 ${latency.p50} s / p99 ${latency.p99} s / max ${latency.max} s`,
      "",
    ],
    [
      "",
      "the same in poll intervals",
      `p50 ${ratio.p50} / p99 ${ratio.p99}`,
      goal(ratio.p50 <= 35 / 60 && ratio.p99 <= 70 / 60, "≤ 0.58 / ≤ 1.17 (35 s / 70 s at 60 s)"),
    ],
    [
      "",
      "premiumpay requests per account per minute",
      `${alerts.requestsPerAccountPerMinute} (share ${alerts.budgetPerAccountPerMinute} of 60); ${alerts.rateLimited} answered 429`,
      goal(
        alerts.requestsPerAccountPerMinute <= alerts.budgetPerAccountPerMinute && alerts.rateLimited === 0,
        "≤ share, 0 × 429",
      ),
    ],
    [
      "",
      "missed / doubled",
      `${alerts.missed} / ${alerts.doubled}`,
      goal(alerts.missed + alerts.doubled === 0, "0 / 0"),
    ],
    [
      "",
      "poller CPU per account per poll",
      `${alerts.pollerCpuMsPerAccountPoll} ms (${alerts.polls} polls measured)`,
      "",
    ],
    [
      "",
      "alert process memory",
      `RSS ${alerts.alertRssMiB} MiB, heap used ${alerts.alertHeapUsedMiB} MiB`,
      "",
    ],
    [
      "",
      "one poll of 5 channels: by gateway / by channel",
      `${plan.byGateway.requests} requests ${plan.byGateway.ms} ms / ${plan.byChannel.requests} requests ${plan.byChannel.ms} ms`,
      "",
    ],
  );
}

const { replicas } = results;
if (replicas) {
  const traffic = (figures: ReplicasReport["perUpdate"]["lowdb"]) =>
    `${figures.updatesPerSecond} updates/s, step p50 ${figures.stepMs.p50} / p99 ${figures.stepMs.p99} ms, ` +
    `${figures.botCpuMsPerUpdate} ms CPU/update${figures.failedSteps ? `, ${figures.failedSteps} failed` : ""}`;
  const { perUpdate, throughput, failover } = replicas;
  rows.push(
    ["8 replicas", "one bot on lowdb", traffic(perUpdate.lowdb), ""],
    ["", "one bot on PostgreSQL", traffic(perUpdate.postgres), ""],
    ["", "PostgreSQL ÷ lowdb CPU per update", String(perUpdate.postgresOverLowdbCpu), ""],
    ["", "webhook, 1 replica", traffic(throughput.oneReplica), ""],
    ["", "webhook, 2 replicas", traffic(throughput.twoReplicas), ""],
    ["", "2 ÷ 1 replicas throughput", String(throughput.twoOverOne), ""],
    [
      "",
      "leader SIGKILLed → other elected / answering",
      `${failover.schedulerMs} ms / ${failover.pollingMs} ms`,
      goal(failover.schedulerMs < failover.goalMs && failover.pollingMs < failover.goalMs, "< 15 s"),
    ],
  );
}

const widths = [0, 1, 2, 3].map((column) => Math.max(...rows.map((row) => row[column]!.length), 4));
const line = (row: readonly string[]) =>
  row
    .map((cell, column) => cell.padEnd(widths[column]!))
    .join(" │ ")
    .trimEnd();
console.log(line(["part", "figure", "value", "goal"]));
console.log(widths.map((width) => "─".repeat(width)).join("─┼─"));
for (const row of rows) console.log(line(row));

const machine = {
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model ?? "",
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
};
await mkdir(new URL("results/", import.meta.url), { recursive: true });
const file = new URL(`results/bench-${new Date().toISOString().replaceAll(":", "-")}.json`, import.meta.url);
await writeFile(
  file,
  `${JSON.stringify({ date: new Date().toISOString(), machine, options, results }, null, 2)}\n`,
);
console.log(`\nwritten ${file.pathname}`);
