import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { StoredMessage } from "../../src/sandbox/telegram/index.js";
import { buttonsOf, type Harness, hasButton, type OperatorDriver, startHarness } from "../support/harness.js";

// /alerts end to end: the real bot and its alert pollers (every second) on the emulator and the premiumpay sandbox.
const EXPIRED = "This button has expired. Send /start for a fresh menu.";

let h: Harness;
let seller: OperatorDriver;
let channels: { id: number; name: string }[];

const settingsOf = (operator: OperatorDriver) => h.app.deps.store.alertSettings(operator.chatId);

/** A sale created through the sandbox's control API, as another process (premiumpay itself) would. */
async function sell(channelId: number, amount: number): Promise<void> {
  const response = await fetch(`${h.premiumpay.url}/_sandbox/sales`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ clientId: seller.account.clientId, channelId, amount, currency: "EUR" }),
  });
  expect(response.ok).toBe(true);
}

/**
 * The pollers read settings every 10 s; the tests do not wait for that. The account's first poll takes what
 * premiumpay already shows as its starting point, so sales are made after it.
 */
async function refresh(): Promise<void> {
  await h.app.alerts.service.refresh();
  await vi.waitFor(
    () => expect(h.app.alerts.service.pollers.get(seller.account.clientId)?.loaded).toBe(true),
    { timeout: 10_000, interval: 50 },
  );
}

/** /alerts; resolves with its screen (a command also closes a flow in progress, editing that flow's message). */
const openAlerts = (operator: OperatorDriver, title = "Sales alerts") =>
  operator.send("/alerts", (message) => message.text.includes(title) && buttonsOf(message).length > 0);

const alertsMentioning = (text: string) =>
  seller.botMessages().filter((message) => message.text.includes("New sale") && message.text.includes(text));

beforeAll(async () => {
  h = await startHarness({
    alertSchedule: true,
    env: { ALERTS_POLL_SECONDS: "1", ALERTS_GROUP_SECONDS: "0" },
  });
  channels = h.premiumpay.data(h.premiumpay.demoClient.clientId).channels;
  seller = h.operator();
});
afterAll(async () => {
  await h?.stop();
});

