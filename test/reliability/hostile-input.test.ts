import type { Update } from "grammy/types";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { StoredMessage } from "../../src/sandbox/telegram/index.js";
import {
  buttonsOf,
  type Expectation,
  type Harness,
  hasButton,
  type OperatorDriver,
  startHarness,
} from "../support/harness.js";

/** A clock far from the digest's hour, so the scheduler never sends on its own during these tests. */
const NOW = new Date("2026-03-11T10:15:00Z");
/** Telegram clients cannot send this much (4096 at most): such an update can only be built by hand. */
const HUGE = "A".repeat(10_000);
const TYPED_MARKUP = "<b>bold</b> </a> &amp; { $x }";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    now: () => NOW,
    env: { DIGEST_DEFAULT_TIME: "23:00", DIGEST_CATCH_UP_HOURS: "0" },
  });
});
afterAll(() => h?.stop());

let callsFrom = 0;
let requestsFrom = 0;
beforeEach(() => {
  callsFrom = h.telegram.calls.length;
  requestsFrom = h.premiumpay.requests.length;
});

/** What Telegram would have refused: malformed HTML, texts over 4096 characters, callback data over 64 bytes. */
function rejectedByTelegram() {
  return h.telegram.calls
    .slice(callsFrom)
    .filter(
      (call) =>
        !call.ok &&
        call.errorCode === 400 &&
        (call.method === "sendMessage" || call.method === "editMessageText"),
    )
    .map((call) => `${call.method}: ${call.description}`);
}

const premiumpayCalls = (endpoint: string) =>
  h.premiumpay.requests.slice(requestsFrom).filter((request) => request.endpoint === endpoint);

let rawMessageId = 7_000_000;
/** A text update built by hand, for inputs a Telegram client cannot send. */
function sendRaw(op: OperatorDriver, text: string, expect: Expectation): Promise<StoredMessage> {
  const reply = op.nextBotMessage(expect);
  h.telegram.enqueueRaw({
    message: {
      message_id: rawMessageId++,
      date: Math.floor(Date.now() / 1000),
      chat: { id: op.chatId, type: "private", first_name: op.user.first_name },
      from: { id: op.user.id, is_bot: false, first_name: op.user.first_name, language_code: "en" },
      text,
    },
  } as Partial<Update>);
  return reply;
}

async function loggedIn(account?: { clientId: string; token: string }): Promise<OperatorDriver> {
  const op = h.operator(account ? { account } : {});
  await op.login();
  return op;
}

describe("10,000-character messages get a clear answer at every text step", () => {
  it("login: client id and token", async () => {
    const op = h.operator();
    await op.send("/start", /client id/);
    await sendRaw(op, HUGE, /A client id has 1 to 50 characters/);
    await op.send(op.account.clientId, /API token/);
    await sendRaw(op, HUGE, /does not look like a premiumpay token/);
    expect(premiumpayCalls("status")).toEqual([]);
    expect((await h.app.deps.store.getOperator(op.user.id))?.hasCredentials).not.toBe(true);
    await op.send(op.account.token, hasButton("m:channels"));
    expect(rejectedByTelegram()).toEqual([]);
  });

  it("public link: name and duration", async () => {
    const op = await loggedIn();
    await op.send("/link", hasButton(/^cp:c:/));
    await op.click("Fitness Premium", /Send a name/);
    await sendRaw(op, HUGE, /has 10,000 characters; Telegram allows 32 at most/);
    await op.send("Long input survivor", /How long/);
    const refused = await sendRaw(op, HUGE, /How long/);
    expect(refused.text.length).toBeLessThan(1000);
    await op.send("/cancel", /Cancelled/);
    expect(premiumpayCalls("createPublicLink")).toEqual([]);
    expect(rejectedByTelegram()).toEqual([]);
  });

  it("welcome message: message, button text and button URL", async () => {
    const op = await loggedIn();
    await op.send("/welcome", hasButton(/^cp:c:/));
    await op.click("Crypto Academy", /Send the message new members will receive/);
    await sendRaw(op, HUGE, /That message has 10,000 characters; Telegram allows at most 4,096/);
    await op.send("Welcome!", /invitation links of/);
    await op.click("No invitation link", /Add a button under the message/);
    await sendRaw(op, HUGE, /at most 64 characters; yours has 10,000/);
    await op.send("Open", /Now send the link the button/);
    await sendRaw(op, `https://example.com/${HUGE}`, /That link is too long/);
    await op.send("/cancel", /Cancelled/);
    expect(premiumpayCalls("setWelcomeMessage")).toEqual([]);
    expect(rejectedByTelegram()).toEqual([]);
  });

  it("channel picker filter, time zone and digest time", async () => {
    const bulk = h.premiumpay.clients[1]!;
    const op = await loggedIn(bulk);
    await op.send("/sales", /Pick a channel/);
    await sendRaw(op, HUGE, /No channel matches/);
    await op.send("/timezone", /Your time zone is/);
    await sendRaw(op, HUGE, /is not a time zone I know/);
    await op.send("/digest", /Daily sales digest/);
    await op.click("Change time", /At what local time/);
    await sendRaw(op, HUGE, /is not a time/);
    await op.send("/cancel", /Cancelled/);
    expect((await h.app.deps.store.getOperator(op.user.id))?.timezone).toBe("UTC");
    expect(rejectedByTelegram()).toEqual([]);
  });
});

