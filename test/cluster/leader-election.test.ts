import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { createTestDatabase } from "../support/postgres.js";

const CANDIDATE = fileURLToPath(new URL("./fixtures/candidate.ts", import.meta.url));
/** The bound for a new leader after the old one died. */
const TAKEOVER_BOUND_MS = 15_000;

interface Candidate {
  name: string;
  child: ChildProcess;
  lines: string[];
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
});

/** Replicas, each a real process with its own lock connection; `leaders` tracks who says it leads, as it says it. */
function startCandidates(count: number, databaseUrl: string) {
  const leaders = new Set<string>();
  const mostLeadersAtOnce = { value: 0 };
  const waiters: Array<() => void> = [];
  const candidates: Candidate[] = Array.from({ length: count }, (_, i) => {
    const child = spawn(process.execPath, ["--import", "tsx", CANDIDATE], {
      env: { ...process.env, DATABASE_URL: databaseUrl },
      stdio: ["ignore", "pipe", "inherit"],
    });
    children.push(child);
    const candidate: Candidate = { name: `replica-${i}`, child, lines: [] };
    let buffered = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) {
        candidate.lines.push(line);
        if (line === "leader") leaders.add(candidate.name);
        if (line === "standby") leaders.delete(candidate.name);
        mostLeadersAtOnce.value = Math.max(mostLeadersAtOnce.value, leaders.size);
      }
      for (const wake of waiters.splice(0)) wake();
    });
    return candidate;
  });
  const waitFor = (condition: () => boolean, timeoutMs: number, what: string) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
      const check = () => {
        if (condition()) {
          clearTimeout(timer);
          resolve();
        } else waiters.push(check);
      };
      check();
    });
  const kill = (candidate: Candidate, signal: NodeJS.Signals) => {
    candidate.child.kill(signal);
    if (signal === "SIGKILL") leaders.delete(candidate.name);
  };
  return { candidates, leaders, mostLeadersAtOnce, waitFor, kill };
}

describe("leader election", () => {
  it("elects exactly one of three replicas; when the leader is SIGKILLed another takes over within 15 s", async () => {
    const url = await createTestDatabase();
    const cluster = startCandidates(3, url);
    const { candidates, leaders, waitFor } = cluster;
    await waitFor(() => candidates.every((c) => c.lines.includes("ready")), 20_000, "three replicas");
    await waitFor(() => leaders.size === 1, 10_000, "a leader");
    const first = candidates.find((c) => leaders.has(c.name))!;

    cluster.kill(first, "SIGKILL");
    await waitFor(() => leaders.size === 1, TAKEOVER_BOUND_MS, "a new leader after the SIGKILL");
    const second = candidates.find((c) => leaders.has(c.name))!;
    expect(second).not.toBe(first);

    // A clean stop hands over too.
    cluster.kill(second, "SIGTERM");
    await waitFor(
      () => second.lines.at(-1) === "standby" && leaders.size === 1,
      TAKEOVER_BOUND_MS,
      "a handover",
    );
    const third = candidates.find((c) => leaders.has(c.name))!;
    expect([first, second]).not.toContain(third);
    expect(cluster.mostLeadersAtOnce.value).toBe(1);
  }, 60_000);
});
