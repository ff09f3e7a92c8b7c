import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { digestCallback } from "../../src/bot/callback-data/digest.js";
import {
  type Harness,
  hasButton,
  type OperatorDriver,
  stampedLike,
  startHarness,
} from "../support/harness.js";

// Twelve hours away from now, so no scheduled digest arrives in the middle of the flow.
const farTime = `${String((new Date().getUTCHours() + 12) % 24).padStart(2, "0")}:00`;

let h: Harness;
let operator: OperatorDriver;
const settingsOf = async () => (await h.app.deps.store.getOperator(operator.chatId))!.digest;

beforeAll(async () => {
  h = await startHarness({ env: { DIGEST_DEFAULT_TIME: farTime } });
  operator = h.operator();
  await operator.login();
});
afterAll(async () => {
  await h?.stop();
});

describe("/digest settings", () => {
  it("opens from the main menu and shows status, time, time zone and channels", async () => {
    const screen = await operator.click("Daily digest", /Daily sales digest/);
    expect(screen.text).toContain("Status: ✅ on");
    expect(screen.text).toContain(`Time: ${farTime} in UTC`);
    expect(screen.text).toContain("Channels: all");
    expect(h.telegram.unansweredCallbacks()).toEqual([]);
  });

  it("turns the digest off and on again, editing the same message", async () => {
    const off = await operator.click("Turn off", /Status: ⏸ off/);
    expect((await settingsOf()).enabled).toBe(false);
    const on = await operator.click("Turn on", /Status: ✅ on/);
    expect(on.messageId).toBe(off.messageId);
    expect((await settingsOf()).enabled).toBe(true);
  });

  it("refuses a typed time that is not HH:MM and accepts a valid one", async () => {
    await operator.click("Change time", /At what local time/);
    await operator.send("25:99", /“25:99” is not a time/);
    expect((await settingsOf()).time).toBe(farTime);
    await operator.send("7.30", /Time: 07:30 in UTC/);
    expect((await settingsOf()).time).toBe("07:30");
    await operator.click("Change time", /At what local time/);
    await operator.click("08:00", /Time: 08:00 in UTC/);
    expect((await settingsOf()).time).toBe("08:00");
  });

  it("toggles channels from the operator's premiumpay list and refuses a forged one", async () => {
    const channels = h.premiumpay.data(h.premiumpay.demoClient.clientId).channels;
    const list = await operator.click("Choose channels", /Tap a channel/);
    const first = channels[0]!;
    await operator.click(first.name, (message) => message.text.includes("Tap a channel"));
    expect((await settingsOf()).channelIds).toEqual(channels.slice(1).map((channel) => channel.id));

    h.telegram.clickButton(
      operator.user,
      list.messageId,
      stampedLike(operator.lastMessage(), digestCallback.pack("tg", 999_999)),
      {
        force: true,
      },
    );
    await h.telegram.waitFor(() =>
      [...h.telegram.callbackQueries.values()].find((query) =>
        query.answer?.text?.includes("not in your list"),
      ),
    );
    expect((await settingsOf()).channelIds).toHaveLength(channels.length - 1);

    await operator.click("Back", /Channels: 5 chosen/);
    const chooser = await operator.click("Choose channels", /Tap a channel/);
    const allLabel = (message: typeof chooser) =>
      message.replyMarkup?.inline_keyboard.flat().find((button) => button.text.endsWith("All channels"))
        ?.text;
    expect(allLabel(chooser)).toBe("▫️ All channels");
    const all = await operator.click("All channels", (message) => message.text.includes("Tap a channel"));
    expect(allLabel(all)).toBe("✅ All channels");
    expect((await settingsOf()).channelIds).toBeNull();
    await operator.click("Back", /Channels: all/);
  });

  it("sends a preview now without marking the day as sent, then shows the settings again", async () => {
    const settingsAgain = operator.nextBotMessage(hasButton(digestCallback.pack("pv", 0)));
    await operator.click("Send me a preview now", /Your sales on/);
    await settingsAgain;
    expect((await settingsOf()).lastSentLocalDate).toBeNull();
    const preview = operator.botMessages().find((message) => message.text.startsWith("🗞 Your sales on"))!;
    for (const channel of h.premiumpay.data(h.premiumpay.demoClient.clientId).channels) {
      expect(preview.text).toContain(channel.name);
    }
  });

  it("turns the 'last 7 days' chart on (saved at once, in the preview too) and off, refusing a stale toggle", async () => {
    const chartOn = digestCallback.pack("chart", 1);
    const off = operator.botMessages().findLast(hasButton(chartOn))!;
    expect(off.text).toContain("Chart of the last 7 days: off");
    const on = await operator.click("Add a chart of the last 7 days", /Chart of the last 7 days: 📊 on/);
    expect((await settingsOf()).chart).toBe(true);
    // The old "turn on" button of the previous step changes nothing.
    const stale = await operator.answerTo(on.messageId, stampedLike(off, chartOn));
    expect(stale.answer?.text).toMatch(/expired/);

    const photo = operator.nextBotMessage((message) => message.media?.kind === "photo");
    const settingsAgain = operator.nextBotMessage(hasButton(digestCallback.pack("chart", 0)));
    await operator.click("Send me a preview now", /Your sales on/);
    const png = (await photo).media!.bytes;
    expect(png.subarray(1, 4).toString("ascii")).toBe("PNG");
    expect(png.readUInt32BE(16)).toBe(1080);
    expect((await photo).text).toContain("Your last 7 days");
    await settingsAgain;

    await operator.click("No chart under the digest", /Chart of the last 7 days: off/);
    expect((await settingsOf()).chart).toBe(false);
  });

  it("closes with Done, and /digest opens it again", async () => {
    await operator.click("Done", /Digest settings saved/);
    const screen = await operator.send("/digest", /Daily sales digest/);
    expect(screen.text).toContain("Time: 08:00 in UTC");
    await operator.click("Cancel", /Cancelled/);
  });
});
