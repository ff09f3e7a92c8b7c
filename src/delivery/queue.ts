import { Api, GrammyError, HttpError, InputFile } from "grammy";
import type { Config } from "../config.js";
import type { Logger } from "../logger.js";

/**
 * A dedicated Api without the bot's auto-retry: auto-retry would sleep through a 429 inside one call, invisible
 * to the queue, which would keep launching other sends at full rate into the limit. Here every 429 comes back to
 * the queue, which pauses all sends for retry_after and re-sends exactly the refused message, never one that
 * Telegram accepted. It has no default parse mode either: the queue sets HTML itself.
 */
export function createDigestApi(config: Config): Api {
  return new Api(config.botToken, { apiRoot: config.telegramApiRoot });
}

/** A picture sent as a photo, with a Telegram HTML caption (≤ 1024 characters). */
export interface DeliveryPhoto {
  png: Buffer;
  caption: string;
}

export interface DeliveryJob {
  chatId: number;
  /** Sent in order, at least PER_CHAT_INTERVAL_MS apart: HTML texts, or photos. */
  messages: readonly (string | DeliveryPhoto)[];
  /**
   * Runs in the job's send slot, just before its first message goes out (once, not again on a retry): where a
   * caller records durably that the job is being sent. If it throws, nothing is sent and the job fails.
   */
  beforeFirstSend?: () => Promise<void>;
}

export type DeliveryResult =
  | { status: "sent" }
  /** 403: the user blocked the bot (or deleted their account); retrying cannot help. */
  | { status: "blocked" }
  | { status: "failed"; reason: string }
  /** The queue was stopped before the job finished; what was not sent stays unsent. */
  | { status: "stopped" };

export interface DeliveryStats {
  /** Messages Telegram accepted. */
  sent: number;
  /** 429 answers received (each message refused is re-sent, not counted again as sent). */
  rateLimited: number;
  /** Jobs given up (blocked, refused, or still failing after the retries). */
  failed: number;
}

export interface DeliveryQueueOptions {
  /** Messages per second across all chats. */
  maxPerSecond: number;
  logger: Logger;
}

/** Telegram allows about one message per second into one chat; the margin absorbs network jitter. */
export const PER_CHAT_INTERVAL_MS = 1100;
const WINDOW_MS = 1000;
const MAX_NETWORK_ATTEMPTS = 5;

interface Entry {
  job: DeliveryJob;
  part: number;
  readyAt: number;
  networkFailures: number;
  /** beforeFirstSend has run. */
  prepared: boolean;
  resolve: (result: DeliveryResult) => void;
}

/**
 * One queue for every digest message. Sends are spread evenly at `maxPerSecond` (a slot every 1000/rate ms,
 * with a small catch-up allowance when timers fire late) and never more than `maxPerSecond` start within any
 * second, so a fake or real Bot API with a sliding one-second window sees the configured rate and no bursts.
 * A 429 pauses all sends for retry_after; the refused message goes first when sending resumes.
 */
