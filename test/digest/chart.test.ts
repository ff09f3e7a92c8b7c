import { afterEach, describe, expect, it } from "vitest";
import { botTexts, type DigestWorld, startDigestWorld } from "./support.js";

// Monday 27 October 2025, 09:00 in Madrid: the digest reports on Sunday, the chart on the week up to it.
const MONDAY_9_MADRID = new Date("2025-10-27T08:00:00Z");
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

let world: DigestWorld;
afterEach(async () => {
  await world?.stop();
});

/** As /digest saves it: the operator's digest settings in the store. */
const setChart = (userId: number, chart: boolean) =>
  world.store.updateOperator(userId, { digest: { chart } });

const photosOf = (chatId: number) =>
  world.telegram
    .chat(chatId)
    .botMessages()
    .filter((message) => message.media?.kind === "photo");

describe("the digest's 'last 7 days' chart", () => {
  it("comes under the digest for an operator who turned it on, and only for them, in their language", async () => {
    world = await startDigestWorld({ now: MONDAY_9_MADRID });
    await world.addOperator({ id: 601 });
    await world.addOperator({ id: 602, locale: "es" });
    await world.addOperator({ id: 603 });
    await setChart(601, true);
    await setChart(602, true);
    expect((await world.service().runDue()).sent).toBe(3);

    const messages = world.telegram.chat(601).botMessages();
    const photo = messages.at(-1)!;
    expect(photo.media?.kind).toBe("photo");
    // Under the digest text.
    expect(messages.slice(0, -1).every((message) => message.media === undefined)).toBe(true);
    expect(messages[0]!.text).toMatch(/^🗞/);
    const png = photo.media!.bytes;
    expect(png.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    expect(png.readUInt32BE(16)).toBe(1080);
    expect(photo.text).toContain("Your last 7 days");
    expect(photo.text).toMatch(/Oct 20\s–\s26, 2025/);
    expect(photosOf(602)[0]!.text).toContain("Tus últimos 7 días");
    expect(photosOf(603)).toEqual([]);
  });

  it("a chart Telegram refuses leaves the digest sent once, and the day is not sent again", async () => {
    world = await startDigestWorld({ now: MONDAY_9_MADRID });
    await world.addOperator({ id: 611 });
    await setChart(611, true);
    world.telegram.faults.failNext("sendPhoto", {
      errorCode: 400,
      description: "Bad Request: IMAGE_PROCESS_FAILED",
    });
    expect((await world.service().runDue()).sent).toBe(1);
    expect((await world.service().runDue()).sent).toBe(0);
    expect(botTexts(world, 611).filter((text) => text.startsWith("🗞"))).toHaveLength(1);
    expect(photosOf(611)).toEqual([]);
    expect((await world.store.getOperator(611))?.digest.lastSentLocalDate).toBe("2025-10-27");
    expect(world.logs.some((line) => line.includes("digest chart not sent"))).toBe(true);
  });

  it("the choice stays across the day's mark and a restart; the next day has the chart until it is turned off", async () => {
    world = await startDigestWorld({ now: MONDAY_9_MADRID });
    await world.addOperator({ id: 621 });
    await world.addOperator({ id: 622 });
    await setChart(621, true);
    await setChart(622, true);
    expect((await world.service().runDue()).sent).toBe(2);
    expect(photosOf(621)).toHaveLength(1);
    expect(photosOf(622)).toHaveLength(1);

    await world.reopenStore();
    expect((await world.store.getOperator(621))?.digest).toMatchObject({
      lastSentLocalDate: "2025-10-27",
      chart: true,
    });
    await setChart(622, false);
    world.clock.now = new Date(MONDAY_9_MADRID.getTime() + 24 * 60 * 60 * 1000);
    expect((await world.service().runDue()).sent).toBe(2);
    expect(botTexts(world, 622).filter((text) => text.startsWith("🗞"))).toHaveLength(2);
    expect(photosOf(621)).toHaveLength(2);
    expect(photosOf(622)).toHaveLength(1);
  });
});
