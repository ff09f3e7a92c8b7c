import type { Update } from "grammy/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StoredMessage } from "../../src/sandbox/telegram/index.js";
import {
  buttonsOf,
  type Expectation,
  type Harness,
  hasButton,
  type OperatorDriver,
  stampedLike,
  startHarness,
} from "../support/harness.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.stop());

const ASK_MESSAGE = /Send the message new members will receive/;
const ASK_LINK = /invitation links of/;
const ASK_BUTTON_TEXT = /Add a button under the message/;
const ASK_BUTTON_URL = /Now send the link the button/;
const SUMMARY = /That is exactly what new members/;
const SAVED = /welcome message for .* is saved/;

/** Each test has its own premiumpay client, so its request log and stored welcome messages are its own. */
async function loggedIn(languageCode = "en"): Promise<OperatorDriver> {
  const account = h.premiumpay.addClient({ channels: 3 });
  const op = h.operator({ account, languageCode });
  await op.login();
  return op;
}

function welcomeRequests(op: OperatorDriver) {
  return h.premiumpay.requests.filter(
    (request) => request.endpoint === "setWelcomeMessage" && request.clientId === op.account.clientId,
  );
}

function storedWelcome(op: OperatorDriver, channelId: number) {
  return h.premiumpay.data(op.account.clientId).welcomeMessages.get(channelId);
}

/** "Channel 2" of a client made by addClient: it has 2 to 4 invitation links. */
function channelWithLinks(op: OperatorDriver) {
  const channel = h.premiumpay.data(op.account.clientId).channels[1]!;
  expect(channel.links.length).toBeGreaterThanOrEqual(2);
  return channel;
}

/** /welcome, then the channel: resolves with the message-step prompt. */
async function openWelcome(op: OperatorDriver, channelName = "Channel 2"): Promise<StoredMessage> {
  await op.send("/welcome", hasButton(/^cp:c:/));
  return op.click(channelName, ASK_MESSAGE);
}

let rawMessageId = 5_000_000;
/** A text update built by hand: Telegram clients cannot send some inputs (empty, over 4096) that the bot must refuse. */
function sendRaw(op: OperatorDriver, text: string, expect: Expectation): Promise<StoredMessage> {
  const reply = op.nextBotMessage(expect);
  const user = { id: op.user.id, is_bot: false, first_name: op.user.first_name, language_code: "en" };
  h.telegram.enqueueRaw({
    message: {
      message_id: rawMessageId++,
      date: Math.floor(Date.now() / 1000),
      chat: { id: op.chatId, type: "private", first_name: op.user.first_name },
      from: user,
      text,
    },
  } as Partial<Update>);
  return reply;
}

/**
 * Resolves once the bot has finished every update of this chat sent so far, state writes included: a chat's
 * updates are handled one at a time, so the answer to this probe click (a stale button) comes after them.
 */
async function settled(op: OperatorDriver): Promise<void> {
  const probe = h.telegram.clickButton(op.user, op.lastMessage()!.messageId, "probe", { force: true });
  const id = probe.callback_query!.id;
  await h.telegram.waitFor(() => h.telegram.callbackQueries.get(id)?.answer);
}

/** The bot message sent just before this one (the preview sits right above the summary). */
function messageBefore(op: OperatorDriver, message: StoredMessage): StoredMessage | undefined {
  const bot = op.botMessages();
  return bot[bot.findIndex((candidate) => candidate.messageId === message.messageId) - 1];
}

