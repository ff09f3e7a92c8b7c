import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { StoredMessage } from "../../src/sandbox/telegram/index.js";
import {
  buttonsOf,
  callbackDataOf,
  type Harness,
  hasButton,
  type OperatorDriver,
  startHarness,
} from "../support/harness.js";

// Buttons belong to one screen of one flow run: whatever else is pressed is answered as expired and steers nothing.

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.stop());

const EXPIRED = "This button has expired. Send /start for a fresh menu.";

async function operator(): Promise<OperatorDriver> {
  const op = h.operator();
  await op.login();
  return op;
}

/** The message as the emulator holds it now (edits and removed keyboards included). */
function current(op: OperatorDriver, message: StoredMessage): StoredMessage {
  return h.telegram.chat(op.chatId).messages.find((candidate) => candidate.messageId === message.messageId)!;
}

/** Presses a button's raw data on a message (an old client keeps showing buttons the bot took off). */
function press(op: OperatorDriver, message: StoredMessage, label: RegExp) {
  const button = buttonsOf(message).find((candidate) => label.test(candidate.text));
  if (!button || !("callback_data" in button)) throw new Error(`no button ${String(label)}`);
  return answerText(op, message, button.callback_data);
}

/** The bot's notice for a click of `data` on `message`. */
async function answerText(
  op: OperatorDriver,
  message: StoredMessage,
  data: string,
): Promise<string | undefined> {
  return (await op.answerTo(message.messageId, data)).answer?.text;
}

const sentOrEdited = (op: OperatorDriver) =>
  h.telegram.calls.filter(
    (call) =>
      ["sendMessage", "editMessageText"].includes(call.method) &&
      String(call.params.chat_id) === String(op.chatId),
  ).length;