describe("names from premiumpay are shown as written, never as markup", () => {
  it("HTML, entities, Fluent placeables, emoji and right-to-left names in the picker, sales and link flows", async () => {
    const hostile = h.premiumpay.clients[2]!;
    const data = h.premiumpay.data(hostile.clientId);
    const op = await loggedIn(hostile);

    const picker = await op.send("/sales", /Pick a channel/);
    const labels = buttonsOf(picker).map((button) => button.text);
    for (const channel of data.channels) expect(labels).toContain(channel.name);

    const bold = data.channels.find((channel) => channel.name.startsWith("<b>"))!;
    const linkStep = await op.click(bold.name, /all links, or of one link/);
    expect(linkStep.text).toContain(bold.name);
    expect(buttonsOf(linkStep).map((button) => button.text)).toEqual(
      expect.arrayContaining(bold.links.map((link) => link.name)),
    );
    const figures = await op.click("All links", /Sales:/);
    expect(figures.text).toContain(bold.name);
    expect(figures.html).not.toContain("<b>bold</b> VIP");

    for (const channel of data.channels.filter((candidate) =>
      /[{&<\u0600-\u06ff\u0590-\u05ff]/u.test(candidate.name),
    )) {
      await op.send("/results", /Pick a channel/);
      const period = await op.click(channel.name, /Which period\?/);
      expect(period.text).toContain(channel.name);
      const results = await op.click("Yesterday", /results\n/);
      expect(results.text).toContain(channel.name);
    }
    expect(rejectedByTelegram()).toEqual([]);
  });

  it("hostile link names in the welcome flow's link step and summary", async () => {
    const hostile = h.premiumpay.clients[2]!;
    const data = h.premiumpay.data(hostile.clientId);
    const op = await loggedIn(hostile);
    const channel = data.channels.find((candidate) =>
      candidate.links.some((link) => link.name.includes("</a>")),
    )!;
    const link = channel.links.find((candidate) => candidate.name.includes("</a>"))!;
    await op.send("/welcome", hasButton(/^cp:c:/));
    await op.click(channel.name, /Send the message new members will receive/);
    await op.send("Hi", /invitation links of/);
    await op.click(link.name, /Add a button under the message/);
    const summary = await op.click("No button", /That is exactly what new members/);
    expect(summary.text).toContain(`Invitation link: ${link.name}`);
    await op.send("/cancel", /Cancelled/);
    expect(rejectedByTelegram()).toEqual([]);
  });
});

describe("text typed by the operator", () => {
  it("markup, Fluent-like syntax, emoji and right-to-left text in a link name are kept and shown literally", async () => {
    const op = await loggedIn();
    const name = "🔥 عرض { $x } <b>&amp;";
    await op.send("/link", hasButton(/^cp:c:/));
    await op.click("Idiomas Express", /Send a name/);
    const duration = await op.send(name, /How long/);
    expect(duration.text).toContain("Idiomas Express");
    await op.click(/^7 days$/, /approve each join request/);
    const summary = await op.click(/^No$/, /Check the new link/);
    expect(summary.text).toContain(name);
    await op.click("Create the link", /Link created/);
    expect(
      premiumpayCalls("createPublicLink").map((request) => (request.body as { name: string }).name),
    ).toEqual([name]);
    expect(rejectedByTelegram()).toEqual([]);
  });

  it("markup in a welcome message is previewed literally and sent to premiumpay as typed", async () => {
    const op = await loggedIn();
    const message = `${TYPED_MARKUP}\nمرحبا 👋 שלום`;
    await op.send("/welcome", hasButton(/^cp:c:/));
    await op.click("Crypto Academy", /Send the message new members will receive/);
    await op.send(message, /invitation links of/);
    await op.click("No invitation link", /Add a button under the message/);
    await op.send("<i>Join</i> { $x }", /Now send the link the button/);
    const summary = await op.send("https://example.com/join?a=1&b=<2>", /That is exactly what new members/);
    expect(summary.text).toContain("“<i>Join</i> { $x }”");
    const preview = op.botMessages().find((candidate) => candidate.text === message);
    expect(preview).toBeDefined();
    expect(buttonsOf(preview).map((button) => button.text)).toEqual(["<i>Join</i> { $x }"]);
    await op.click("Confirm", /is saved/);
    expect(premiumpayCalls("setWelcomeMessage").map((request) => request.body)).toEqual([
      expect.objectContaining({ message, button: "<i>Join</i> { $x }" }),
    ]);
    expect(rejectedByTelegram()).toEqual([]);
  });

  it("NUL bytes are refused with an explanation and never sent", async () => {
    const op = await loggedIn();
    await op.send("/link", hasButton(/^cp:c:/));
    await op.click("Fitness Premium", /Send a name/);
    await op.send("nul\u0000name", /single line without control characters/);
    await op.send("/welcome", hasButton(/^cp:c:/));
    await op.click("Crypto Academy", /Send the message new members will receive/);
    await op.send("Hello\u0000there", /invisible control characters/);
    await op.send("/start", hasButton("m:channels"));
    const fresh = h.operator();
    requestsFrom = h.premiumpay.requests.length;
    await fresh.send("/start", /client id/);
    await fresh.send("client\u0000id", /A client id has 1 to 50 characters/);
    expect(premiumpayCalls("createPublicLink")).toEqual([]);
    expect(premiumpayCalls("setWelcomeMessage")).toEqual([]);
    expect(premiumpayCalls("status")).toEqual([]);
    expect(rejectedByTelegram()).toEqual([]);
  });

  it("a JWT pasted with spaces and line breaks is cleaned before premiumpay sees it", async () => {
    const op = h.operator();
    const [header, payload, signature] = op.account.token.split(".");
    const mangled = `  ${header}.\n${payload!.slice(0, 10)} ${payload!.slice(10)}\r\n.${signature}\n`;
    await op.send("/start", /client id/);
    await op.send(op.account.clientId, /API token/);
    await op.send(mangled, hasButton("m:channels"));
    const status = premiumpayCalls("status");
    expect(status).toHaveLength(1);
    expect(status[0]!.tokenMatched).toBe(true);
    // The message holding the token is deleted from the chat.
    const typed = h.telegram.chat(op.chatId).messages.find((message) => message.text === mangled);
    expect(typed?.deleted).toBe(true);
    expect(rejectedByTelegram()).toEqual([]);
  });

  it("button URLs with javascript:, http: or no host are refused; https is accepted", async () => {
    const op = await loggedIn();
    await op.send("/welcome", hasButton(/^cp:c:/));
    await op.click("Crypto Academy", /Send the message new members will receive/);
    await op.send("Hi", /invitation links of/);
    await op.click("No invitation link", /Add a button under the message/);
    await op.send("Open", /Now send the link the button/);
    await op.send("javascript:alert(document.cookie)", /“javascript:” links are not allowed/);
    await op.send("JaVaScRiPt:alert(1)", /“javascript:” links are not allowed/);
    await op.send("http://example.com/offer", /Plain http:\/\/ links are not allowed/);
    await op.send("https://user:pass@example.com/", /is not a link I can use/);
    await op.send("https://localhost/", /is not a link I can use/);
    const summary = await op.send("https://example.com/offer", /That is exactly what new members/);
    expect(summary.text).toContain("→ https://example.com/offer");
    await op.click("Confirm", /is saved/);
    expect(premiumpayCalls("setWelcomeMessage").map((request) => request.body)).toEqual([
      expect.objectContaining({ button_callback: "https://example.com/offer" }),
    ]);
    expect(rejectedByTelegram()).toEqual([]);
  });
});
