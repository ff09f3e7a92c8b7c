import type { Context, MiddlewareFn } from "grammy";
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { DeliveryResult } from "../delivery/queue.js";

/** The bot's Prometheus metrics, on a registry of its own (several apps in one test process must not collide). */
export interface Metrics {
  registry: Registry;
  updatesHandled: Counter<"kind">;
  updateSeconds: Histogram<"kind">;
  premiumpayRequests: Counter<"endpoint" | "outcome">;
  premiumpaySeconds: Histogram<"endpoint">;
  deliveries: Counter<"kind" | "outcome">;
  deliveryQueueDepth: Gauge;
  leader: Gauge;
  lockWaitSeconds: Histogram;
}

export interface MetricsSources {
  /** Read at each scrape: messages waiting in the delivery queue of this replica. */
  deliveryQueueDepth: () => number;
}

export function createMetrics(sources: MetricsSources): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    updatesHandled: new Counter({
      name: "bot_updates_handled_total",
      help: "Telegram updates handled, by kind (message, callback_query, ...); a redelivered duplicate is not counted",
      labelNames: ["kind"],
      registers,
    }),
    updateSeconds: new Histogram({
      name: "bot_update_handling_seconds",
      help: "Time to handle one update, lock wait included",
      labelNames: ["kind"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    premiumpayRequests: new Counter({
      name: "bot_premiumpay_requests_total",
      help: "premiumpay requests, by endpoint and outcome (ok or the error kind)",
      labelNames: ["endpoint", "outcome"],
      registers,
    }),
    premiumpaySeconds: new Histogram({
      name: "bot_premiumpay_request_seconds",
      help: "premiumpay request latency, by endpoint",
      labelNames: ["endpoint"],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    deliveries: new Counter({
      name: "bot_deliveries_total",
      help: "Digests and sales alerts delivered, by kind (digest, alert) and outcome (sent, failed, blocked)",
      labelNames: ["kind", "outcome"],
      registers,
    }),
    deliveryQueueDepth: new Gauge({
      name: "bot_delivery_queue_depth",
      help: "Messages waiting in the delivery queue",
      registers,
      collect() {
        this.set(sources.deliveryQueueDepth());
      },
    }),
    leader: new Gauge({
      name: "bot_leader",
      help: "1 while this replica runs the background work (elected, or the only process), else 0",
      registers,
    }),
    lockWaitSeconds: new Histogram({
      name: "bot_chat_lock_wait_seconds",
      help: "Time an update waited for its chat's lock across replicas",
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
      registers,
    }),
  };
}

/** The update's kind: its one field besides update_id (message, callback_query, ...). */
const kindOf = (update: object) => Object.keys(update).find((key) => key !== "update_id") ?? "unknown";

/** First middleware of the bot: counts each update by kind and times it, lock waits included. */
export function measureUpdates(metrics: Metrics): MiddlewareFn<Context> {
  return async (ctx, next) => {
    const kind = kindOf(ctx.update);
    const done = metrics.updateSeconds.startTimer({ kind });
    try {
      await next();
    } finally {
      done();
      metrics.updatesHandled.inc({ kind });
    }
  };
}

/** Counts a digest's or an alert's delivery; a job ended by a stop is neither sent nor failed. */
export function countDelivery(metrics: Metrics, kind: "digest" | "alert", result: DeliveryResult): void {
  if (result.status !== "stopped") metrics.deliveries.inc({ kind, outcome: result.status });
}