export class DeliveryQueue {
  readonly stats: DeliveryStats = { sent: 0, rateLimited: 0, failed: 0 };
  private readonly intervalMs: number;
  private readonly maxCatchUpMs: number;
  private readonly maxPerSecond: number;
  /** Start times of the last `maxPerSecond` sends, oldest first. */
  private readonly recentStarts: number[] = [];
  private readonly fresh: Entry[] = [];
  /** Retries and next parts: they go before fresh jobs, so a started digest finishes first. */
  private readonly priority: Entry[] = [];
  private readonly delayed: Entry[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly chatReadyAt = new Map<number, number>();
  private nextSlot = 0;
  private pausedUntil = 0;
  private wake: (() => void) | undefined;
  /** When the pump's current sleep ends by itself (Date.now() ms). */
  private wakesAt = 0;
  private pumping: Promise<void> | undefined;
  private pumpActive = false;
  private lastChatSweep = 0;
  private stopped = false;

  constructor(
    private readonly api: Api,
    private readonly options: DeliveryQueueOptions,
  ) {
    this.maxPerSecond = Math.max(1, options.maxPerSecond);
    this.intervalMs = WINDOW_MS / this.maxPerSecond;
    this.maxCatchUpMs = Math.max(this.intervalMs, 20);
  }

  deliver(job: DeliveryJob): Promise<DeliveryResult> {
    if (this.stopped) return Promise.resolve({ status: "stopped" });
    if (job.messages.length === 0) return Promise.resolve({ status: "sent" });
    return new Promise((resolve) => {
      this.fresh.push({ job, part: 0, readyAt: 0, networkFailures: 0, prepared: false, resolve });
      this.kick();
    });
  }

  /** Messages waiting to be sent (jobs not yet started or with parts left), for the metrics. */
  get depth(): number {
    return this.fresh.length + this.priority.length + this.delayed.length;
  }

  /** Stops starting sends, waits for those in flight, and resolves every unfinished job as stopped. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.pumping;
    await Promise.all(this.inFlight);
    for (const entry of [...this.priority, ...this.fresh, ...this.delayed])
      entry.resolve({ status: "stopped" });
    this.priority.length = 0;
    this.fresh.length = 0;
    this.delayed.length = 0;
  }

  private kick(): void {
    if (this.wake) {
      // A pump about to wake anyway re-reads the queues then; waking it now would only cost another sleep.
      if (this.wakesAt - Date.now() <= this.intervalMs) return;
      this.wake();
      return;
    }
    // A running pump re-reads the queues on its next turn; only a finished one needs starting.
    if (this.pumpActive) return;
    this.pumpActive = true;
    this.pumping = this.pump();
  }

  private async pump(): Promise<void> {
    while (!this.stopped) {
      const now = Date.now();
      this.promoteDelayed(now);
      if (this.fresh.length === 0 && this.priority.length === 0) {
        if (this.delayed.length === 0) break;
        await this.sleepOrWake(Math.min(...this.delayed.map((entry) => entry.readyAt)) - now);
        continue;
      }
      const waitMs = this.msUntilNextStart(now);
      if (waitMs > 0) {
        await this.sleepOrWake(waitMs);
        continue;
      }
      const entry = this.takeReady(now);
      if (entry) this.start(entry, now);
    }
    // Synchronously with the last check of the queues, so a job added from now on starts a new pump.
    this.pumpActive = false;
  }

  /** A plain timer, not an abortable sleep: the pump sleeps between most sends, and an abort costs an error. */
  private sleepOrWake(ms: number): Promise<void> {
    const delay = Math.max(1, ms);
    this.wakesAt = Date.now() + delay;
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, delay);
      this.wake = () => {
        this.wake = undefined;
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /** Milliseconds until the rate allows the next send (0: now). */
  private msUntilNextStart(now: number): number {
    const waits = [this.pausedUntil - now, this.nextSlot - now];
    if (this.recentStarts.length >= this.maxPerSecond) waits.push(this.recentStarts[0]! + WINDOW_MS - now);
    if (this.inFlight.size >= this.maxPerSecond) waits.push(50);
    return Math.max(0, ...waits);
  }

  private promoteDelayed(now: number): void {
    for (let index = this.delayed.length - 1; index >= 0; index--) {
      const entry = this.delayed[index]!;
      if (entry.readyAt > now) continue;
      this.delayed.splice(index, 1);
      this.priority.unshift(entry);
    }
  }

  /** The first entry whose chat may receive a message now; one whose chat must wait is parked. */
  private takeReady(now: number): Entry | undefined {
    for (const queue of [this.priority, this.fresh]) {
      while (queue.length > 0) {
        const entry = queue.shift()!;
        const chatReady = this.chatReadyAt.get(entry.job.chatId) ?? 0;
        if (chatReady <= now) return entry;
        entry.readyAt = chatReady;
        this.delayed.push(entry);
      }
    }
    return undefined;
  }

  private start(entry: Entry, now: number): void {
    this.nextSlot = Math.max(this.nextSlot + this.intervalMs, now - this.maxCatchUpMs + this.intervalMs);
    this.recentStarts.push(now);
    while (this.recentStarts.length > this.maxPerSecond) this.recentStarts.shift();
    this.sweepChats(now);
    this.chatReadyAt.set(entry.job.chatId, now + PER_CHAT_INTERVAL_MS);
    const send = this.send(entry).finally(() => {
      this.inFlight.delete(send);
      this.kick();
    });
    this.inFlight.add(send);
  }

  private async send(entry: Entry): Promise<void> {
    const { chatId, messages, beforeFirstSend } = entry.job;
    if (!entry.prepared && beforeFirstSend) {
      try {
        await beforeFirstSend();
      } catch (error) {
        this.stats.failed++;
        entry.resolve({ status: "failed", reason: (error as Error).message });
        return;
      }
      entry.prepared = true;
    }
    const part = messages[entry.part]!;
    try {
      if (typeof part === "string") {
        await this.api.sendMessage(chatId, part, {
          parse_mode: "HTML",
          link_preview_options: { is_disabled: true },
        });
      } else {
        await this.api.sendPhoto(chatId, new InputFile(part.png, "chart.png"), {
          caption: part.caption,
          parse_mode: "HTML",
        });
      }
    } catch (error) {
      this.onFailure(entry, error);
      return;
    }
    this.stats.sent++;
    entry.part++;
    entry.networkFailures = 0;
    if (entry.part >= messages.length) {
      entry.resolve({ status: "sent" });
      return;
    }
    entry.readyAt = this.chatReadyAt.get(chatId) ?? 0;
    this.delayed.push(entry);
  }

  private onFailure(entry: Entry, error: unknown): void {
    const now = Date.now();
    if (error instanceof GrammyError && error.error_code === 429) {
      this.stats.rateLimited++;
      const waitMs = Math.max(1, error.parameters.retry_after ?? 1) * 1000;
      this.pausedUntil = Math.max(this.pausedUntil, now + waitMs);
      entry.readyAt = now + waitMs;
      this.delayed.push(entry);
      return;
    }
    const transient = error instanceof HttpError || (error instanceof GrammyError && error.error_code >= 500);
    if (transient && ++entry.networkFailures < MAX_NETWORK_ATTEMPTS) {
      entry.readyAt = now + 1000 * 2 ** (entry.networkFailures - 1);
      this.delayed.push(entry);
      return;
    }
    this.stats.failed++;
    if (error instanceof GrammyError && error.error_code === 403) {
      entry.resolve({ status: "blocked" });
      return;
    }
    const reason = error instanceof GrammyError ? `${error.error_code} ${error.description}` : String(error);
    this.options.logger.warn({ chatId: entry.job.chatId, reason }, "digest message not delivered");
    entry.resolve({ status: "failed", reason });
  }

  /** Keeps the per-chat map small over long runs: a chat whose wait is over no longer constrains anything. */
  private sweepChats(now: number): void {
    if (now - this.lastChatSweep < WINDOW_MS) return;
    this.lastChatSweep = now;
    for (const [chatId, readyAt] of this.chatReadyAt) if (readyAt <= now) this.chatReadyAt.delete(chatId);
  }
}