describe("stale buttons", () => {
  it("a channel button of another flow's picker is expired and does not advance the flow in progress", async () => {
    const op = await operator();
    const linkPicker = await op.send("/link", hasButton(/^cp:c:/));
    const welcomePicker = await op.send("/welcome", hasButton(/^cp:c:/));
    // The interrupted link flow was closed with a note, and its picker lost its buttons.
    expect(op.botMessages().some((message) => message.text.includes("closed the unfinished action"))).toBe(
      true,
    );
    expect(buttonsOf(current(op, linkPicker))).toEqual([]);

    const before = sentOrEdited(op);
    expect(await press(op, linkPicker, /Fitness Premium/)).toBe(EXPIRED);
    expect(sentOrEdited(op)).toBe(before);
    expect(current(op, welcomePicker).text).toContain("Pick a channel");

    // The welcome flow is still where it was: its own button works.
    const prompt = await op.click("Fitness Premium", /Welcome message for/);
    expect(prompt.text).not.toContain("New public link");
  });

  it("an earlier run's Cancel is expired, cancels nothing, and loses its keyboard", async () => {
    const op = await operator();
    const firstRun = await op.send("/sales", hasButton(/^cp:c:/));
    await op.click("Cancel", /Cancelled/);
    expect(buttonsOf(current(op, firstRun))).toEqual([]);

    const secondRun = await op.send("/link", hasButton(/^cp:c:/));
    expect(await press(op, firstRun, /Cancel/)).toBe(EXPIRED);
    expect(op.botMessages().filter((message) => message.text.includes("Cancelled"))).toHaveLength(1);
    expect(callbackDataOf(current(op, secondRun))).toContain("x");
    await op.click("Fitness Premium", /Send a name/);
  });

  it("a button of a step already left is expired and the flow stays at its step", async () => {
    const op = await operator();
    await op.send("/link", hasButton(/^cp:c:/));
    await op.click("Fitness Premium", /Send a name/);
    // Typing moves the flow below the operator's text; the name step's message goes.
    const durationStep = await op.send("Bio", /How long/);
    const approvalStep = await op.click(/^7 days$/, /approve each/);
    expect(approvalStep.messageId).toBe(durationStep.messageId);

    // The duration buttons as they were before the step moved on (a client showing an outdated keyboard).
    expect(await press(op, durationStep, /^30 days$/)).toBe("That button is not part of this step.");
    expect(current(op, durationStep).text).toContain("approve each");
    const summary = await op.click(/^No$/, /Check the new link/);
    expect(summary.text).toContain("7 days");
  });

  it("a main-menu button mid-flow starts the new flow, closing the old one with a note and no live buttons", async () => {
    const op = await operator();
    const menu = op.botMessages().find(hasButton("m:sales"))!;
    const picker = await op.send("/link", hasButton(/^cp:c:/));
    await op.click("Fitness Premium", /Send a name/);

    const salesPicker = await op.click("Today's sales", hasButton(/^cp:c:/));
    expect(salesPicker.messageId).toBeGreaterThan(picker.messageId);
    expect(op.botMessages().some((message) => message.text.includes("closed the unfinished action"))).toBe(
      true,
    );
    // The link flow's message keeps its text as a record, without buttons.
    expect(buttonsOf(current(op, picker))).toEqual([]);
    expect(current(op, menu).replyMarkup).toBeDefined();

    // Text now goes to the sales flow, not to the closed link flow.
    const hint = await op.send("Bio", /Pick a channel with the buttons/);
    expect(hint.text).not.toContain("How long");
    await op.click("Fitness Premium", /sales/i);
  });

  it("old-format buttons from the previous release are answered as expired", async () => {
    const op = await operator();
    const picker = await op.send("/link", hasButton(/^cp:c:/));
    for (const data of ["x", "cp:c:1002", "lkd1:24", "rt:channels"]) {
      expect(await answerText(op, picker, data), data).toBe(EXPIRED);
    }
    expect(current(op, picker).text).toContain("Pick a channel");
    await op.click("Cancel", /Cancelled/);
    // With no flow in progress, an old Cancel or channel button is expired too.
    expect(await answerText(op, picker, "cp:c:1002")).toBe(EXPIRED);
    expect(await answerText(op, picker, "x")).toBe("There is nothing to cancel.");
  });

  it("a flow that ends takes its buttons off its last screen", async () => {
    const op = await operator();
    const zone = await op.send("/timezone", /Your time zone is/);
    await op.click("Madrid", /Time zone set/);
    expect(buttonsOf(current(op, zone))).toEqual([]);
  });

  it("an old logout confirmation pressed after logging in again is expired and logs nothing out", async () => {
    const op = await operator();
    const firstQuestion = await op.send("/logout", hasButton("lo:yes"));
    const secondQuestion = await op.send("/logout", hasButton("lo:yes"));
    // The second /logout closed the first question's run: its buttons went.
    expect(buttonsOf(current(op, firstQuestion))).toEqual([]);
    await op.click("Yes, log me out", /logged out/);
    expect(buttonsOf(current(op, secondQuestion))).toEqual([]);
    await op.login();

    for (const question of [firstQuestion, secondQuestion]) {
      expect(await press(op, question, /Yes, log me out/)).toBe(EXPIRED);
    }
    expect((await h.app.deps.store.getOperator(op.user.id))?.hasCredentials).toBe(true);
    await op.send("/account", /Your premiumpay account/);
  });

  it("an old language button is expired and changes nothing", async () => {
    const op = await operator();
    const choice = await op.send("/language", hasButton(/^lang:/));
    await op.click(/English/, /Language set to English/);
    expect(buttonsOf(current(op, choice))).toEqual([]);
    expect(await press(op, choice, /Español/)).toBe(EXPIRED);
    expect((await h.app.deps.store.getOperator(op.user.id))?.locale).toBe("en");
  });

  it("a flow in progress stored by the previous release is closed with a note, not replayed", async () => {
    const op = await operator();
    const picker = await op.send("/link", hasButton(/^cp:c:/));
    const key = String(op.chatId);
    const stored = await vi.waitFor(async () => {
      const state = await h.app.deps.store.conversationStorage.read(key);
      if (!state) throw new Error("flow not stored yet");
      return state;
    });
    // The same flow as the previous release (state version 1) left it.
    await h.app.deps.store.conversationStorage.write(key, { ...stored, version: [stored.version[0], 1] });
    await h.restart();
    const hint = op.nextBotMessage(/did not understand/);
    const note = await op.send("Bio", /closed because the bot was updated/);
    expect(note.text).toContain("Nothing was changed");
    await hint;
    expect(await h.app.deps.store.conversationStorage.read(key)).toBeUndefined();
    // Closed by the release, not by a step of its own: its buttons went all the same.
    expect(buttonsOf(current(op, picker))).toEqual([]);
    expect(await press(op, picker, /Fitness Premium/)).toBe(EXPIRED);
  });
});
