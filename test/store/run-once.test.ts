import { describe, expect, it, vi } from "vitest";
import { createStore, StoreError } from "../../src/store/index.js";
import { KEY, openStore, tempDir } from "./helpers.js";

const link = { url: "https://t.me/+abc", name: "promo" };

describe("runOnce", () => {
  it("runs the action once under concurrent duplicates; the duplicates get the same result", async () => {
    const store = await openStore({ dataDir: await tempDir() });
    const action = vi.fn(async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      return link;
    });
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => store.runOnce("upd-1", 5, action)));
    expect(action).toHaveBeenCalledTimes(1);
    expect(outcomes.filter((outcome) => !outcome.replayed)).toHaveLength(1);
    for (const outcome of outcomes) expect(outcome).toMatchObject({ state: "done", result: link });
  });

  it("replays the stored result after a restart instead of running again", async () => {
    const dir = await tempDir();
    const first = await createStore({ dataDir: dir, credentialsKey: KEY });
    expect(await first.runOnce("upd-2", 5, async () => link)).toEqual({
      state: "done",
      result: link,
      replayed: false,
    });
    // No close: the process died right after confirming.
    const action = vi.fn(async () => ({ url: "https://t.me/+second" }));
    const second = await openStore({ dataDir: dir });
    expect(await second.runOnce("upd-2", 5, action)).toEqual({ state: "done", result: link, replayed: true });
    expect(action).not.toHaveBeenCalled();
    await first.close();
  });

  it("does not re-run an action that was in flight when the process died, and says the outcome is unknown", async () => {
    const dir = await tempDir();
    const crashed = await openStore({ dataDir: dir, now: () => new Date("2024-06-01T12:00:00Z") });
    let started!: () => void;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    // The action starts only after the pending mark is durable, and never finishes: the process "dies" in it.
    void crashed.runOnce("upd-3", 5, () => {
      started();
      return new Promise(() => {});
    });
    await running;

    const action = vi.fn(async () => link);
    const restarted = await openStore({ dataDir: dir, now: () => new Date("2024-06-01T12:01:00Z") });
    expect(await restarted.runOnce("upd-3", 5, action)).toEqual({
      state: "unknown",
      result: undefined,
      replayed: true,
      startedAt: "2024-06-01T12:00:00.000Z",
    });
    expect(action).not.toHaveBeenCalled();
  });

  it("forgets an action that threw, so the same id can be retried", async () => {
    const dir = await tempDir();
    const store = await openStore({ dataDir: dir });
    await expect(
      store.runOnce("upd-4", 5, async () => Promise.reject(new Error("premiumpay down"))),
    ).rejects.toThrow("premiumpay down");
    expect(await store.runOnce("upd-4", 5, async () => link)).toEqual({
      state: "done",
      result: link,
      replayed: false,
    });
  });

  it("keeps results that are not objects, including undefined", async () => {
    const dir = await tempDir();
    const store = await openStore({ dataDir: dir });
    await store.runOnce("none", 5, async () => undefined);
    await store.runOnce("number", 5, async () => 0);
    await store.close();
    const reopened = await openStore({ dataDir: dir });
    expect(await reopened.runOnce("none", 5, async () => "again")).toEqual({
      state: "done",
      result: undefined,
      replayed: true,
    });
    expect(await reopened.runOnce("number", 5, async () => 1)).toEqual({
      state: "done",
      result: 0,
      replayed: true,
    });
  });

  it("refuses an action id recorded for another user", async () => {
    const store = await openStore({ dataDir: await tempDir() });
    await store.runOnce("upd-5", 5, async () => link);
    const action = vi.fn(async () => link);
    await expect(store.runOnce("upd-5", 6, action)).rejects.toThrow(StoreError);
    expect(action).not.toHaveBeenCalled();
  });

  it("drops action records older than 7 days on load", async () => {
    const dir = await tempDir();
    const store = await openStore({ dataDir: dir, now: () => new Date("2024-06-01T00:00:00Z") });
    await store.runOnce("old", 5, async () => link);
    await store.runOnce("recent", 5, async () => link);
    await store.close();

    let clock = new Date("2024-06-06T00:00:00Z");
    const middle = await openStore({ dataDir: dir, now: () => clock });
    await middle.runOnce("fresh", 5, async () => link);
    await middle.close();

    clock = new Date("2024-06-08T00:00:01Z");
    const later = await openStore({ dataDir: dir, now: () => clock });
    const action = vi.fn(async () => link);
    expect((await later.runOnce("old", 5, action)).replayed).toBe(false);
    expect((await later.runOnce("fresh", 5, action)).replayed).toBe(true);
    expect(action).toHaveBeenCalledTimes(1);
  });
});
