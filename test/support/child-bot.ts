import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import type { Update } from "grammy/types";
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import { languageCallback } from "../../src/bot/callback-data/index.js";
import { type PremiumpaySandbox, startPremiumpaySandbox } from "../../src/sandbox/premiumpay/index.js";
import {
  type BotApiEmulator,
  type SimUser,
  type StoredMessage,
  startBotApiEmulator,
} from "../../src/sandbox/telegram/index.js";
import { createStore, type Store } from "../../src/store/index.js";
import { hasButton, stampedLike } from "./harness.js";

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const MAIN = fileURLToPath(new URL("../../src/main.ts", import.meta.url));
/** Two levels below the repository root, like src/bot/i18n.ts, so `../../locales` still resolves from a bundle. */
const BUNDLE_DIR = fileURLToPath(new URL("../../test-artifacts/child-bot/", import.meta.url));
/** Bundled ESM has no CommonJS globals; some dependencies read them. */
const BUNDLE_BANNER = [
  'import { createRequire as __createRequire } from "node:module";',
  'import { fileURLToPath as __fileURLToPath } from "node:url";',
  'import { dirname as __dirnameOf } from "node:path";',
  "const require = __createRequire(import.meta.url);",
  "const __filename = __fileURLToPath(import.meta.url);",
  "const __dirname = __dirnameOf(__filename);",
].join("\n");

export interface ChildBundle {
  /** The bundled `src/main.ts`, for `ChildBot.spawn(env, { entry })`. */
  entry: string;
  remove(): Promise<void>;
}

/**
 * `src/main.ts` and its dependencies as one ESM file. Under tsx a start costs seconds of module loading (much
 * more on a busy machine); a test that restarts the bot dozens of times runs the same code from a bundle.
 */
export async function bundleMain(): Promise<ChildBundle> {
  await mkdir(BUNDLE_DIR, { recursive: true });
  const entry = `${BUNDLE_DIR}main-${randomBytes(6).toString("hex")}.mjs`;
  await build({
    entryPoints: [MAIN],
    outfile: entry,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "error",
    banner: { js: BUNDLE_BANNER },
    // A native addon loads its binary relative to its own files: it stays in node_modules.
    // Native addons find their binaries next to their own package, not inside a bundle.
    external: ["fs-native-extensions", "@resvg/resvg-js", "pg-native"],
  });
  return { entry, remove: () => rm(entry, { force: true }) };
}

export interface ChildEnvOptions {
  telegram: BotApiEmulator;
  premiumpay: PremiumpaySandbox;
  dataDir: string;
  /** 64 hex characters. */
  credentialsKey: string;
  logLevel?: string;
  /** Extra or overriding variables. */
  extra?: Record<string, string>;
}

/**
 * The environment `src/main.ts` needs to run against an emulator and a sandbox of the test process, built like
 * the harness builds its config. Every variable the bot reads is set, so a stray `.env` cannot change the run.
 */
export function childEnv(options: ChildEnvOptions): Record<string, string> {
  return {
    BOT_TOKEN: options.telegram.token,
    TELEGRAM_API_ROOT: options.telegram.apiRoot,
    PREMIUMPAY_API_URL: options.premiumpay.url,
    PREMIUMPAY_TIMEOUT_MS: "3000",
    CREDENTIALS_KEY: options.credentialsKey,
    CREDENTIALS_KEY_PREVIOUS: "",
    DATA_DIR: options.dataDir,
    LOG_LEVEL: options.logLevel ?? "info",
    ALLOWED_USER_IDS: "",
    BOT_MODE: "polling",
    // No digest lands in a chat in the middle of a flow: none is due now, none is caught up at start.
    DIGEST_DEFAULT_TIME: `${String((new Date().getUTCHours() + 12) % 24).padStart(2, "0")}:00`,
    DIGEST_CATCH_UP_HOURS: "0",
    ...options.extra,
  };
}

export interface SpawnOptions {
  /** A bundle from `bundleMain()`; `src/main.ts` under tsx by default. */
  entry?: string;
  /** Another TypeScript entry point to run under tsx instead of `src/main.ts`, such as `src/demo/main.ts`. */
  script?: string;
  /** How long `start` waits for "bot started". */
  startTimeoutMs?: number;
  /**
   * Every write to a regular file fails (EFBIG), as on a full disk: the process runs under RLIMIT_FSIZE 0 (node
   * ignores SIGXFSZ, so the write returns the error). Works as root, unlike a read-only folder.
   */
  fullDisk?: boolean;
}

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * `src/main.ts` as a separate process (`node --import tsx`), as production runs it: the only way to test
 * SIGKILL, SIGTERM and start-up refusals for real. Captures stdout and stderr line by line.
 */
