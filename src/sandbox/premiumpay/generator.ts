import type { SandboxSale, World } from "./data.js";
import { hashSeed, seededRandom } from "./random.js";

/** How the sandbox invents new sales while it runs (off unless started). */
export interface SaleGeneratorOptions {
  /** Sales per minute across every generating client (bursts come on top). */
  salesPerMinute: number;
  /** Chance that a generated sale starts a burst in the same channel. Default 0.05. */
  burstChance?: number;
  /** Extra sales in a burst, [min, max]. Default [2, 6]. */
  burstSize?: [number, number];
  /** Share of sales that appear in the API minutes after their timestamp. Default 0.05. */
  lateChance?: number;
  /** How late a late sale is, [min, max] ms. Default one to four minutes. */
  lateByMs?: [number, number];
  /** Share of sales stamped a few seconds before the sale generated just before them. Default 0.1. */
  outOfOrderChance?: number;
  /** Only these clients get sales; default every client. */
  clientIds?: string[];
  /** How often sales are generated. Default 1000 ms. */
  tickMs?: number;
}

/** A sale as it became visible in the API: `appearedAt` is when a poller could first see it. */
export interface AppearedSale {
  clientId: string;
  sale: SandboxSale;
  appearedAt: Date;
}

export interface SaleGenerator {
  start(options: SaleGeneratorOptions): void;
  stop(): void;
  readonly running: boolean;
  /** Every sale that appeared while the sandbox ran (generated or added through the control API), in order. */
  readonly appeared: AppearedSale[];
  /** Records a sale added outside the generator (the control API, tests), so `appeared` is complete. */
  record(clientId: string, sale: SandboxSale): void;
}

const DEFAULTS = {
  burstChance: 0.05,
  burstSize: [2, 6] as [number, number],
  lateChance: 0.05,
  lateByMs: [60_000, 240_000] as [number, number],
  outOfOrderChance: 0.1,
  tickMs: 1000,
};

/**
 * Seeded, so the same seed picks the same clients, channels, amounts and delays in the same order (the number of
 * sales per tick follows the real clock, which a test does not control). Nothing is generated until `start`.
 */
export function createSaleGenerator(world: World, seed: number, now: () => Date): SaleGenerator {
  const random = seededRandom(hashSeed(seed, "sales-generator"));
  const appeared: AppearedSale[] = [];
  let timer: NodeJS.Timeout | undefined;
  let lastDate = 0;

  function record(clientId: string, sale: SandboxSale): void {
    appeared.push({ clientId, sale, appearedAt: now() });
  }

  function createOne(clientId: string, channelId: number, options: Required<SaleGeneratorOptions>): void {
    const at = now().getTime();
    let date = at;
    if (random.next() < options.lateChance) date = at - random.int(...options.lateByMs);
    else if (random.next() < options.outOfOrderChance && lastDate > 0)
      date = lastDate - random.int(1000, 30_000);
    lastDate = Math.max(lastDate, date);
    const channel = world.client(clientId).channels.find((c) => c.id === channelId)!;
    const viaLink = random.next() < 0.85 && channel.links.length > 0;
    const sale = world.addSale(clientId, {
      channelId,
      date: new Date(Math.min(date, at)),
      amount: random.next() < 0.1 ? Math.round(channel.price * 50) / 100 : channel.price,
      country: random.pick(["ES", "MX", "AR", "US", "BR"]),
      paymentMethod: random.pick(["card", "card", "paypal", "crypto"]),
      invitationLink: viaLink ? random.pick(channel.links).link : null,
    });
    record(clientId, sale);
  }

  function tick(options: Required<SaleGeneratorOptions>, state: { due: number; last: number }): void {
    const at = Date.now();
    state.due += (options.salesPerMinute * (at - state.last)) / 60_000;
    state.last = at;
    const clientIds = options.clientIds.length > 0 ? options.clientIds : [...world.state.clients.keys()];
    if (clientIds.length === 0) return;
    while (state.due >= 1) {
      state.due -= 1;
      const clientId = random.pick(clientIds);
      const channels = world.client(clientId).channels;
      if (channels.length === 0) continue;
      const channelId = random.pick(channels).id;
      createOne(clientId, channelId, options);
      if (random.next() < options.burstChance) {
        const extra = random.int(...options.burstSize);
        for (let n = 0; n < extra; n++) createOne(clientId, channelId, options);
      }
    }
  }

  return {
    appeared,
    record,
    get running() {
      return timer !== undefined;
    },
    start(options) {
      this.stop();
      const full: Required<SaleGeneratorOptions> = { ...DEFAULTS, clientIds: [], ...options };
      const state = { due: 0, last: Date.now() };
      timer = setInterval(() => tick(full, state), full.tickMs);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
