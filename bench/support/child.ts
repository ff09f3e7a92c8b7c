import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";

/** Messages between a benchmark process and its child: `{ type, ...payload }`. */
export interface ChildMessage {
  type: string;
  [field: string]: unknown;
}

/**
 * A TypeScript module of bench/processes run in its own Node process (through tsx), so its CPU and memory are its
 * own: the bot under test gets a core to itself and its RSS is not mixed with the emulator's.
 */
export class BenchChild {
  private readonly inbox: ChildMessage[] = [];
  private readonly waiters: { type: string; resolve: (message: ChildMessage) => void }[] = [];
  private exitError: Error | undefined;

  private constructor(private readonly child: ChildProcess) {
    child.on("message", (raw) => {
      const message = raw as ChildMessage;
      if (message.type === "error" && this.waiters.length > 0) {
        for (const waiter of this.waiters.splice(0)) waiter.resolve(message);
        return;
      }
      const index = this.waiters.findIndex((waiter) => waiter.type === message.type);
      if (index >= 0) this.waiters.splice(index, 1)[0]!.resolve(message);
      else this.inbox.push(message);
    });
    child.on("exit", (code, signal) => {
      if (code === 0) return;
      this.exitError = new Error(`bench child exited with ${code ?? signal}`);
      for (const waiter of this.waiters.splice(0))
        waiter.resolve({ type: "exit", error: this.exitError.message });
    });
  }

  /** `module` is relative to bench/processes; `exposeGc` lets the child force a collection before reading memory. */
  static start(
    module: string,
    options: { env?: Record<string, string>; args?: string[]; exposeGc?: boolean } = {},
  ): BenchChild {
    const path = fileURLToPath(new URL(`../processes/${module}`, import.meta.url));
    const child = fork(path, options.args ?? [], {
      execArgv: [
        "--import",
        "tsx",
        ...(options.exposeGc ? ["--expose-gc"] : []),
        // `npm run bench -- --profile <dir>`: a CPU profile of every child, to find where the time goes.
        ...(process.env.BENCH_CPU_PROFILE_DIR
          ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE_DIR}`]
          : []),
      ],
      env: { ...process.env, ...options.env },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    return new BenchChild(child);
  }

  /** The next message of this type (one that already arrived counts). */
  async receive(type: string): Promise<ChildMessage> {
    const index = this.inbox.findIndex((message) => message.type === type);
    const message =
      index >= 0
        ? this.inbox.splice(index, 1)[0]!
        : await new Promise<ChildMessage>((resolve) => this.waiters.push({ type, resolve }));
    if (message.type === "exit") throw new Error(String(message.error));
    if (message.type === "error") throw new Error(`bench child failed: ${String(message.error)}`);
    return message;
  }

  send(message: ChildMessage): void {
    if (this.exitError) throw this.exitError;
    this.child.send(message);
  }

  /** Sends a request and waits for the reply of the same type. */
  async request(message: ChildMessage): Promise<ChildMessage> {
    const reply = this.receive(message.type);
    this.send(message);
    return reply;
  }

  async exited(): Promise<void> {
    if (this.child.exitCode !== null) return;
    await new Promise((resolve) => this.child.once("exit", resolve));
  }
}

/** The child side: answers requests by type; an uncaught failure is reported to the parent before exiting. */
export function serveParent(
  handlers: Record<string, (message: ChildMessage) => Promise<ChildMessage | undefined>>,
) {
  const reply = (message: ChildMessage) => process.send?.(message);
  process.on("message", (raw) => {
    const message = raw as ChildMessage;
    const handler = handlers[message.type];
    if (!handler) return reply({ type: "error", error: `unknown request ${message.type}` });
    handler(message).then(
      (answer) => answer && reply(answer),
      (error: unknown) => reply({ type: "error", error: String(error) }),
    );
  });
}

export function failInChild(error: unknown): never {
  process.send?.({
    type: "error",
    error: error instanceof Error ? (error.stack ?? error.message) : String(error),
  });
  process.exit(1);
}
