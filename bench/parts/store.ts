import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BenchChild } from "../support/child.js";
import { type LatencySummary, mib, round } from "../support/stats.js";

export interface StoreOptions {
  operators: number;
  conversations: number;
  writes: number;
}

export interface StoreReport {
  operators: number;
  conversations: number;
  loadMs: number;
  /** 1,000 flows' states written at once (conversation storage). */
  conversationsOpenMs: number;
  conversationStateBytes: number;
  /** One settings write (updateOperator, durable on return), ms; goal p99 < 30. */
  writeMs: LatencySummary;
  operatorsFileMiB: number;
  conversationsFileMiB: number;
  /** Peak RSS of the process that loaded the store and held the flows open; goal < 200. */
  peakRssMiB: number;
  /** RSS of that process before it opened the store (Node, tsx, libraries). */
  rssBeforeLoadMiB: number;
}

/** Part 3: the store with many operators, in a child process so its peak memory is its own. */
export async function benchStore(options: StoreOptions): Promise<StoreReport> {
  const dataDir = await mkdtemp(join(tmpdir(), "ppbot-bench-store-"));
  const common = { ...options, dataDir, key: randomBytes(32).toString("hex") };
  const inChild = async (phase: "fill" | "measure") => {
    const child = BenchChild.start("store.ts", { args: [JSON.stringify({ ...common, phase })] });
    const result = await child.receive("result");
    await child.exited();
    return result;
  };
  let result: Awaited<ReturnType<typeof inChild>>;
  try {
    await inChild("fill");
    result = await inChild("measure");
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
  return {
    operators: options.operators,
    conversations: options.conversations,
    loadMs: round(Number(result.loadMs), 1),
    conversationsOpenMs: round(Number(result.conversationsOpenMs), 1),
    conversationStateBytes: Number(result.conversationStateBytes),
    writeMs: result.write as LatencySummary,
    operatorsFileMiB: mib(Number(result.operatorsFileBytes)),
    conversationsFileMiB: mib(Number(result.conversationsFileBytes)),
    peakRssMiB: mib(Number(result.peakRssBytes)),
    rssBeforeLoadMiB: mib(Number(result.rssBeforeLoadBytes)),
  };
}