export class ChildBot {
  readonly stdout: string[] = [];
  readonly stderr: string[] = [];
  readonly exited: Promise<ChildExit>;
  private exit: ChildExit | undefined;
  private readonly lineListeners = new Set<() => void>();

  private constructor(private readonly child: ChildProcess) {
    this.exited = new Promise<ChildExit>((resolve) => {
      child.once("close", (code, signal) => {
        this.exit = { code, signal };
        this.notify();
        resolve(this.exit);
      });
    });
    collectLines(child.stdout!, this.stdout, () => this.notify());
    collectLines(child.stderr!, this.stderr, () => this.notify());
  }

  /**
   * Spawns the bot with exactly this environment (plus PATH and HOME, which node and tsx need): `src/main.ts`
   * under tsx as `npm start` runs it, or a bundle of it from `bundleMain()`.
   */
  static spawn(env: Record<string, string>, options: SpawnOptions = {}): ChildBot {
    const args = options.entry ? [options.entry] : ["--import", "tsx", options.script ?? MAIN];
    const [command, commandArgs] = options.fullDisk
      ? ["/bin/sh", ["-c", 'ulimit -f 0 && exec "$0" "$@"', process.execPath, ...args]]
      : [process.execPath, args];
    const child = spawn(command, commandArgs, {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    return new ChildBot(child);
  }

  /** Spawns the bot and resolves once it logged that it takes updates; rejects if it exits first. */
  static async start(env: Record<string, string>, options: SpawnOptions = {}): Promise<ChildBot> {
    const bot = ChildBot.spawn(env, options);
    try {
      await bot.waitForLog((line) => line.includes('"msg":"bot started'), options.startTimeoutMs ?? 30_000);
    } catch (error) {
      bot.kill("SIGKILL");
      await bot.exited;
      throw error;
    }
    return bot;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get hasExited(): boolean {
    return this.exit !== undefined;
  }

  /** Every line the process wrote, stdout then stderr. */
  output(): string[] {
    return [...this.stdout, ...this.stderr];
  }

  /** The output without the info-level start-up phase lines: a refusal to start must be one line here. */
  problems(): string[] {
    return this.output().filter((line) => {
      try {
        return (JSON.parse(line) as { level?: number }).level !== 30;
      } catch {
        return line.trim() !== "";
      }
    });
  }

  /** Parsed pino lines of stdout (non-JSON lines are skipped). */
  logs(): Array<Record<string, unknown>> {
    return this.stdout.flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  }

  kill(signal: NodeJS.Signals): void {
    if (!this.hasExited) this.child.kill(signal);
  }

  /** SIGKILL, then wait until the process is gone. */
  async killHard(): Promise<ChildExit> {
    this.kill("SIGKILL");
    return this.exited;
  }

  /** Resolves with the exit, or rejects when the process is still running after `timeoutMs`. */
  async waitForExit(timeoutMs: number): Promise<ChildExit> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the bot did not exit within ${timeoutMs} ms; ${this.tail()}`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Resolves with the first stdout or stderr line (already written or coming) that matches. */
  waitForLog(predicate: (line: string) => boolean, timeoutMs = 10_000): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const check = () => {
        const line = this.output().find(predicate);
        if (line !== undefined) {
          done();
          resolve(line);
        } else if (this.exit) {
          done();
          reject(new Error(`the bot exited (${JSON.stringify(this.exit)}) before the line; ${this.tail()}`));
        }
      };
      const done = () => {
        clearTimeout(timer);
        this.lineListeners.delete(check);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no matching line within ${timeoutMs} ms; ${this.tail()}`));
      }, timeoutMs);
      this.lineListeners.add(check);
      check();
    });
  }

  private tail(): string {
    return `last output: ${this.output().slice(-8).join("\n") || "none"}`;
  }

  private notify(): void {
    for (const listener of [...this.lineListeners]) listener();
  }
}

function collectLines(stream: NodeJS.ReadableStream, into: string[], onLine: () => void): void {
  let partial = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    const parts = (partial + chunk).split("\n");
    partial = parts.pop() ?? "";
    for (const line of parts) if (line !== "") into.push(line);
    onLine();
  });
  stream.on("end", () => {
    if (partial !== "") into.push(partial);
    partial = "";
    onLine();
  });
}

/**
 * One simulated user talking to whatever bot polls the emulator (a child process has no harness). Each action
 * registers its wait before acting, so a fast reply is never missed.
 */
export class ChatUser {
  constructor(
    readonly telegram: BotApiEmulator,
    readonly user: SimUser,
  ) {}

  get chatId(): number {
    return this.user.id;
  }