describe("/alerts settings", () => {
  it("is offered once after a first login, and the offer opens /alerts; alerts are off until turned on", async () => {
    const offer = seller.nextBotMessage(/Turn on sales alerts\?/);
    await seller.login();
    await offer;
    expect((await settingsOf(seller)).enabled).toBe(false);
    const screen = await seller.click("Set up sales alerts", /Sales alerts/);
    expect(screen.text).toContain("Status: off");
    expect(screen.text).toContain("Channels: all");
    expect(screen.text).toContain("Quiet hours: none");
    await seller.click("Done", /Saved\./);
    // A second login of the same operator is not offered alerts again.
    await seller.send("/login", hasButton("x"));
    await seller.send(seller.account.clientId, hasButton("x"));
    await seller.send(seller.account.token, hasButton("m:channels"));
    const offers = seller.botMessages().filter((message) => message.text.includes("Turn on sales alerts?"));
    expect(offers).toHaveLength(1);
  });

  it("turned on, a new sale in premiumpay arrives as an alert", async () => {
    await openAlerts(seller);
    const before = h.app.deps.now().getTime();
    await seller.click("Turn on", /Status: on/);
    const { enabled, enabledAt } = await settingsOf(seller);
    expect(enabled).toBe(true);
    // Sales from this moment on are the operator's: recorded when the button was pressed.
    expect(Date.parse(enabledAt!)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(enabledAt!)).toBeLessThanOrEqual(h.app.deps.now().getTime());
    await refresh();
    const alert = seller.nextBotMessage(/New sale/, 15_000);
    await sell(channels[0]!.id, 12.34);
    const message = await alert;
    expect(message.text).toContain("12.34");
    expect(message.text).toContain("Today so far");
  });

  it("a channel left out through the chooser is not alerted; the others are", async () => {
    await seller.click("Channels", /Tap a channel to get its alerts/);
    await seller.click(channels[0]!.name, (message) => message.text.includes("Tap a channel"));
    expect((await settingsOf(seller)).channelIds).toEqual(channels.slice(1).map((channel) => channel.id));
    await seller.click("Back", /Channels: \d+ chosen/);
    await refresh();
    const alert = seller.nextBotMessage((message) => message.text.includes("55.55"), 15_000);
    await sell(channels[0]!.id, 77.77);
    await sell(channels[1]!.id, 55.55);
    const message = await alert;
    expect(message.text).not.toContain("77.77");
    expect(alertsMentioning("77.77")).toEqual([]);
    await seller.click("Done", /Saved\./);
  });

  it("a minimum amount typed on the screen holds back smaller sales; a bad one is re-asked", async () => {
    await openAlerts(seller);
    await seller.click("Minimum amount", /Type the minimum amount/);
    await seller.send("lots", /“lots” is not an amount/);
    expect((await settingsOf(seller)).minAmount).toBe(0);
    await seller.send("50", /Minimum amount: \S*50/);
    expect((await settingsOf(seller)).minAmount).toBe(50);
    await refresh();
    const alert = seller.nextBotMessage((message) => message.text.includes("60.01"), 15_000);
    await sell(channels[1]!.id, 10.5);
    await sell(channels[1]!.id, 60.01);
    expect((await alert).text).not.toContain("10.50");
    expect(alertsMentioning("10.50")).toEqual([]);
    await openAlerts(seller);
  });

  it("quiet hours: a bad range is re-asked, a good one saved, and off clears them", async () => {
    await seller.click("Quiet hours", /Type your quiet hours/);
    await seller.send("25:00-07:00", /“25:00-07:00” is not a time range/);
    await seller.send("22:00-22:00", /is not a time range/);
    await seller.send("22:00-7:00", /Quiet hours: 22:00–07:00/);
    expect((await settingsOf(seller)).quietHours).toEqual({ from: "22:00", to: "07:00" });
    await seller.click("Quiet hours", /Type your quiet hours/);
    await seller.send("off", /Quiet hours: none/);
    expect((await settingsOf(seller)).quietHours).toBeNull();
  });

  it("sends a test alert composed like a real one, with the settings below it", async () => {
    const below = seller.nextBotMessage(
      (message) => message.text.includes("Sales alerts") && buttonsOf(message).length > 0,
    );
    const test = await seller.click("Send me a test alert", /Test alert/);
    expect(test.text).toContain("New sale · Sample channel");
    expect(test.text).toContain("9.99");
    expect(test.text).toContain("Today so far: 1 sale");
    await below;
    await seller.click("Done", /Saved\./);
  });

  it("an old button of an earlier /alerts run is answered as expired and changes nothing", async () => {
    const first = await openAlerts(seller);
    const turnOff = buttonsOf(first).find((button) => button.text.includes("Turn off"))!;
    expect(turnOff && "callback_data" in turnOff).toBe(true);
    await seller.click("Done", /Saved\./);
    await openAlerts(seller);
    const data = (turnOff as { callback_data: string }).callback_data;
    const answer = await seller.answerTo(first.messageId, data);
    expect(answer.answer?.text).toBe(EXPIRED);
    expect((await settingsOf(seller)).enabled).toBe(true);
  });

  it("speaks Spanish, re-asks in Spanish and sends a Spanish test alert", async () => {
    const spanish = h.operator({ languageCode: "es" });
    const offer = spanish.nextBotMessage(/¿Activar los avisos de ventas\?/);
    await spanish.login();
    await offer;
    const screen: StoredMessage = await openAlerts(spanish, "Avisos de ventas");
    expect(screen.text).toContain("Estado: desactivados");
    await spanish.click("Importe mínimo", /Escribe el importe mínimo/);
    await spanish.send("mucho", /«mucho» no es un importe/);
    await spanish.send("9,5", /Importe mínimo: /);
    expect((await settingsOf(spanish)).minAmount).toBe(9.5);
    const test = await spanish.click("Envíame un aviso de prueba", /Aviso de prueba/);
    expect(test.text).toContain("Nueva venta · Canal de ejemplo");
  });

  it("a question asked before a restart is answered after it; Cancel then changes nothing", async () => {
    await openAlerts(seller);
    await seller.click("Minimum amount", /Type the minimum amount/);
    await h.restart();
    await seller.send("75", /Minimum amount: \S*75/);
    expect((await settingsOf(seller)).minAmount).toBe(75);
    await seller.click("Minimum amount", /Type the minimum amount/);
    await seller.click("Cancel", /Cancelled\. Nothing was changed\./);
    expect((await settingsOf(seller)).minAmount).toBe(75);
  });
});
