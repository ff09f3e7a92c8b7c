import { createHash } from "node:crypto";
import type { AlertsConfig } from "../config.js";
import { isPremiumpayError, type PremiumpayClient, type Sale } from "../premiumpay/index.js";
import type { AlertAccount as AccountRecord } from "../store/index.js";
import { startOfLocalDay } from "../time.js";
import { RateBudget, rateLimitOf } from "./budget.js";
import type { AlertNotice, AlertSale, Totals } from "./types.js";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** Channel names, links and gateways change rarely; they are fetched again after this long (or a refusal). */
const META_TTL_MS = HOUR_MS;
/** GET /status is asked again after this long, so a changed limit is noticed without spending much on it. */
const STATUS_TTL_MS = 10 * 60_000;
/** Backoff ceiling while premiumpay is unreachable: it keeps being tried, gently. */
const MAX_BACKOFF_MS = 5 * 60_000;
/** Sales kept in memory for "today so far": a local day is at most this long ago in any zone. */
const RECENT_MS = 26 * HOUR_MS;

interface AccountMeta {
  at: number;
  channelNames: Map<number, string>;
  linkNames: Map<string, string>;
  serviceChannel: Map<number, number>;
  /** Gateway id → the channels it sells. */
  gateways: Map<number, Set<number>>;
}

/** Which premiumpay calls one poll makes. */
export type QueryPlan = { by: "gateway"; ids: number[] } | { by: "channel"; ids: number[] };

export type PollOutcome =
  /**
   * Sales found that no earlier poll handled; `account` is the record to store together with them. `downSince`:
   * the first poll since start found the account last polled then, long enough ago to call it downtime.
   */
  | {
      kind: "polled";
      account: AccountRecord;
      found: AlertSale[];
      downSince: number | null;
      notice?: AlertNotice;
    }
  /** Not polled: the rate budget (or a Retry-After) says wait. */
  | { kind: "deferred" }
  /** premiumpay refused the credentials (401): paused until a login with other credentials. */
  | { kind: "refused"; account: AccountRecord; notice?: AlertNotice }
  /** premiumpay unreachable or answering errors; `account` records since when. */
  | { kind: "failed"; account: AccountRecord; notice?: AlertNotice };

/** A fingerprint of the token, never the token: enough to tell whether the operator logged in again. */
export const tokenFingerprint = (token: string) =>
  createHash("sha256").update(token).digest("hex").slice(0, 16);

export const emptyAccount = (clientId: string): AccountRecord => ({
  clientId,
  watermark: null,
  seen: {},
  outage: null,
  refusedToken: null,
});

/**
 * premiumpay's sale id when it gives one; otherwise a hash of the fields that describe the sale. Two sales
 * identical in every field, to the second, would share a hash: premiumpay shows them as one, so do we.
 */
export function saleKey(sale: Sale): string {
  const id = sale.raw.id ?? sale.raw.sale_id;
  if (typeof id === "number" || (typeof id === "string" && id.length > 0)) return `id:${id}`;
  const fields = [
    sale.date?.toISOString() ?? "",
    sale.amount,
    sale.currency,
    sale.raw.channel_id,
    sale.raw.service_id,
    sale.invitationLink,
    sale.country,
    sale.paymentMethod,
    // Last, so the keys of sales without a gateway stay what they were before it was added.
    ...(sale.raw.pasarela_id === undefined ? [] : [sale.raw.pasarela_id]),
  ];
  return `h:${createHash("sha256").update(JSON.stringify(fields)).digest("hex").slice(0, 24)}`;
}

/**
 * The cheapest set of calls that covers `channels`: one sales call per gateway that sells any of them, or one
 * channel-sales call per channel, whichever is fewer. On the sandbox (3 gateways selling every channel) an
 * account watching all of its 5 channels costs 3 requests a poll by gateway against 5 by channel, for the same
 * sales (`npm run bench`, alerts part, prints both); an operator watching one or two channels is cheaper by
 * channel. Ties go to gateways: their answers also cover channels created since the channel list was read.
 */
export function planQuery(meta: Pick<AccountMeta, "gateways">, channels: readonly number[]): QueryPlan {
  const gatewayIds = [...meta.gateways]
    .filter(([, sold]) => channels.some((channel) => sold.has(channel)))
    .map(([id]) => id);
  if (gatewayIds.length > 0 && gatewayIds.length <= channels.length)
    return { by: "gateway", ids: gatewayIds };
  return { by: "channel", ids: [...channels] };
}

export interface PollerOptions {
  clientId: string;
  config: AlertsConfig;
  now: () => Date;
}

/** One premiumpay account: its budget, its cached channel list, and the sales of the last day for totals. */
export class AccountPoller {
  readonly budget: RateBudget;
  /** Sales stamped within the last day, by key, for "today so far". */
  private readonly recent = new Map<string, AlertSale>();
  private meta: AccountMeta | undefined;
  private failures = 0;
  /** False until the first successful poll since start: that one reads the whole last day. */
  loaded = false;
  lastPlan: QueryPlan | undefined;
  /** Requests made by this poller (for the benchmark and the logs). */
  requests = 0;

