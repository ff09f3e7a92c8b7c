import { BenchChild } from "../support/child.js";
import { type LatencySummary, mib, round } from "../support/stats.js";

export interface ChartsOptions {
  charts: number;
  warmup: number;
}

export interface ChartKindReport {
  /** Render time from the data to the PNG bytes; goal p50 < 150 ms. */
  wallMs: LatencySummary;
  /** CPU of the process per chart (all its threads): what the render costs regardless of the machine's load. */
  cpuMs: LatencySummary;
  pngKiB: number;
}

export interface ChartsReport {
  charts: number;
  warmup: number;
  perKind: Record<"salesPerDay" | "revenueByLink" | "lastWeek", ChartKindReport>;
  afterWarmup: { rssMiB: number; heapUsedMiB: number };
  afterCharts: { rssMiB: number; heapUsedMiB: number };
  rssGrowthMiB: number;
  heapGrowthMiB: number;
  gcForced: boolean;
}

const readingOf = (value: unknown) => {
  const { rss, heapUsed } = value as { rss: number; heapUsed: number };
  return { rssMiB: mib(rss), heapUsedMiB: mib(heapUsed) };
};

/** Part 6: chart rendering (ECharts SSR → resvg PNG) in a process of its own, and its memory over many charts. */
export async function benchCharts(options: ChartsOptions): Promise<ChartsReport> {
  const child = BenchChild.start("charts.ts", { args: [JSON.stringify(options)], exposeGc: true });
  const result = await child.receive("result");
  await child.exited();
  const afterWarmup = readingOf(result.afterWarmup);
  const afterCharts = readingOf(result.afterCharts);
  return {
    ...options,
    perKind: result.perKind as ChartsReport["perKind"],
    afterWarmup,
    afterCharts,
    rssGrowthMiB: round(afterCharts.rssMiB - afterWarmup.rssMiB, 1),
    heapGrowthMiB: round(afterCharts.heapUsedMiB - afterWarmup.heapUsedMiB, 1),
    gcForced: result.gcForced === true,
  };
}
