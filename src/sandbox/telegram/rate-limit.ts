export interface RateLimit {
  /** Messages per second across all chats (Telegram: about 30). */
  globalPerSecond?: number;
  /** Messages per second into one chat (Telegram: about 1). */
  perChatPerSecond?: number;
}

const WINDOW_MS = 1000;

/**
 * Sliding one-second windows, global and per chat. A sliding window (rather than a token bucket)
 * never lets a burst through, so a sender that overshoots the configured rate is always caught.
 */
export class RateLimiter {
  private limit: RateLimit | null = null;
  private readonly global: number[] = [];
  private readonly perChat = new Map<number, number[]>();
  private lastSweep = 0;

  set(limit: RateLimit | null): void {
    this.limit = limit;
    this.global.length = 0;
    this.perChat.clear();
  }

  /** Records a message into `chatId` at `now`, or returns the seconds to wait when over the limit. */
  tryAcquire(chatId: number, now: number): number | undefined {
    if (this.limit === null) return undefined;
    const { globalPerSecond, perChatPerSecond } = this.limit;
    prune(this.global, now);
    let chatWindow = this.perChat.get(chatId);
    if (chatWindow !== undefined) prune(chatWindow, now);
    const waits: number[] = [];
    if (globalPerSecond !== undefined && this.global.length >= globalPerSecond) {
      waits.push(retryAfter(this.global, now));
    }
    if (perChatPerSecond !== undefined && chatWindow !== undefined && chatWindow.length >= perChatPerSecond) {
      waits.push(retryAfter(chatWindow, now));
    }
    if (waits.length > 0) return Math.max(...waits);
    this.global.push(now);
    if (perChatPerSecond !== undefined) {
      if (chatWindow === undefined) {
        chatWindow = [];
        this.perChat.set(chatId, chatWindow);
      }
      chatWindow.push(now);
    }
    this.dropIdleChats(now);
    return undefined;
  }

  /** Keeps memory flat during long runs over many chats; sweeps at most once per window. */
  private dropIdleChats(now: number): void {
    if (now - this.lastSweep < WINDOW_MS) return;
    this.lastSweep = now;
    for (const [chatId, window] of this.perChat) {
      prune(window, now);
      if (window.length === 0) this.perChat.delete(chatId);
    }
  }
}

function prune(window: number[], now: number): void {
  let expired = 0;
  while (expired < window.length && (window[expired] ?? now) <= now - WINDOW_MS) expired++;
  if (expired > 0) window.splice(0, expired);
}

/** Telegram's retry_after is whole seconds, at least 1. */
function retryAfter(window: number[], now: number): number {
  const oldest = window[0] ?? now;
  return Math.max(1, Math.ceil((oldest + WINDOW_MS - now) / 1000));
}