  constructor(private readonly options: PollerOptions) {
    this.budget = new RateBudget(options.config.rateShare);
  }

  /** How long until the next poll should start, after the one that just ended. */
  nextDelayMs(): number {
    const base = this.budget.intervalMs(this.options.config.pollMs, this.lastPlan?.ids.length ?? 3);
    if (this.failures === 0) return base;
    return Math.min(MAX_BACKOFF_MS, Math.max(base, this.options.config.pollMs * 2 ** (this.failures - 1)));
  }

  /** The earliest moment the budget allows a poll. */
  availableAt(now: number): number {
    return this.budget.availableAt(this.costEstimate(now), now);
  }

  private costEstimate(now: number): number {
    const metaCost = !this.meta || now - this.meta.at > META_TTL_MS ? 2 : 0;
    const statusCost = now - this.budget.statusAt > STATUS_TTL_MS ? 1 : 0;
    return metaCost + statusCost + (this.lastPlan?.ids.length ?? 3);
  }

  /**
   * One poll: the account's sales from the watermark minus the overlap (the whole last day, or the catch-up
   * period when longer, on the first poll since start) to now, for `channels` (null: all of them).
   */
  async poll(
    client: PremiumpayClient,
    stored: AccountRecord,
    /** Recorded when premiumpay refuses these credentials, so polling waits for a new login. */
    loginStamp: string,
    channels: ReadonlySet<number> | null,
    /**
     * For an account never polled: sales from this moment on are new (its operators turned alerts on then).
     * null: the first poll only marks what exists.
     */
    newSince: number | null,
  ): Promise<PollOutcome> {
    const now = this.options.now().getTime();
    if (this.availableAt(now) > now) return { kind: "deferred" };
    try {
      return await this.fetchAndSort(client, stored, channels, newSince, now);
    } catch (error) {
      return this.failed(error, stored, loginStamp, now);
    }
  }

  private call<T>(request: () => Promise<T>): Promise<T> {
    this.budget.spend(this.options.now().getTime());
    this.requests++;
    return request();
  }

  private async fetchAndSort(
    client: PremiumpayClient,
    stored: AccountRecord,
    channels: ReadonlySet<number> | null,
    newSince: number | null,
    now: number,
  ): Promise<PollOutcome> {
    if (now - this.budget.statusAt > STATUS_TTL_MS) {
      const rate = rateLimitOf(await this.call(() => client.status()));
      if (rate) this.budget.update(rate, now);
      else this.budget.statusAt = now;
      if (this.availableAt(now) > now) return { kind: "deferred" };
    }
    const meta = await this.metaOf(client, now);
    const watched = [...meta.channelNames.keys()].filter((id) => channels === null || channels.has(id));
    const plan = planQuery(meta, watched);
    this.lastPlan = plan;
    const { overlapMs, catchUpMs, pollMs } = this.options.config;
    const watermark = stored.watermark === null ? null : Date.parse(stored.watermark);
    // The last day for "today so far", or further back when the configured catch-up asks for more.
    const earliest = now - Math.max(DAY_MS, catchUpMs);
    const from = this.loaded && watermark !== null ? Math.max(watermark - overlapMs, earliest) : earliest;
    // premiumpay takes whole seconds: rounding up keeps a sale stamped earlier in this second inside the window.
    const to = Math.ceil(now / 1000) * 1000;
    const range = { from: new Date(from), to: new Date(to) };
    const answers = await Promise.all(
      plan.ids.map((id) =>
        this.call(() =>
          plan.by === "gateway"
            ? client.sales({ ...range, gatewayId: id })
            : client.channelSales({ ...range, channelId: id }),
        ),
      ),
    );
    const watchedSet = new Set(watched);
    // The catch-up limit is for downtime: sales within the overlap are late live ones, whatever it is set to.
    const floor = Math.max(
      watermark === null ? (newSince ?? Infinity) : watermark - overlapMs,
      now - Math.max(catchUpMs, overlapMs),
    );
    const found: AlertSale[] = [];
    const seen: Record<string, string> = {};
    const keepSeenFrom = now - overlapMs;
    for (const sale of answers.flat()) {
      const alert = this.toAlertSale(sale, meta, now);
      if (alert.channelId !== null ? !watchedSet.has(alert.channelId) : channels !== null) continue;
      this.recent.set(alert.key, alert);
      const date = Date.parse(alert.date);
      if (date >= floor && stored.seen[alert.key] === undefined && seen[alert.key] === undefined)
        found.push(alert);
      if (date >= keepSeenFrom) seen[alert.key] = alert.date;
    }
    this.forgetOld(now);
    found.sort((a, b) => Date.parse(a.date) - Date.parse(b.date));
    const downSince = !this.loaded && watermark !== null && now - watermark > 2 * pollMs ? watermark : null;
    this.loaded = true;
    this.failures = 0;
    this.budget.pollSucceeded();
    const notice: AlertNotice | undefined = stored.outage?.noticed ? "recovered" : undefined;
    const account: AccountRecord = {
      ...stored,
      watermark: new Date(to).toISOString(),
      seen,
      outage: null,
      refusedToken: null,
    };
    return { kind: "polled", account, found, downSince, ...(notice ? { notice } : {}) };
  }

