import { randomBytes } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { performance } from "node:perf_hooks";
import { createStore, type Store } from "../../src/store/index.js";
import { failInChild } from "../support/child.js";
import { summarize } from "../support/stats.js";

/**
 * Part 3 in processes of their own, so the peak memory measured is that of a bot process loading the store, not of
 * filling it. argv[2] is JSON: `{ phase: "fill" | "measure", dataDir, key (hex), operators, conversations, writes }`.
 * Sends one "result" message.
 */
const { phase, dataDir, key, operators, conversations, writes } = JSON.parse(process.argv[2] ?? "{}") as {
  phase: "fill" | "measure";
  dataDir: string;
  key: string;
  operators: number;
  conversations: number;
  writes: number;
};

const FIRST_ID = 1_000_000;
const ZONES = ["Europe/Madrid", "America/Mexico_City", "UTC", "America/Bogota", "Europe/London"];

/** Shaped like a premiumpay token: a base64url JWT of about 300 characters. */
function jwtLike(index: number): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return [
    part({ alg: "HS256", typ: "JWT" }),
    part({
      sub: `client-${index}`,
      iat: 1_760_000_000,
      exp: 1_790_000_000,
      scope: "bots channels sales links",
    }),
    randomBytes(32).toString("base64url"),
  ].join(".");
}

/** A flow's state as the conversations plugin stores it: the updates it replays (here three, ~2.5 kB of JSON). */
function conversationState(chatId: number) {
  const from = { id: chatId, is_bot: false, first_name: "Operator", language_code: "es" };
  const chat = { id: chatId, type: "private", first_name: "Operator" };
  const message = (id: number, text: string) => ({
    message_id: id,
    date: 1_760_000_000 + id,
    chat,
    from,
    text,
    entities: [{ type: "bot_command", offset: 0, length: text.length }],
  });
  const callback = (id: number, data: string) => ({
    id: String(8_000_000_000_000 + id),
    from,
    chat_instance: `instance-${chatId}`,
    data,
    message: {
      ...message(id, "Pick a channel for today's sales"),
      from: { id: 1, is_bot: true, first_name: "Bot" },
    },
  });
  return {
    version: [0, 1] as [0, number],
    state: {
      sales: [
        {
          args: JSON.stringify([]),
          interrupts: [0, 1],
          replay: {
            send: [
              { payload: JSON.stringify({ ok: true, value: [{ id: 1, name: "Trading Signals VIP" }] }) },
            ],
            receive: [
              { update: { update_id: 1, message: message(1, "/sales") } },
              { update: { update_id: 2, callback_query: callback(2, "cp:c:101") } },
              { update: { update_id: 3, callback_query: callback(3, "sl1:all:0") } },
            ],
          },
        },
      ],
    },
  };
}

function peakRssBytes(status: string): number {
  const kib = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
  return kib ? Number(kib) * 1024 : process.resourceUsage().maxRSS * 1024;
}

async function fill() {
  const store = await createStore({ dataDir, credentialsKey: Buffer.from(key, "hex") });
  // Concurrent saves share journal batches, as logins arriving together do.
  for (let start = 0; start < operators; start += 1000) {
    await Promise.all(
      Array.from({ length: Math.min(1000, operators - start) }, (_, offset) => {
        const index = start + offset;
        return store.saveCredentials(
          FIRST_ID + index,
          { clientId: `client-${index}`, token: jwtLike(index) },
          { timezone: ZONES[index % ZONES.length]!, digestTime: "09:00", locale: index % 2 ? "es" : "en" },
        );
      }),
    );
  }
  await store.close();
  return { type: "result" };
}

async function timedWrites(store: Store): Promise<number[]> {
  const durations: number[] = [];
  for (let write = 0; write < writes; write++) {
    const id = FIRST_ID + ((write * 7919) % operators);
    const started = performance.now();
    await store.updateOperator(id, { digest: { time: write % 2 ? "08:30" : "09:15" }, lastChannelId: write });
    durations.push(performance.now() - started);
  }
  return durations;
}

async function measure() {
  // What the process holds before the store (Node, tsx compiling the sources, zod, lowdb): not the store's share.
  const rssBeforeLoad = process.memoryUsage().rss;
  const loadStarted = performance.now();
  const store = await createStore({ dataDir, credentialsKey: Buffer.from(key, "hex") });
  const loadMs = performance.now() - loadStarted;

  const openedAt = performance.now();
  await Promise.all(
    Array.from({ length: conversations }, (_, index) =>
      store.conversationStorage.write(String(FIRST_ID + index), conversationState(FIRST_ID + index)),
    ),
  );
  const conversationsMs = performance.now() - openedAt;
  const writeMs = await timedWrites(store);
  await store.flush();
  const files = [store.filePath, store.conversationsFilePath].flatMap((path) => [path, `${path}.journal`]);
  const sizes = await Promise.all(
    files.map((path) =>
      stat(path).then(
        (info) => info.size,
        () => 0,
      ),
    ),
  );
  await store.close();
  const status = await readFile("/proc/self/status", "utf8").catch(() => "");
  return {
    type: "result",
    loadMs,
    conversationsOpenMs: conversationsMs,
    conversationStateBytes: JSON.stringify(conversationState(FIRST_ID)).length,
    write: summarize(writeMs),
    operatorsFileBytes: sizes[0]! + sizes[1]!,
    conversationsFileBytes: sizes[2]! + sizes[3]!,
    peakRssBytes: peakRssBytes(status),
    rssBeforeLoadBytes: rssBeforeLoad,
  };
}

(phase === "fill" ? fill() : measure()).then((result) => {
  process.send?.(result);
  process.disconnect?.();
}, failInChild);
