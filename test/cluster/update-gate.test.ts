import pg from "pg";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { CHAT_LOCK_CLASS } from "../../src/cluster/locks.js";
import { createUpdateGate, type UpdateGate } from "../../src/cluster/update-gate.js";
import { createPostgresStore } from "../../src/store/postgres/store.js";
import { createTestDatabase } from "../support/postgres.js";

let url: string;
beforeAll(async () => {
  url = await createTestDatabase();
  // The store's migrations create handled_updates.
  const store = await createPostgresStore({ url, credentialsKey: Buffer.alloc(32, 1) });
  await store.close();
});

const gates: UpdateGate[] = [];
afterEach(async () => {
  await Promise.all(gates.splice(0).map((gate) => gate.close()));
});

/** Two replicas' gates: each its own pool, as two processes would have. */
function twoReplicas(options: { lockTimeoutMs?: number } = {}): [UpdateGate, UpdateGate] {
  const made = [
    createUpdateGate({ databaseUrl: url, ...options }),
    createUpdateGate({ databaseUrl: url, ...options }),
  ];
  gates.push(...made);
  return made as [UpdateGate, UpdateGate];
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe("update gate (per-chat lock and handled-once across replicas)", () => {
  it("handles one chat's updates one at a time even when they land on different replicas", async () => {
    const [a, b] = twoReplicas();
    const events: string[] = [];
    let inside = 0;
    let mostInside = 0;
    const handler = (id: number) => async () => {
      inside++;
      mostInside = Math.max(mostInside, inside);
      events.push(`start ${id}`);
      for (let i = 0; i < 4; i++) await tick();
      events.push(`end ${id}`);
      inside--;
    };
    await Promise.all(
      Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? a : b).run(1000 + i, 77, handler(1000 + i))),
    );
    expect(mostInside).toBe(1);
    expect(events).toHaveLength(24);
  });

  it("different chats do not wait for each other", async () => {
    const [a, b] = twoReplicas();
    let releaseFirst!: () => void;
    const firstMayEnd = new Promise<void>((resolve) => (releaseFirst = resolve));
    // Chat 1's update only ends once chat 2's update ran: serialising the two chats would never finish.
    const first = a.run(2001, 1, () => firstMayEnd);
    await b.run(2002, 2, async () => releaseFirst());
    expect(await first).toBe("handled");
  });

  it("the same update delivered to two replicas at once is handled once, with or without a chat", async () => {
    const [a, b] = twoReplicas();
    let handled = 0;
    const handle = async () => {
      handled++;
      await tick();
    };
    const outcomes = await Promise.all([
      a.run(3001, 5, handle),
      b.run(3001, 5, handle),
      a.run(3001, 5, handle),
    ]);
    expect(handled).toBe(1);
    expect(outcomes.sort()).toEqual(["duplicate", "duplicate", "handled"]);
    // An update without a chat (a click on an inline-mode message) is locked by its id instead.
    const chatless = await Promise.all([a.run(3002, undefined, handle), b.run(3002, undefined, handle)]);
    expect(handled).toBe(2);
    expect(chatless.sort()).toEqual(["duplicate", "handled"]);
  });

  it("an update whose handling failed is handled again when redelivered", async () => {
    const [a, b] = twoReplicas();
    await expect(a.run(4001, 6, async () => Promise.reject(new Error("premiumpay down")))).rejects.toThrow();
    let handled = 0;
    expect(await b.run(4001, 6, async () => void handled++)).toBe("handled");
    expect(handled).toBe(1);
  });

  it("a chat lock held by a replica that died is free again, and a stuck lock fails the update instead of waiting forever", async () => {
    const [gate] = twoReplicas({ lockTimeoutMs: 1_000 });
    const dying = new pg.Client({ connectionString: url });
    await dying.connect();
    dying.on("error", () => {});
    await dying.query("SELECT pg_advisory_lock($1, hashint8($2))", [CHAT_LOCK_CLASS, 9]);
    await expect(gate.run(5001, 9, async () => {})).rejects.toThrow(/lock timeout/);

    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query("SELECT pg_terminate_backend($1)", [
      (dying as unknown as { processID: number }).processID,
    ]);
    await admin.end();
    expect(await gate.run(5002, 9, async () => {})).toBe("handled");
  });
});
