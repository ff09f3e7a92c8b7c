import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** The bot's Prometheus metrics, on a registry of its own (several apps in one test process must not collide). */
export interface Metrics {
  registry: Registry;
  updatesHandled: Counter<"kind">;
  updateSeconds: Histogram<"kind">;
  premiumpayRequests: Counter<"endpoint" | "outcome">;
  premiumpaySeconds: Histogram<"endpoint">;
  digestMessages: Counter<"outcome">;
  deliveryQueueDepth: Gauge;
  leader: Gauge;
  lockWaitSeconds: Histogram;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    updatesHandled: new Counter({
      name: "bot_updates_handled_total",
      help: "Telegram updates handled, by kind (message, callback_query, ...) and whether they were duplicates",
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
    digestMessages: new Counter({
      name: "bot_digest_messages_total",
      help: "Digest and alert messages, by outcome (sent, failed)",
      labelNames: ["outcome"],
      registers,
    }),
    deliveryQueueDepth: new Gauge({
      name: "bot_delivery_queue_depth",
      help: "Messages waiting in the delivery queue",
      registers,
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