  send(text: string, expect: (message: StoredMessage) => boolean, timeoutMs = 8000): Promise<StoredMessage> {
    const reply = this.telegram.waitForBotMessage(this.chatId, expect, timeoutMs);
    this.telegram.sendText(this.user, text);
    return reply;
  }

  /** Taps a button with this callback data on a bot message; resolves with the update and the awaited reply. */
  async click(
    messageId: number,
    data: string,
    expect: (message: StoredMessage) => boolean,
    timeoutMs = 8000,
  ): Promise<{ update: Update; reply: StoredMessage }> {
    const reply = this.telegram.waitForBotMessage(this.chatId, expect, timeoutMs);
    const update = this.telegram.clickButton(this.user, messageId, data);
    return { update, reply: await reply };
  }

  /** /start, the client id, the token; resolves once the bot confirms the login (in English or Spanish). */
  async logIn(account: { clientId: string; token: string }, timeoutMs = 8000): Promise<void> {
    await this.send("/start", (message) => /client id/.test(message.text), timeoutMs);
    await this.send(account.clientId, (message) => /API token|token de la API/.test(message.text), timeoutMs);
    await this.send(
      account.token,
      (message) => /Logged in as|Sesión iniciada como/.test(message.text),
      timeoutMs,
    );
  }

  /** /language, then the language's button; resolves once the bot confirms the change. */
  async setLanguage(locale: "en" | "es", timeoutMs = 8000): Promise<void> {
    const keyboard = await this.send("/language", hasButton(/^lang:/), timeoutMs);
    const done = locale === "es" ? /Idioma cambiado a español/ : /Language set to English/;
    await this.click(
      keyboard.messageId,
      stampedLike(keyboard, languageCallback.pack(locale)),
      (m) => done.test(m.text),
      timeoutMs,
    );
  }

  /** /timezone, then the zone's name; resolves once the bot confirms the change. */
  async setTimezone(zone: string, timeoutMs = 8000): Promise<void> {
    await this.send("/timezone", hasButton(/^tz:/), timeoutMs);
    const done = (m: StoredMessage) =>
      /Time zone set to|Zona horaria cambiada a/.test(m.text) && m.text.includes(zone);
    await this.send(zone, done, timeoutMs);
  }

  /** Every text the bot sent or edited into this chat (the latest version of each message). */
  botTexts(): string[] {
    return this.telegram
      .chat(this.chatId)
      .botMessages()
      .map((message) => message.text);
  }
}

/** What every test of a file using `useChildBotWorld` gets afresh. */
export interface ChildBotWorld {
  telegram: BotApiEmulator;
  premiumpay: PremiumpaySandbox;
  dataDir: string;
  /** CREDENTIALS_KEY, 64 hex characters. */
  key: string;
  env: Record<string, string>;
  /** Starts the bundled bot on this world; every bot is SIGKILLed after the test. */
  start(): Promise<ChildBot>;
  /** Spawns it without waiting for it to start (a start that must fail). */
  spawn(): ChildBot;
  /** The data folder as a restart loads it; only once every bot on it is dead (a bot holds the folder). */
  openStore(): Promise<Store>;
}

/**
 * Registers the hooks of a file whose tests run the bot as a child process: one bundle for the file, and per test
 * a Bot API emulator, a premiumpay sandbox, a fresh data folder and key.
 */
export function useChildBotWorld(options: { seed: number; dataDirPrefix: string }): ChildBotWorld {
  let bundle: ChildBundle | undefined;
  const bots: ChildBot[] = [];
  const world = {
    start: async () => {
      const bot = await ChildBot.start(world.env, { entry: bundle!.entry });
      bots.push(bot);
      return bot;
    },
    spawn: () => {
      const bot = ChildBot.spawn(world.env, { entry: bundle!.entry });
      bots.push(bot);
      return bot;
    },
    openStore: (): Promise<Store> =>
      createStore({ dataDir: world.dataDir, credentialsKey: Buffer.from(world.key, "hex") }),
  } as ChildBotWorld;
  beforeAll(async () => {
    bundle = await bundleMain();
  });
  afterAll(() => bundle?.remove());
  beforeEach(async () => {
    world.telegram = await startBotApiEmulator();
    world.premiumpay = await startPremiumpaySandbox({ seed: options.seed });
    world.dataDir = await mkdtemp(join(tmpdir(), options.dataDirPrefix));
    world.key = randomBytes(32).toString("hex");
    world.env = childEnv({ ...world, credentialsKey: world.key });
  });
  afterEach(async () => {
    await Promise.all(bots.splice(0).map((bot) => bot.killHard()));
    await world.telegram.close();
    await world.premiumpay.close();
    await rm(world.dataDir, { recursive: true, force: true });
  });
  return world;
}
