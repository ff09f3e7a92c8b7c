import pg from "pg";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { type ChatLocks, createChatLocks } from "../../src/cluster/chat-locks.js";
import { CHAT_LOCK_CLASS } from "../../src/store/postgres/advisory-locks.js";
import { createTestDatabase } from "../support/postgres.js";

let url: string;
beforeAll(async () => {
  url = await createTestDatabase();
});

const made: ChatLocks[] = [];
afterEach(async () => {
  await Promise.all(made.splice(0).map((locks) => locks.close()));
});

/** Two replicas' chat locks: each its own pool, as two processes would have. */
function twoReplicas(options: { lockTimeoutMs?: number } = {}): [ChatLocks, ChatLocks] {
  const pair = [
    createChatLocks({ databaseUrl: url, ...options }),
    createChatLocks({ databaseUrl: url, ...options }),
  ];
  made.push(...pair);
  return pair as [ChatLocks, ChatLocks];
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe("chat locks across replicas", () => {
  it("handles one chat's updates one at a time even when they land on different replicas", async () => {
    const [a, b] = twoReplicas();
    let inside = 0;
    let mostInside = 0;
    const order: number[] = [];
    const handle = (id: number) => async () => {
      inside++;
      mostInside = Math.max(mostInside, inside);
      for (let i = 0; i < 4; i++) await tick();
      order.push(id);
      inside--;
    };
    await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? a : b).run(77, handle(i))));
    expect(mostInside).toBe(1);
    expect(order.sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it("different chats do not wait for each other", async () => {
    const [a, b] = twoReplicas();
    let releaseFirst!: () => void;
    const firstMayEnd = new Promise<void>((resolve) => (releaseFirst = resolve));
    // Chat 1's update only ends once chat 2's update ran: serialising the two chats would never finish.
    const first = a.run(1, () => firstMayEnd.then(() => "first"));
    await b.run(2, async () => releaseFirst());
    expect(await first).toBe("first");
  });

  it("a failing update releases its chat for the next one", async () => {
    const [a, b] = twoReplicas({ lockTimeoutMs: 2_000 });
    await expect(a.run(6, async () => Promise.reject(new Error("premiumpay down")))).rejects.toThrow(
      "premiumpay",
    );
    expect(await b.run(6, async () => "next")).toBe("next");
  });

  it("a lock held by a replica that died is free again, and a stuck lock fails the update instead of waiting forever", async () => {
    const [locks] = twoReplicas({ lockTimeoutMs: 1_000 });
    const dying = new pg.Client({ connectionString: url });
    await dying.connect();
    dying.on("error", () => {});
    await dying.query("SELECT pg_advisory_lock($1, hashint8($2))", [CHAT_LOCK_CLASS, 9]);
    await expect(locks.run(9, async () => {})).rejects.toThrow(/lock timeout/);

    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query("SELECT pg_terminate_backend($1)", [
      (dying as unknown as { processID: number }).processID,
    ]);
    await admin.end();
    expect(await locks.run(9, async () => "after")).toBe("after");
  });
});
