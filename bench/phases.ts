import { readFileSync } from "node:fs";

/**
 * `npx tsx bench/phases.ts <file.cpuprofile> [ms CPU per update]`: where a bot's CPU goes, by phase of handling an
 * update, from a profile written by `npm run bench -- --part 1 --profile <dir>` (the largest file is our bot's).
 * Each sample counts for the first phase found from the root of its stack down, in the order below; with the CPU
 * per update measured by the bench, the shares are also printed as milliseconds per update.
 */
interface CallFrame {
  functionName: string;
  url: string;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const PHASES: [name: string, test: (frame: CallFrame) => boolean][] = [
  ["premiumpay client (axios, HTTP, zod)", (f) => f.url.includes("/src/premiumpay/")],
  ["Bot API calls (grammY client, node-fetch)", (f) => f.functionName === "ApiClient.call"],
  ["store (conversation state encryption, data file)", (f) => f.url.includes("/src/store/")],
  [
    "translation (Fluent, @grammyjs/i18n)",
    (f) => /@grammyjs\/i18n|@fluent\//.test(f.url) || f.url.endsWith("/src/bot/i18n.ts"),
  ],
  ["our flow code (screens, formatting, periods)", (f) => /\/src\/(bot|reports|time)/.test(f.url)],
  ["conversations plugin (replay, state)", (f) => f.url.includes("@grammyjs/conversations")],
  [
    "HTTP I/O in callbacks (socket writes, streams, node-fetch/axios response handling)",
    (f) =>
      f.functionName === "writev" ||
      /^node:(_http_|net$|internal\/streams|internal\/stream_base)|node_modules\/(node-fetch|axios)\//.test(
        f.url,
      ),
  ],
  ["garbage collection", (f) => f.functionName === "(garbage collector)"],
  ["idle", (f) => f.functionName === "(idle)"],
];
const REST = "microtasks, events, grammY middleware and the rest";

const [file, perUpdate] = process.argv.slice(2);
if (!file) {
  console.error("usage: npx tsx bench/phases.ts <file.cpuprofile> [ms CPU per update]");
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
const parentOf = new Map<number, ProfileNode>();
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node);

/** The phase of a stack: the first in PHASES order that any of its frames belongs to. */
const phaseCache = new Map<number, string>();
function phaseOf(leaf: ProfileNode): string {
  const cached = phaseCache.get(leaf.id);
  if (cached) return cached;
  const frames: CallFrame[] = [];
  for (let node: ProfileNode | undefined = leaf; node; node = parentOf.get(node.id))
    frames.push(node.callFrame);
  const phase = PHASES.find(([, test]) => frames.some(test))?.[0] ?? REST;
  phaseCache.set(leaf.id, phase);
  return phase;
}

const totals = new Map<string, number>();
let busy = 0;
profile.samples.forEach((id, index) => {
  const phase = phaseOf(byId.get(id)!);
  const micros = profile.timeDeltas[index] ?? 0;
  totals.set(phase, (totals.get(phase) ?? 0) + micros);
  if (phase !== "idle") busy += micros;
});
const msPerUpdate = perUpdate === undefined ? undefined : Number(perUpdate);
console.log(`busy ${(busy / 1000).toFixed(0)} ms of CPU in the profile; shares of the busy time:`);
for (const [phase, micros] of [...totals].sort((a, b) => b[1] - a[1])) {
  if (phase === "idle") continue;
  const share = micros / busy;
  const ms = msPerUpdate === undefined ? "" : `  ${(share * msPerUpdate).toFixed(2)} ms/update`;
  console.log(`${(share * 100).toFixed(1).padStart(5)} %  ${phase}${ms}`);
}
