import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { InlineKeyboardButton } from "grammy/types";
import { type App, startApp } from "../../src/app.js";
import { stamp, unstamp } from "../../src/bot/screens/stamp.js";
import { type Config, loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/logger.js";
import { type PremiumpaySandbox, startPremiumpaySandbox } from "../../src/sandbox/premiumpay/index.js";
import {
  type BotApiEmulator,
  type CallbackQueryRecord,
  type SimUser,
  type StoredMessage,
  startBotApiEmulator,
} from "../../src/sandbox/telegram/index.js";

/** What a test expects of the bot's next message: a text pattern, or any predicate. */
export type Expectation = RegExp | string | ((message: StoredMessage) => boolean);

export interface HarnessOptions {
  /** Seed of the premiumpay sandbox's data. */
  seed?: number;
  /** The clock of the bot and of the sandbox's data (defaults to the real one). */
  now?: () => Date;
  /** Extra or overriding environment variables for the bot's configuration. */
  env?: Record<string, string>;
  /** Run the digest's once-a-minute schedule (off by default: tests drive `h.app.digest` themselves). */
  digestSchedule?: boolean;
  /** Run the sales-alert pollers (off by default); pair with a short `ALERTS_POLL_SECONDS` in `env`. */
  alertSchedule?: boolean;
  /** Reuse a data folder (a test of restarts across harnesses); a fresh temp folder by default. */
  dataDir?: string;
}

export interface OperatorOptions {
  id?: number;
  firstName?: string;
  username?: string;
  languageCode?: string;
  /** The premiumpay account to log in with; the sandbox's demo client by default. */
  account?: { clientId: string; token: string };
}

function matches(expectation: Expectation | undefined, message: StoredMessage): boolean {
  if (expectation === undefined) return true;
  if (typeof expectation === "function") return expectation(message);
  if (typeof expectation === "string") return message.text.includes(expectation);
  return expectation.test(message.text);
}

export function buttonsOf(message: StoredMessage | undefined): InlineKeyboardButton[] {
  return message?.replyMarkup?.inline_keyboard.flat() ?? [];
}

/** The callback data of a message's buttons, without the flow stamp a flow's screen adds (`k3.2|cp:c:7` → `cp:c:7`). */
export function callbackDataOf(message: StoredMessage | undefined): string[] {
  return buttonsOf(message).flatMap((button) =>
    "callback_data" in button ? [unstamp(button.callback_data)?.data ?? button.callback_data] : [],
  );
}

/**
 * `data` stamped like the buttons of `message` (a flow's screen): what a modified client forging a button of that
 * screen would send. Unchanged when the message carries no stamped button.
 */
export function stampedLike(message: StoredMessage | undefined, data: string): string {
  for (const button of buttonsOf(message)) {
    const stamped = "callback_data" in button ? unstamp(button.callback_data) : undefined;
    if (stamped) return stamp(stamped.flow, stamped.step, data);
  }
  return data;
}

/** A bot message that carries a button with this callback data (e.g. the main menu's "m:channels"). */
export const hasButton =
  (data: string | RegExp) =>
  (message: StoredMessage): boolean =>
    callbackDataOf(message).some((value) => (typeof data === "string" ? value === data : data.test(value)));

/** One simulated operator in a private chat with the bot. Each action waits for the bot's answer. */
export class OperatorDriver {
  constructor(
    private readonly harness: Harness,
    readonly user: SimUser,
    readonly account: { clientId: string; token: string },
  ) {}

  get chatId(): number {
    return this.user.id;
  }

  /** Sends text and resolves with the first bot message, new or edited, that meets the expectation. */
  async send(text: string, expect?: Expectation, timeoutMs = 8000): Promise<StoredMessage> {
    const reply = this.nextBotMessage(expect, timeoutMs);
    this.harness.telegram.sendText(this.user, text);
    return reply;
  }

  /** Taps the newest visible button whose label matches, then waits like `send`. */
  async click(label: string | RegExp, expect?: Expectation, timeoutMs = 8000): Promise<StoredMessage> {
    const { message, button } = this.findButton(label);
    const reply = this.nextBotMessage(expect, timeoutMs);
    this.harness.telegram.clickButton(this.user, message.messageId, button.callback_data);
    return reply;
  }

  /** Sends callback data on a given bot message, as a modified client could (`force` skips the button check). */
  async clickData(
    messageId: number,
    data: string,
    expect?: Expectation,
    options: { force?: boolean; timeoutMs?: number } = {},
  ): Promise<StoredMessage> {
    const reply = this.nextBotMessage(expect, options.timeoutMs ?? 8000);
    this.harness.telegram.clickButton(this.user, messageId, data, { force: options.force ?? false });
    return reply;
  }

  /** Sends callback data on a bot message (forged data allowed) and resolves with the bot's answer to that click. */
  async answerTo(messageId: number, data: string, timeoutMs = 8000): Promise<CallbackQueryRecord> {
    const update = this.harness.telegram.clickButton(this.user, messageId, data, { force: true });
    const id = update.callback_query!.id;
    return this.harness.telegram.waitFor(() => {
      const query = this.harness.telegram.callbackQueries.get(id);
      return query?.answer ? query : undefined;
    }, timeoutMs);
  }

  /** The next bot message, new or edited, that meets the expectation (registered before acting). */
  nextBotMessage(expect?: Expectation, timeoutMs = 8000): Promise<StoredMessage> {
    return this.harness.telegram.waitForBotMessage(
      this.chatId,
      (message) => matches(expect, message),
      timeoutMs,
    );
  }

  /** Logs in through /start with the operator's premiumpay account; resolves when the main menu is shown. */
  async login(): Promise<StoredMessage> {
    await this.send("/start", hasButton("x"));
    await this.send(this.account.clientId, hasButton("x"));
    return this.send(this.account.token, hasButton("m:channels"));
  }

  lastMessage(): StoredMessage | undefined {
    return this.harness.telegram.chat(this.chatId).lastBotMessage();
  }

  botMessages(): StoredMessage[] {
    return this.harness.telegram.chat(this.chatId).botMessages();
  }

  findButton(label: string | RegExp): {
    message: StoredMessage;
    button: InlineKeyboardButton.CallbackButton;
  } {
    const messages = this.botMessages().reverse();
    for (const message of messages) {
      for (const button of buttonsOf(message)) {
        const hit = typeof label === "string" ? button.text.includes(label) : label.test(button.text);
        if (hit && "callback_data" in button) return { message, button };
      }
    }
    const seen = messages.flatMap((message) => buttonsOf(message).map((button) => button.text));
    throw new Error(`No button matching ${String(label)}; visible buttons: ${seen.join(" | ") || "none"}`);
  }
}

export class Harness {
  app!: App;
  config!: Config;
  /** Every log line the bot wrote, for assertions (secrets never appear, errors carry the update id). */
  readonly logs: string[] = [];
  private nextUserId = 100_000;
  private started = false;

  private constructor(
    readonly telegram: BotApiEmulator,
    readonly premiumpay: PremiumpaySandbox,
    readonly dataDir: string,
    private readonly ownsDataDir: boolean,
    private readonly options: HarnessOptions,
  ) {}

  static async start(options: HarnessOptions = {}): Promise<Harness> {
    const telegram = await startBotApiEmulator();
    const premiumpay = await startPremiumpaySandbox({
      seed: options.seed ?? 1,
      ...(options.now ? { now: options.now } : {}),
    });
    const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), "ppbot-test-")));
    const harness = new Harness(telegram, premiumpay, dataDir, options.dataDir === undefined, options);
    harness.config = loadConfig({
      BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      PREMIUMPAY_API_URL: premiumpay.url,
      PREMIUMPAY_TIMEOUT_MS: "3000",
      CREDENTIALS_KEY: randomBytes(32).toString("hex"),
      DATA_DIR: dataDir,
      LOG_LEVEL: "info",
      // Tests step through flows faster than a person taps; flood control has tests of its own.
      FLOOD_MAX_UPDATES: "100000",
      FLOOD_CHAT_BACKLOG: "10000",
      ...options.env,
    });
    await harness.startBot();
    return harness;
  }

  private async startBot(): Promise<void> {
    const destination = { write: (line: string) => void this.logs.push(line) };
    this.app = await startApp(this.config, {
      logger: createLogger(this.config.logLevel, destination),
      scheduleDigest: this.options.digestSchedule ?? false,
      scheduleAlerts: this.options.alertSchedule ?? false,
      ...(this.options.now ? { now: this.options.now } : {}),
    });
    this.started = true;
  }

  /** A new operator in a private chat; `login()` it to get the main menu. */
  operator(options: OperatorOptions = {}): OperatorDriver {
    const user: SimUser = {
      id: options.id ?? this.nextUserId++,
      first_name: options.firstName ?? "Olivia",
      ...(options.username ? { username: options.username } : {}),
      language_code: options.languageCode ?? "en",
    };
    return new OperatorDriver(this, user, options.account ?? this.premiumpay.demoClient);
  }

  /** Stops the bot gracefully and starts it again on the same data folder and servers. */
  async restart(): Promise<void> {
    await this.stopBot();
    await this.startBot();
  }

  async stopBot(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await this.app.stop();
  }

  /** Also fails the test file if the bot sent an inline keyboard with an empty row at any point. */
  async stop(): Promise<void> {
    await this.stopBot();
    const emptyRows = this.telegram.keyboardsWithEmptyRows;
    await this.telegram.close();
    await this.premiumpay.close();
    if (this.ownsDataDir) await rm(this.dataDir, { recursive: true, force: true });
    if (emptyRows.length > 0) {
      throw new Error(`inline keyboards with an empty row were sent: ${JSON.stringify(emptyRows)}`);
    }
  }
}

export const startHarness = (options?: HarnessOptions) => Harness.start(options);

/**
 * Channel sales premiumpay may answer for "today" in Madrid (which began at 2026-03-28T23:00:00Z): one of today, one
 * a second before midnight and one undated. Only the first belongs to today by its own timestamp.
 */
export function salesAroundMadridMidnight(extra: Record<string, unknown> = {}) {
  return [
    { amount: 10, currency: "EUR", date: "2026-03-28T23:00:00Z", ...extra },
    { amount: 5, currency: "EUR", date: "2026-03-28T22:59:59Z", ...extra },
    { amount: 7, currency: "EUR", ...extra },
  ];
}