describe("welcome message flow", () => {
  it("sends message, invitation link and button exactly once and confirms", async () => {
    const op = await loggedIn();
    const channel = channelWithLinks(op);
    const link = channel.links[0]!;
    await openWelcome(op);
    const linkStep = await op.send("Welcome aboard!\nRead the pinned rules 🎉", ASK_LINK);
    expect(buttonsOf(linkStep).map((button) => button.text)).toEqual(
      expect.arrayContaining(channel.links.map((candidate) => candidate.name)),
    );
    await op.click(link.name, ASK_BUTTON_TEXT);
    await op.send("Join the VIP group", ASK_BUTTON_URL);
    const summary = await op.send("https://example.com/vip?ref=welcome", hasButton("wm1:confirm"));
    expect(summary.text).toContain(`Invitation link: ${link.name}`);
    expect(summary.text).toContain("Button: “Join the VIP group” → https://example.com/vip?ref=welcome");
    expect(welcomeRequests(op)).toHaveLength(0);

    await op.click("Confirm", SAVED);
    expect(welcomeRequests(op)).toHaveLength(1);
    expect(welcomeRequests(op)[0]?.body).toEqual({
      channel_id: channel.id,
      message: "Welcome aboard!\nRead the pinned rules 🎉",
      invite_link: link.link,
      button: "Join the VIP group",
      button_callback: "https://example.com/vip?ref=welcome",
    });
    expect(storedWelcome(op, channel.id)).toEqual({
      message: "Welcome aboard!\nRead the pinned rules 🎉",
      invite_link: link.link,
      button: "Join the VIP group",
      button_callback: "https://example.com/vip?ref=welcome",
    });
    expect(op.lastMessage()?.text).toMatch(SAVED);
    expect(h.telegram.unansweredCallbacks()).toEqual([]);
  });

  it("sends only the message when the link and the button are skipped", async () => {
    const op = await loggedIn();
    const channel = channelWithLinks(op);
    await openWelcome(op);
    const typed = "Hi   there\n\n\t— the team";
    await op.send(typed, ASK_LINK);
    await op.click("No invitation link", ASK_BUTTON_TEXT);
    const summary = await op.click("No button", SUMMARY);
    expect(summary.text).toContain("Invitation link: none");
    expect(summary.text).toContain("Button: none");
    const preview = messageBefore(op, summary);
    expect(preview?.text).toBe(typed);
    expect(preview?.replyMarkup).toBeUndefined();
    await op.click("Confirm", SAVED);
    expect(welcomeRequests(op)).toHaveLength(1);
    // Exactly as typed: inner spaces, blank lines and tabs included.
    expect(storedWelcome(op, channel.id)).toEqual({ message: typed });
  });

  it("edits the step message in place after a click and moves below the operator's typed text", async () => {
    const op = await loggedIn();
    const prompt = await openWelcome(op);
    const picker = op.botMessages().find((message) => message.messageId === prompt.messageId);
    expect(picker?.editCount).toBeGreaterThan(0);
    const linkStep = await op.send("Hello", ASK_LINK);
    expect(linkStep.messageId).toBeGreaterThan(prompt.messageId);
    const buttonStep = await op.click("No invitation link", ASK_BUTTON_TEXT);
    expect(buttonStep.messageId).toBe(linkStep.messageId);
  });

  it("shows the preview exactly as typed, HTML-looking text escaped, with the URL button", async () => {
    const op = await loggedIn();
    const channel = channelWithLinks(op);
    const typed = "<b>hi</b> & {$x} </a> &amp; { $y }";
    await openWelcome(op);
    await op.send(typed, ASK_LINK);
    await op.click("No invitation link", ASK_BUTTON_TEXT);
    await op.send("Open <i>", ASK_BUTTON_URL);
    const summary = await op.send("t.me/premium_channel", SUMMARY);
    const preview = messageBefore(op, summary);
    expect(preview?.text).toBe(typed);
    expect(preview?.entities).toEqual([]);
    expect(preview?.replyMarkup?.inline_keyboard).toEqual([
      [{ text: "Open <i>", url: "https://t.me/premium_channel" }],
    ]);
    await op.click("Confirm", SAVED);
    expect(storedWelcome(op, channel.id)).toEqual({
      message: typed,
      button: "Open <i>",
      button_callback: "https://t.me/premium_channel",
    });
  });

  describe("refuses invalid input, explains it, asks again and sends nothing", () => {
    it("message: empty, blank, 4097 characters, NUL and other control characters", async () => {
      const op = await loggedIn();
      await openWelcome(op);
      expect((await sendRaw(op, "", /cannot be empty/)).text).toMatch(ASK_MESSAGE);
      await sendRaw(op, " \n\t ", /cannot be empty/);
      const tooLong = await sendRaw(
        op,
        "x".repeat(4097),
        /has 4,097 characters; Telegram allows at most 4,096/,
      );
      expect(tooLong.text).toMatch(ASK_MESSAGE);
      await op.send("Hello\u0000world", /control characters/);
      await op.send("Bell\u0007", /control characters/);
      // The limit itself is accepted.
      await op.send("y".repeat(4096), ASK_LINK);
      expect(welcomeRequests(op)).toHaveLength(0);
    });

    it("button text: empty after trimming, line breaks, 65 characters; 64 are accepted", async () => {
      const op = await loggedIn();
      await openWelcome(op);
      await op.send("Hello", ASK_LINK);
      await op.click("No invitation link", ASK_BUTTON_TEXT);
      await sendRaw(op, "   ", /single line of 1 to 64 characters/);
      await op.send("two\nlines", /single line of 1 to 64 characters/);
      const tooLong = await op.send("b".repeat(65), /at most 64 characters; yours has 65/);
      expect(hasButton("wm1:skip-button")(tooLong)).toBe(true);
      await op.send("b".repeat(64), ASK_BUTTON_URL);
      expect(welcomeRequests(op)).toHaveLength(0);
    });

    it("button URL: http, javascript, ftp, not a link, credentials; only https and t.me pass", async () => {
      const op = await loggedIn();
      const channel = channelWithLinks(op);
      await openWelcome(op);
      await op.send("Hello", ASK_LINK);
      await op.click("No invitation link", ASK_BUTTON_TEXT);
      await op.send("Open", ASK_BUTTON_URL);
      const http = await op.send("http://example.com", /Plain http:\/\/ links are not allowed/);
      expect(http.text).toMatch(ASK_BUTTON_URL);
      await op.send("javascript:alert(1)", /“javascript:” links are not allowed/);
      await op.send("ftp://files.example.com/a", /“ftp:” links are not allowed/);
      await op.send("example.com", /“example.com” is not a link I can use/);
      await op.send("https://user:secret@example.com", /is not a link I can use/);
      await op.send("https://exa mple.com", /is not a link I can use/);
      expect(welcomeRequests(op)).toHaveLength(0);
      await op.send("https://example.com", SUMMARY);
      await op.click("Confirm", SAVED);
      expect(storedWelcome(op, channel.id)?.button_callback).toBe("https://example.com/");
    });

    it("refuses a forged invitation link button and a button of an earlier step", async () => {
      const op = await loggedIn();
      await openWelcome(op);
      const linkStep = await op.send("Hello", ASK_LINK);
      const forged = h.telegram.clickButton(op.user, linkStep.messageId, "wl1:99", { force: true });
      await h.telegram.waitFor(() => h.telegram.callbackQueries.get(forged.callback_query!.id)?.answer);
      expect(h.telegram.callbackQueries.get(forged.callback_query!.id)?.answer?.text).toMatch(/expired/);
      const stale = h.telegram.clickButton(op.user, linkStep.messageId, "wm1:confirm", { force: true });
      await h.telegram.waitFor(() => h.telegram.callbackQueries.get(stale.callback_query!.id)?.answer);
      // Still at the link step: it works normally.
      await op.click("No invitation link", ASK_BUTTON_TEXT);
      expect(welcomeRequests(op)).toHaveLength(0);
    });
  });

  describe("cancel at each step sends nothing", () => {
    // Each step is one action further into the flow; reaching a step runs every action up to it.
    const steps: { name: string; advance: (op: OperatorDriver) => Promise<unknown> }[] = [
      { name: "channel picker", advance: (op) => op.send("/welcome", hasButton(/^cp:c:/)) },
      { name: "message", advance: (op) => op.click("Channel 2", ASK_MESSAGE) },
      { name: "invitation link", advance: (op) => op.send("Hello", ASK_LINK) },
      { name: "button text", advance: (op) => op.click("No invitation link", ASK_BUTTON_TEXT) },
      { name: "button URL", advance: (op) => op.send("Open", ASK_BUTTON_URL) },
      { name: "summary", advance: (op) => op.send("https://example.com", SUMMARY) },
      { name: "edit menu", advance: (op) => op.click("Edit", /What would you like to change/) },
    ];
    steps.forEach((step, index) => {
      it(`at the ${step.name} step`, async () => {
        const op = await loggedIn();
        for (const earlier of steps.slice(0, index + 1)) await earlier.advance(op);
        await op.click("Cancel", /Cancelled/);
        // The flow is over: typing now reaches no step of it.
        await op.send("https://example.com", /did not understand/);
        expect(welcomeRequests(op)).toHaveLength(0);
        expect(h.premiumpay.data(op.account.clientId).welcomeMessages.size).toBe(0);
      });
    });

    it("with /cancel while typing the message", async () => {
      const op = await loggedIn();
      await openWelcome(op);
      await op.send("/cancel", /Cancelled/);
      expect(welcomeRequests(op)).toHaveLength(0);
    });
  });

  it("Edit changes the message, the link and the button, then sends the edited version once", async () => {
    const op = await loggedIn();
    const channel = channelWithLinks(op);
    const [first, second] = channel.links;
    await openWelcome(op);
    await op.send("First draft", ASK_LINK);
    await op.click(first!.name, ASK_BUTTON_TEXT);
    await op.send("Old button", ASK_BUTTON_URL);
    const firstSummary = await op.send("https://example.com/old", SUMMARY);
    const firstPreview = messageBefore(op, firstSummary)!;

    await op.click("Edit", /What would you like to change/);
    expect(op.botMessages().some((message) => message.messageId === firstPreview.messageId)).toBe(false);
    await op.click("Message", ASK_MESSAGE);
    const secondSummary = await op.send("Final text", SUMMARY);
    expect(messageBefore(op, secondSummary)?.text).toBe("Final text");

    await op.click("Edit", /What would you like to change/);
    await op.click("Invitation link", ASK_LINK);
    await op.click(second!.name, SUMMARY);

    await op.click("Edit", /What would you like to change/);
    await op.click("Button", ASK_BUTTON_TEXT);
    const summary = await op.click("No button", SUMMARY);
    expect(summary.text).toContain(`Invitation link: ${second!.name}`);
    expect(summary.text).toContain("Button: none");
    expect(welcomeRequests(op)).toHaveLength(0);

    await op.click("Confirm", SAVED);
    expect(welcomeRequests(op)).toHaveLength(1);
    expect(storedWelcome(op, channel.id)).toEqual({ message: "Final text", invite_link: second!.link });
  });

  describe("premiumpay failures at the send", () => {
    it("503: explains, offers retry, and the retry sends it once more", async () => {
      const op = await loggedIn();
      const channel = channelWithLinks(op);
      await openWelcome(op);
      await op.send("Hello", ASK_LINK);
      await op.click("No invitation link", ASK_BUTTON_TEXT);
      await op.click("No button", SUMMARY);
      h.premiumpay.faults.set("setWelcomeMessage", { status: 503 }, { times: 1 });
      const failed = await op.click("Confirm", /cannot be reached/);
      expect(failed.text).toContain("may or may not be saved");
      expect(hasButton("rt:welcome")(failed)).toBe(true);
      // A creating call is never retried behind the operator's back.
      expect(welcomeRequests(op)).toHaveLength(1);
      expect(storedWelcome(op, channel.id)).toBeUndefined();

      await op.click("Try again", SAVED);
      expect(welcomeRequests(op)).toHaveLength(2);
      expect(storedWelcome(op, channel.id)).toEqual({ message: "Hello" });
    });

    it("401: asks to log in again, offers no retry, saves nothing", async () => {
      const op = await loggedIn();
      const channel = channelWithLinks(op);
      await openWelcome(op);
      await op.send("Hello", ASK_LINK);
      await op.click("No invitation link", ASK_BUTTON_TEXT);
      await op.click("No button", SUMMARY);
      h.premiumpay.faults.set("setWelcomeMessage", { status: 401 }, { times: 1 });
      const failed = await op.click("Confirm", /no longer accepts your credentials/);
      expect(hasButton("rt:welcome")(failed)).toBe(false);
      expect(welcomeRequests(op)).toHaveLength(1);
      expect(storedWelcome(op, channel.id)).toBeUndefined();
    });

    it("a ko answer shows premiumpay's reason, escaped", async () => {
      const op = await loggedIn();
      await openWelcome(op);
      await op.send("Hello", ASK_LINK);
      await op.click("No invitation link", ASK_BUTTON_TEXT);
      await op.click("No button", SUMMARY);
      h.premiumpay.faults.set("setWelcomeMessage", { ko: "Channel <b>locked</b>" }, { times: 1 });
      const failed = await op.click("Confirm", /refused the request/);
      expect(failed.text).toContain("Channel <b>locked</b>");
      expect(hasButton("rt:welcome")(failed)).toBe(true);
    });
  });

  it("carries on in a new message when the flow's message was deleted before an edit", async () => {
    const op = await loggedIn();
    const channel = channelWithLinks(op);
    await openWelcome(op);
    await op.send("Hello", ASK_LINK);
    await op.click("No invitation link", ASK_BUTTON_TEXT);
    const summary = await op.click("No button", SUMMARY);
    h.telegram.faults.failNext("editMessageText", {
      errorCode: 400,
      description: "Bad Request: message to edit not found",
    });
    const saved = await op.click("Confirm", SAVED);
    expect(saved.messageId).toBeGreaterThan(summary.messageId);
    expect(welcomeRequests(op)).toHaveLength(1);
    expect(storedWelcome(op, channel.id)).toEqual({ message: "Hello" });
  });

  it("a duplicate delivery of the confirm update after a crash sends nothing more", async () => {
    const op = await loggedIn();
    const channel = channelWithLinks(op);
    await openWelcome(op);
    await op.send("Only once", ASK_LINK);
    await op.click("No invitation link", ASK_BUTTON_TEXT);
    const summary = await op.click("No button", SUMMARY);
    await settled(op);
    const storage = h.app.deps.store.conversationStorage;
    const key = String(op.chatId);
    // The flow's state as it was on disk before the confirm: a bot killed mid-update comes back to exactly this.
    const beforeConfirm = await storage.read(key);
    expect(beforeConfirm).toBeDefined();

    const saved = op.nextBotMessage(SAVED);
    const confirm = h.telegram.clickButton(op.user, summary.messageId, stampedLike(summary, "wm1:confirm"));
    await saved;
    await settled(op);
    expect(welcomeRequests(op)).toHaveLength(1);
    expect(await storage.read(key)).toBeUndefined();

    await storage.write(key, beforeConfirm!);
    const savedAgain = op.nextBotMessage(SAVED);
    h.telegram.enqueueRaw(confirm);
    await savedAgain;
    expect(welcomeRequests(op)).toHaveLength(1);
    expect(storedWelcome(op, channel.id)).toEqual({ message: "Only once" });
  });

  it("resumes after a restart in the middle of the flow", async () => {
    const op = await loggedIn();
    const channel = channelWithLinks(op);
    const link = channel.links[1]!;
    await openWelcome(op);
    await op.send("Typed before the restart", ASK_LINK);
    await op.click(link.name, ASK_BUTTON_TEXT);
    await settled(op);
    await h.restart();
    await op.send("After", ASK_BUTTON_URL);
    await op.send("https://example.com/after", SUMMARY);
    await op.click("Confirm", SAVED);
    expect(welcomeRequests(op)).toHaveLength(1);
    expect(storedWelcome(op, channel.id)).toEqual({
      message: "Typed before the restart",
      invite_link: link.link,
      button: "After",
      button_callback: "https://example.com/after",
    });
  });

  it("starts from the main menu button and speaks Spanish", async () => {
    const op = await loggedIn("es");
    await op.click("Mensaje de bienvenida", hasButton(/^cp:c:/));
    await op.click("Channel 2", /Envía el mensaje que recibirán los nuevos miembros/);
    await op.send("Hola", /Vincula este mensaje de bienvenida/);
    await op.click("Sin enlace de invitación", /Añadir un botón/);
    await op.send("Abrir", /Ahora envía el enlace/);
    await op.send("http://example.com", /Los enlaces http:\/\/ no están permitidos/);
  });

  it("shows hostile channel names literally", async () => {
    const hostile = h.premiumpay.clients.find((client) => client.clientId.startsWith("edge-"))!;
    const op = h.operator({ account: hostile });
    await op.login();
    const channel = h.premiumpay
      .data(hostile.clientId)
      .channels.find((candidate) => /[<&]/.test(candidate.name))!;
    await op.send("/welcome", hasButton(/^cp:c:/));
    const pick = op.lastMessage()!;
    const data = stampedLike(pick, `cp:c:${channel.id}`);
    const prompt = await op.clickData(pick.messageId, data, ASK_MESSAGE, { force: true });
    expect(prompt.text).toContain(`Welcome message for ${channel.name}`);
  });
});