  private failed(error: unknown, stored: AccountRecord, loginStamp: string, now: number): PollOutcome {
    if (isPremiumpayError(error, "auth")) {
      // Each login refused gets its message: a new login refused again is news to the operator.
      const newlyRefused = stored.refusedToken !== loginStamp;
      return {
        kind: "refused",
        account: { ...stored, refusedToken: loginStamp },
        ...(newlyRefused ? { notice: "login-again" as const } : {}),
      };
    }
    if (isPremiumpayError(error, "rate_limited")) {
      this.budget.rateLimited(error.retryAfterSeconds, now);
      return { kind: "deferred" };
    }
    // A refused channel (deleted since) or any other answer: read the channel list again next time.
    this.meta = undefined;
    this.failures++;
    const since = stored.outage?.since ?? new Date(now).toISOString();
    const longOutage = now - Date.parse(since) > this.options.config.outageNoticeMs;
    const noticeNow = longOutage && !stored.outage?.noticed;
    return {
      kind: "failed",
      account: { ...stored, outage: { since, noticed: longOutage } },
      ...(noticeNow ? { notice: "unreachable" as const } : {}),
    };
  }

  private async metaOf(client: PremiumpayClient, now: number): Promise<AccountMeta> {
    if (this.meta && now - this.meta.at <= META_TTL_MS) return this.meta;
    const [channels, gateways] = await Promise.all([
      this.call(() => client.channels({ includeLinks: true })),
      this.call(() => client.gateways({ includeServices: true })),
    ]);
    const channelIds = new Set(channels.map((channel) => channel.id));
    const serviceChannel = new Map<number, number>();
    const sold = new Map<number, Set<number>>();
    for (const gateway of gateways) {
      const ids = new Set<number>();
      for (const service of gateway.services) {
        const channelId = service.channelId;
        if (channelId === undefined || !channelIds.has(channelId)) continue;
        serviceChannel.set(service.id, channelId);
        ids.add(channelId);
      }
      sold.set(gateway.id, ids);
    }
    this.meta = {
      at: now,
      channelNames: new Map(channels.map((channel) => [channel.id, channel.name])),
      linkNames: new Map(channels.flatMap((channel) => channel.links.map((link) => [link.url, link.name]))),
      serviceChannel,
      gateways: sold,
    };
    return this.meta;
  }

  private toAlertSale(sale: Sale, meta: AccountMeta, now: number): AlertSale {
    const rawChannel = Number(sale.raw.channel_id);
    const channelId = Number.isInteger(rawChannel)
      ? rawChannel
      : (meta.serviceChannel.get(Number(sale.raw.service_id)) ?? null);
    const link = sale.invitationLink;
    return {
      key: saleKey(sale),
      channelId,
      channelName: channelId === null ? "" : (meta.channelNames.get(channelId) ?? String(channelId)),
      amount: sale.amount,
      currency: sale.currency,
      // A sale without a date is as new as the answer that showed it.
      date: (sale.date ?? new Date(now)).toISOString(),
      linkName: link === null || link === "" ? null : (meta.linkNames.get(link) ?? link),
      country: sale.country,
      paymentMethod: sale.paymentMethod,
    };
  }

  private forgetOld(now: number): void {
    for (const [key, sale] of this.recent)
      if (Date.parse(sale.date) < now - RECENT_MS) this.recent.delete(key);
  }

  /** Today so far (local day of `zone`) over `channels` (null: all). */
  today(zone: string, channels: ReadonlySet<number> | null): Totals {
    const start = startOfLocalDay(this.options.now(), zone).getTime();
    return totalsOf(
      [...this.recent.values()].filter(
        (sale) =>
          Date.parse(sale.date) >= start &&
          (channels === null || (sale.channelId !== null && channels.has(sale.channelId))),
      ),
    );
  }
}

/** Count and total per currency (sales without a currency are totalled apart, never added to another). */
export function totalsOf(sales: readonly AlertSale[]): Totals {
  const byCurrency = new Map<string, { currency: string; amount: number; count: number }>();
  for (const sale of sales) {
    const currency = sale.currency ?? "";
    const total = byCurrency.get(currency) ?? { currency, amount: 0, count: 0 };
    total.amount = Math.round((total.amount + sale.amount) * 100) / 100;
    total.count++;
    byCurrency.set(currency, total);
  }
  return { count: sales.length, totals: [...byCurrency.values()].sort((a, b) => b.amount - a.amount) };
}
