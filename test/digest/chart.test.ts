import { afterEach, describe, expect, it } from "vitest";
import { type DigestChartSettings, openDigestChartSettings } from "../../src/digest/chart-settings.js";
import { botTexts, type DigestWorld, startDigestWorld } from "./support.js";

// Monday 27 October 2025, 09:00 in Madrid: the digest reports on Sunday, the chart on the week up to it.
const MONDAY_9_MADRID = new Date("2025-10-27T08:00:00Z");
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

let world: DigestWorld;
let charts: DigestChartSettings | undefined;
afterEach(async () => {
  await charts?.close();
  charts = undefined;
  await world?.stop();
});

async function worldWithCharts(): Promise<DigestWorld> {
  world = await startDigestWorld({ now: MONDAY_9_MADRID });
  charts = await openDigestChartSettings(world.config.dataDir);
  world.deps.digestCharts = charts;
  return world;
}

const photosOf = (chatId: number) =>
  world.telegram
    .chat(chatId)
    .botMessages()
    .filter((message) => message.media?.kind === "photo");

describe("the digest's 'last 7 days' chart", () => {
  it("comes under the digest for an operator who turned it on, and only for them, in their language", async () => {
    await worldWithCharts();
    await world.addOperator({ id: 601 });
    await world.addOperator({ id: 602, locale: "es" });
    await world.addOperator({ id: 603 });
    await charts!.setEnabled(601, true);
    await charts!.setEnabled(602, true);
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
    await worldWithCharts();
    await world.addOperator({ id: 611 });
    await charts!.setEnabled(611, true);
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

  it("the choice survives reopening the file", async () => {
    await worldWithCharts();
    await charts!.setEnabled(621, true);
    await charts!.setEnabled(622, true);
    await charts!.setEnabled(622, false);
    await charts!.close();
    charts = await openDigestChartSettings(world.config.dataDir);
    expect(await charts.enabled(621)).toBe(true);
    expect(await charts.enabled(622)).toBe(false);
    expect(await charts.enabled(623)).toBe(false);
  });
});
