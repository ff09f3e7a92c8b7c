import { afterEach, describe, expect, it } from "vitest";
import { PREFETCH_MAX_AGE_MS } from "../../src/digest/index.js";
import { botTexts, type DigestWorld, startDigestWorld } from "./support.js";

// Monday 27 October 2025 in Madrid (UTC+1): 09:00 local is 08:00Z.
const NINE = new Date("2025-10-27T08:00:00Z");
const minutes = (count: number) => count * 60_000;
const at = (offsetMs: number) => new Date(NINE.getTime() + offsetMs);

let world: DigestWorld;
afterEach(async () => {
  await world?.stop();
});

/** premiumpay requests made while `action` runs. */
async function requestsDuring(action: () => Promise<unknown>): Promise<number> {
  world.premiumpay.clearRequests();
  await action();
  return world.premiumpay.requests.length;
}

describe("digests built ahead of their minute", () => {
  it("is built in the window before its minute, sent at its minute and not before, without asking premiumpay again", async () => {
    world = await startDigestWorld({ now: at(-minutes(20)) });
    await world.addOperator({ id: 601 });
    const service = world.service();
    // 08:40: outside the 15-minute window.
    expect(await service.prefetch()).toEqual({ built: 0, notBuilt: 0 });

    world.clock.now = at(-minutes(10));
    expect(
      await requestsDuring(async () => expect(await service.prefetch()).toEqual({ built: 1, notBuilt: 0 })),
    ).toBeGreaterThan(0);
    // Built, not sent: nothing in the chat, the day not marked, and the turns before 09:00 send nothing.
    expect(botTexts(world, 601)).toEqual([]);
    world.clock.now = at(-minutes(1));
    expect((await service.runDue()).sent).toBe(0);
    expect(await service.prefetch()).toEqual({ built: 0, notBuilt: 0 });
    expect(botTexts(world, 601)).toEqual([]);
    expect((await world.store.getOperator(601))?.digest.lastSentLocalDate).toBeNull();

    world.clock.now = NINE;
    expect(await requestsDuring(async () => expect((await service.runDue()).sent).toBe(1))).toBe(0);
    const texts = botTexts(world, 601);
    expect(texts).toHaveLength(1);
    expect(texts[0]).toMatch(/^🗞 Your sales on Sunday, October 26/);
    expect((await world.store.getOperator(601))?.digest.lastSentLocalDate).toBe("2025-10-27");
    // Sent: the next turns neither build nor send it again.
    world.clock.now = at(minutes(1));
    expect(await service.prefetch()).toEqual({ built: 0, notBuilt: 0 });
    expect((await service.runDue()).sent).toBe(0);
    expect(botTexts(world, 601)).toHaveLength(1);
  });

  it("a settings change after the digest was built ahead is honoured: it is built again when due", async () => {
    world = await startDigestWorld({ now: at(-minutes(10)) });
    await world.addOperator({ id: 602 });
    const service = world.service();
    expect((await service.prefetch()).built).toBe(1);

    await world.store.updateOperator(602, { locale: "es" });
    world.clock.now = NINE;
    expect(await requestsDuring(async () => expect((await service.runDue()).sent).toBe(1))).toBeGreaterThan(
      0,
    );
    const texts = botTexts(world, 602);
    expect(texts).toHaveLength(1);
    expect(texts[0]).toMatch(/^🗞 Tus ventas del domingo/);
  });

  it("the next prefetch turn rebuilds a digest whose settings changed; an unchanged one is not rebuilt", async () => {
    world = await startDigestWorld({ now: at(-minutes(10)) });
    await world.addOperator({ id: 603 });
    await world.addOperator({ id: 604 });
    const service = world.service();
    expect((await service.prefetch()).built).toBe(2);
    const channelId = world.premiumpay.data(world.premiumpay.demoClient.clientId).channels[0]!.id;
    await world.store.updateOperator(603, { digest: { channelIds: [channelId] } });
    world.clock.now = at(-minutes(9));
    expect(await service.prefetch()).toEqual({ built: 1, notBuilt: 0 });

    world.clock.now = NINE;
    expect(await requestsDuring(async () => expect((await service.runDue()).sent).toBe(2))).toBe(0);
    const otherChannels = world.premiumpay
      .data(world.premiumpay.demoClient.clientId)
      .channels.filter((channel) => channel.id !== channelId);
    for (const channel of otherChannels) expect(botTexts(world, 603)[0]).not.toContain(channel.name);
    expect(botTexts(world, 604)[0]).toContain(otherChannels[0]!.name);
  });

  it("a digest sent long after it was built is built again", async () => {
    world = await startDigestWorld({ now: at(-minutes(10)) });
    await world.addOperator({ id: 605 });
    const service = world.service();
    expect((await service.prefetch()).built).toBe(1);
    // The bot was busy or down past the prefetch's age; the catch-up window still allows the send.
    world.clock.now = at(PREFETCH_MAX_AGE_MS);
    expect(await requestsDuring(async () => expect((await service.runDue()).sent).toBe(1))).toBeGreaterThan(
      0,
    );
  });

  it("a restart loses only the digests built ahead: the new process builds and sends each once", async () => {
    world = await startDigestWorld({ now: at(-minutes(10)) });
    await world.addOperator({ id: 606 });
    const before = world.service();
    expect((await before.prefetch()).built).toBe(1);
    await before.stop();
    await world.reopenStore();

    world.clock.now = NINE;
    const after = world.service();
    expect(await requestsDuring(async () => expect((await after.runDue()).sent).toBe(1))).toBeGreaterThan(0);
    world.clock.now = at(minutes(1));
    expect((await after.runDue()).sent).toBe(0);
    expect(botTexts(world, 606)).toHaveLength(1);
    expect((await world.store.getOperator(606))?.digest.lastSentLocalDate).toBe("2025-10-27");
  });

  it("premiumpay down while building ahead: nothing kept, the digest is built and sent when due", async () => {
    world = await startDigestWorld({ now: at(-minutes(10)) });
    await world.addOperator({ id: 607 });
    world.premiumpay.faults.set("channels", { status: 503 }, { times: 1 });
    const service = world.service();
    expect(await service.prefetch()).toEqual({ built: 0, notBuilt: 1 });
    world.clock.now = NINE;
    expect(await requestsDuring(async () => expect((await service.runDue()).sent).toBe(1))).toBeGreaterThan(
      0,
    );
    expect(botTexts(world, 607)).toHaveLength(1);
  });
});
