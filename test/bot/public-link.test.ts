import type { Message, Update } from "grammy/types";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { linkActionId } from "../../src/bot/conversations/public-link.js";
import type { StoredMessage } from "../../src/sandbox/telegram/index.js";
import {
  buttonsOf,
  callbackDataOf,
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

/** Logs in and hands the operator back. (The harness runs no digest schedule, so no digest lands mid-flow.) */
async function logIn(op: OperatorDriver): Promise<OperatorDriver> {
  await op.login();
  return op;
}

/** A logged-in operator with a premiumpay account of their own ("Channel 1" … "Channel n"). */
function operator(options: { channels?: number; languageCode?: string } = {}): Promise<OperatorDriver> {
  const account = h.premiumpay.addClient({ channels: options.channels ?? 3 });
  return logIn(
    h.operator({ account, ...(options.languageCode ? { languageCode: options.languageCode } : {}) }),
  );
}

const createRequests = (op: OperatorDriver) =>
  h.premiumpay.requests.filter(
    (request) => request.endpoint === "createPublicLink" && request.clientId === op.account.clientId,
  );
const createdLinks = (op: OperatorDriver) => h.premiumpay.data(op.account.clientId).createdLinks;
const channelId = (op: OperatorDriver, name: string) =>
  h.premiumpay.data(op.account.clientId).channels.find((channel) => channel.name === name)!.id;
const settle = () => new Promise((resolve) => setTimeout(resolve, 150));

interface Choices {
  channel?: string;
  name?: string;
  duration?: RegExp;
  approval?: "Yes" | "No";
  auto?: "Yes" | "No";
}

/** /link up to the approval question; resolves with it. */
async function toApproval(op: OperatorDriver, choices: Choices = {}): Promise<StoredMessage> {
  await op.send("/link", hasButton(/^cp:c:/));
  await op.click(choices.channel ?? "Channel 2", /Send a name/);
  await op.send(choices.name ?? "Instagram bio", /How long/);
  return op.click(choices.duration ?? /^7 days$/, /approve each join request/);
}

/** /link through every step up to the summary; resolves with the summary. */
async function toSummary(op: OperatorDriver, choices: Choices = {}): Promise<StoredMessage> {
  await toApproval(op, choices);
  if ((choices.approval ?? "No") === "No") return op.click(/^No$/, /Check the new link/);
  await op.click(/^Yes$/, /approved automatically/);
  return op.click(choices.auto === "Yes" ? /^Yes$/ : /^No$/, /Check the new link/);
}

/** Taps a button with any data, as a modified client could; resolves with the bot's answer to the tap. */
async function forge(op: OperatorDriver, messageId: number, data: string) {
  const update = h.telegram.clickButton(op.user, messageId, data, { force: true });
  const id = update.callback_query!.id;
  return h.telegram.waitFor(() => h.telegram.callbackQueries.get(id)?.answer);
}

/** Collects the texts of every bot message sent or edited in the operator's chat until `stop()`. */
function recordBotTexts(op: OperatorDriver): { texts: string[]; stop: () => void } {
  const texts: string[] = [];
  const listener = (message: StoredMessage) => {
    if (message.chatId === op.chatId && message.from === "bot") texts.push(message.text);
  };
  h.telegram.events.on("message", listener);
  h.telegram.events.on("edit", listener);
  return {
    texts,
    stop: () => {
      h.telegram.events.off("message", listener);
      h.telegram.events.off("edit", listener);
    },
  };
}

/**
 * Resolves once the flow's state on disk includes this update (or the flow is over, with `ended`). A bot message
 * arrives before the conversation plugin stores the state, and a restart must not race that write.
 */
async function stored(op: OperatorDriver, update: Update, ended = false): Promise<void> {
  await vi.waitFor(
    async () => {
      const state = await h.app.deps.store.conversationStorage.read(String(op.chatId));
      if (ended) expect(state).toBeUndefined();
      else expect(JSON.stringify(state ?? null)).toContain(`"update_id":${update.update_id},`);
    },
    { timeout: 5000, interval: 10 },
  );
}

/** `op.send`, then waits for the flow's state to be stored. */
async function sendStored(op: OperatorDriver, text: string, expectation: RegExp): Promise<StoredMessage> {
  const reply = op.nextBotMessage(expectation);
  const update = h.telegram.sendText(op.user, text);
  const message = await reply;
  await stored(op, update);
  return message;
}

/** `op.click`, then waits for the flow's state to be stored. */
async function clickStored(
  op: OperatorDriver,
  label: string | RegExp,
  expectation: RegExp,
): Promise<StoredMessage> {
  const { message, button } = op.findButton(label);
  const reply = op.nextBotMessage(expectation);
  const update = h.telegram.clickButton(op.user, message.messageId, button.callback_data);
  const shown = await reply;
  await stored(op, update);
  return shown;
}

/** The flow is over: text is no longer read as an answer to one of its steps. */
async function expectNoFlow(op: OperatorDriver): Promise<void> {
  await op.send("hello there", /did not understand/);
}

describe("creating a public link", () => {
  it("walks channel → name → duration → approval → summary and creates exactly one link", async () => {
    const op = await operator();
    const unansweredBefore = h.telegram.unansweredCallbacks().length;
    const summary = await toSummary(op, { approval: "Yes", auto: "No" });
    expect(summary.text).toContain("Channel: Channel 2");
    expect(summary.text).toContain("Name: Instagram bio");
    expect(summary.text).toContain("Duration: 7 days");
    expect(summary.text).toContain("Members: send a join request and wait until you approve it");
    expect(summary.text).not.toMatch(/approval: (yes|no)/i);
    expect(callbackDataOf(summary)).toEqual(["lk1:confirm", "lk1:edit", "x"]);
    expect(createRequests(op)).toHaveLength(0);

    const created = await op.click("Create the link", /Link created/);
    const requests = createRequests(op);
    expect(requests).toHaveLength(1);
    expect(requests[0]!.body).toEqual({
      channel_id: channelId(op, "Channel 2"),
      name: "Instagram bio",
      duration_hours: 168,
      requires_approval: "yes",
      auto_approval: "no",
    });
    const links = createdLinks(op);
    expect(links).toHaveLength(1);
    expect(links[0]).toMatchObject({
      channelId: channelId(op, "Channel 2"),
      name: "Instagram bio",
      durationHours: 168,
      requiresApproval: true,
      autoApproval: false,
    });
    const url = links[0]!.link;
    expect(created.text).toContain(url);
    expect(created.html).toContain(`<code>${url}</code>`);
    const [share, another] = buttonsOf(created);
    expect(share).toEqual({ text: "📤 Share", url: `https://t.me/share/url?url=${encodeURIComponent(url)}` });
    expect(another).toMatchObject({ callback_data: "m:link" });

    // One message carried the whole flow after the typed name (the first one moved below it), edited in place.
    expect(created.messageId).toBe(summary.messageId);
    const sinceLink = op.botMessages().filter((message) => message.messageId > summary.messageId - 20);
    expect(sinceLink.filter((message) => /New public link|Link created/.test(message.text))).toHaveLength(1);
    expect(h.telegram.unansweredCallbacks()).toHaveLength(unansweredBefore);
    await expectNoFlow(op);
    expect(createRequests(op)).toHaveLength(1);
  });

  it("carries on in a new message when the operator deleted the flow's message", async () => {
    const op = await operator();
    const summary = await toSummary(op);
    h.telegram.faults.failNext("editMessageText", {
      errorCode: 400,
      description: "Bad Request: message to edit not found",
    });
    const created = await op.click("Create the link", /Link created/);
    expect(created.messageId).toBeGreaterThan(summary.messageId);
    expect(createRequests(op)).toHaveLength(1);
  });

  it("offers 'Create another', which starts a new flow", async () => {
    const op = await operator();
    await toSummary(op);
    await op.click("Create the link", /Link created/);
    const picker = await op.click("Create another", hasButton(/^cp:c:/));
    expect(picker.text).toContain("New public link");
    await op.click("Channel 3", /Send a name/);
    await op.send("second", /How long/);
  });

  it("sends each duration button's hours", async () => {
    const op = await operator();
    const cases: [RegExp, number, string][] = [
      [/^1 hour$/, 1, "1 hour"],
      [/^24 hours$/, 24, "1 day"],
      [/^7 days$/, 168, "7 days"],
      [/^30 days$/, 720, "30 days"],
      [/Unlimited/, 0, "unlimited"],
    ];
    for (const [label, hours, shown] of cases) {
      const summary = await toSummary(op, { duration: label, name: `d${hours}` });
      expect(summary.text).toContain(`Duration: ${shown}`);
      await op.click("Create the link", /Link created/);
      expect(createRequests(op).at(-1)!.body).toMatchObject({ name: `d${hours}`, duration_hours: hours });
    }
    expect(createRequests(op)).toHaveLength(cases.length);
  });

  it("asks about automatic approval only when approval is required", async () => {
    const op = await operator();
    const recorder = recordBotTexts(op);
    const withoutApproval = await toSummary(op, { approval: "No" });
    recorder.stop();
    expect(recorder.texts.some((text) => text.includes("approved automatically"))).toBe(false);
    expect(withoutApproval.text).toContain("Members: join straight away");
    await op.click("Create the link", /Link created/);
    expect(createRequests(op).at(-1)!.body).toMatchObject({ requires_approval: "no", auto_approval: "no" });

    const withAuto = await toSummary(op, { approval: "Yes", auto: "Yes" });
    expect(withAuto.text).toContain("Members: send a join request, which premiumpay accepts automatically");
    await op.click("Create the link", /Link created/);
    expect(createRequests(op).at(-1)!.body).toMatchObject({ requires_approval: "yes", auto_approval: "yes" });
  });

  it("shows premiumpay's and the operator's text escaped", async () => {
    const hostile = h.premiumpay.clients.find((client) => client.clientId.startsWith("edge-"))!;
    const op = await logIn(h.operator({ account: hostile }));
    const name = "</a><i>{ $x }&amp;";
    const summary = await toSummary(op, { channel: "<b>bold</b> VIP", name });
    expect(summary.text).toContain("Channel: <b>bold</b> VIP");
    expect(summary.html).toContain("&lt;b&gt;bold&lt;/b&gt; VIP");
    expect(summary.text).toContain(`Name: ${name}`);
    expect(summary.html).toContain("&lt;/a&gt;&lt;i&gt;{ $x }&amp;amp;");
    const created = await op.click("Create the link", /Link created/);
    expect(created.text).toContain(`Name: ${name}`);
    expect(createRequests(op).at(-1)!.body).toMatchObject({ name });
  });

  it("speaks the operator's language", async () => {
    const op = await operator({ languageCode: "es" });
    await op.send("/link", /Nuevo enlace público/);
    await op.click("Channel 1", /Envía un nombre/);
    await op.send("x".repeat(33), /Telegram permite 32 como máximo/);
  });
});

describe("invalid input is explained and asked again, never sent", () => {
  it("refuses empty, too long and control-character names", async () => {
    const op = await operator();
    await op.send("/link", hasButton(/^cp:c:/));
    const prompt = await op.click("Channel 1", /Send a name/);
    expect(callbackDataOf(prompt)).toEqual(["x"]);

    // Telegram apps cannot send blank messages, but the Bot API could deliver one: it is refused too.
    const blank = op.nextBotMessage(/cannot be empty/);
    h.telegram.enqueueRaw({
      message: {
        message_id: 900_001,
        date: Math.floor(Date.now() / 1000),
        chat: { id: op.chatId, type: "private", first_name: op.user.first_name },
        from: { id: op.user.id, is_bot: false, first_name: op.user.first_name },
        text: "   ",
      } as Update["message"],
    });
    const empty = await blank;
    expect(empty.text).toContain("Send a name");
    expect(callbackDataOf(empty)).toEqual(["x"]);
    await op.send("\u200b\u200b", /cannot be empty/);
    const long = await op.send("x".repeat(33), /has 33 characters; Telegram allows 32 at most/);
    expect(long.text).toContain("Send a name");
    await op.send("tab\u0000nul", /single line without control characters/);
    await op.send("two\nlines", /single line without control characters/);
    expect(createRequests(op)).toHaveLength(0);

    // 32 characters (emoji count as one each) is allowed; surrounding spaces are trimmed.
    const name = `  ${"🔥".repeat(2)}${"n".repeat(30)}  `;
    await op.send(name, /How long/);
    await op.click(/^24 hours$/, /approve each/);
    await op.click(/^No$/, /Check the new link/);
    await op.click("Create the link", /Link created/);
    expect(createRequests(op)).toHaveLength(1);
    expect(createRequests(op)[0]!.body).toMatchObject({ name: name.trim() });
  });

  /** A Spanish-speaking operator at the duration step of a link named `name`. */
  async function spanishAtDuration(name: string): Promise<OperatorDriver> {
    const op = await operator();
    await h.app.deps.store.updateOperator(op.user.id, { locale: "es" });
    await op.send("/link", hasButton(/^cp:c:/));
    await op.click("Channel 1", /nombre/);
    await op.send(name, /Cuánto/);
    return op;
  }

  it("explains the approval options in Spanish and says what members will experience", async () => {
    const op = await spanishAtDuration("Bio");
    const approval = await op.click(/^7 días$/, /enviar una solicitud antes de entrar/);
    expect(approval.text).toContain("quien abra el enlace entra directamente");
    const auto = await op.click(/^Sí$/, /automáticamente/);
    expect(auto.text).toContain("esperan hasta que apruebes su solicitud");
    const summary = await op.click(/^No$/, /Miembros: envían una solicitud y esperan a que la apruebes/);
    expect(summary.text).not.toMatch(/Requiere aprobación|Aprobación automática/);
  });

  it("formats the refused number like the limit, in Spanish too", async () => {
    const op = await spanishAtDuration("horas");
    await op.send("12000", /12\.000 está fuera de rango: la duración va de 0 \(ilimitada\) a 8760 horas/);
  });

  it("refuses hours that are negative, over a year or not a number", async () => {
    const op = await operator();
    await op.send("/link", hasButton(/^cp:c:/));
    await op.click("Channel 1", /Send a name/);
    await op.send("hours", /How long/);
    const negative = await op.send("-1", /-1 is out of range/);
    expect(negative.text).toContain("How long");
    expect(callbackDataOf(negative)).toEqual(["lkd1:1", "lkd1:24", "lkd1:168", "lkd1:720", "lkd1:0", "x"]);
    await op.send("9999", /9,999 is out of range: the duration is from 0 \(unlimited\) to 8,760 hours/);
    await op.send("abc", /“abc” is not a whole number of hours/);
    await op.send("1.5", /“1.5” is not a whole number of hours/);
    expect(createRequests(op)).toHaveLength(0);
    await op.send("8760", /approve each/);
    const summary = await op.click(/^No$/, /Check the new link/);
    expect(summary.text).toContain("Duration: 365 days");
    await op.click("Create the link", /Link created/);
    expect(createRequests(op)[0]!.body).toMatchObject({ duration_hours: 8760 });
  });

  it("accepts a typed 0 as unlimited and asks for buttons where only buttons make sense", async () => {
    const op = await operator();
    await op.send("/link", hasButton(/^cp:c:/));
    await op.click("Channel 1", /Send a name/);
    await op.send("zero", /How long/);
    await op.send(" 0 ", /approve each/);
    const hint = await op.send("yes please", /answer with the buttons/);
    expect(hint.text).toContain("approve each join request");
    expect(callbackDataOf(hint)).toEqual(["lky1:approval:yes", "lky1:approval:no", "x"]);
    const summary = await op.click(/^No$/, /Check the new link/);
    expect(summary.text).toContain("Duration: unlimited");
    await op.send("go", /answer with the buttons/);
    await op.click("Create the link", /Link created/);
    expect(createRequests(op)[0]!.body).toMatchObject({ duration_hours: 0 });
  });
});

describe("cancelling", () => {
  it("stops at any step without creating anything", async () => {
    const op = await operator();
    const steps: [string, (op: OperatorDriver) => Promise<unknown>][] = [
      ["channel", (o) => o.send("/link", hasButton(/^cp:c:/))],
      [
        "name",
        async (o) => {
          await o.send("/link", hasButton(/^cp:c:/));
          await o.click("Channel 1", /Send a name/);
        },
      ],
      [
        "duration",
        async (o) => {
          await o.send("/link", hasButton(/^cp:c:/));
          await o.click("Channel 1", /Send a name/);
          await o.send("cancel me", /How long/);
        },
      ],
      [
        "approval",
        async (o) => {
          await o.send("/link", hasButton(/^cp:c:/));
          await o.click("Channel 1", /Send a name/);
          await o.send("cancel me", /How long/);
          await o.click(/^1 hour$/, /approve each/);
        },
      ],
      [
        "auto approval",
        async (o) => {
          await o.send("/link", hasButton(/^cp:c:/));
          await o.click("Channel 1", /Send a name/);
          await o.send("cancel me", /How long/);
          await o.click(/^1 hour$/, /approve each/);
          await o.click(/^Yes$/, /approved automatically/);
        },
      ],
      ["summary", (o) => toSummary(o)],
      [
        "edit menu",
        async (o) => {
          await toSummary(o);
          await o.click("Edit", /What do you want to change/);
        },
      ],
      [
        "editing a field",
        async (o) => {
          await toSummary(o);
          await o.click("Edit", /What do you want to change/);
          await o.click(/^Duration$/, /Current duration: 7 days/);
        },
      ],
    ];
    for (const [step, reach] of steps) {
      await reach(op);
      const cancelled = await op.click("Cancel", /Cancelled/);
      expect(cancelled.text, step).toContain("Nothing was changed");
      await expectNoFlow(op);
    }
    // The command works as well as the button.
    await op.send("/link", hasButton(/^cp:c:/));
    await op.click("Channel 1", /Send a name/);
    await op.send("/cancel", /Cancelled/);
    await expectNoFlow(op);
    expect(createRequests(op)).toHaveLength(0);
    expect(createdLinks(op)).toHaveLength(0);
  });
});

describe("editing from the summary", () => {
  it("changes one field at a time and keeps the others", async () => {
    const op = await operator();
    await toSummary(op, { approval: "Yes", auto: "Yes" });

    await op.click("Edit", /What do you want to change/);
    const namePrompt = await op.click(/^Name$/, /Current name: Instagram bio/);
    expect(callbackDataOf(namePrompt)).toEqual(["lk1:back", "x"]);
    await op.send("x".repeat(40), /has 40 characters/);
    let summary = await op.send("TikTok profile", /Check the new link/);
    expect(summary.text).toContain("Name: TikTok profile");
    expect(summary.text).toContain("Duration: 7 days");
    expect(summary.text).toContain("premiumpay accepts automatically");

    await op.click("Edit", /What do you want to change/);
    await op.click(/^Duration$/, /Current duration: 7 days/);
    summary = await op.click(/^24 hours$/, /Check the new link/);
    expect(summary.text).toContain("Duration: 1 day");
    expect(summary.text).toContain("Name: TikTok profile");

    // Back keeps the value being edited.
    await op.click("Edit", /What do you want to change/);
    await op.click(/^Duration$/, /Current duration: 1 day/);
    summary = await op.click("Back", /Check the new link/);
    expect(summary.text).toContain("Duration: 1 day");
    await op.click("Edit", /What do you want to change/);
    await op.click(/^Approval$/, /approve each/);
    summary = await op.click("Back", /Check the new link/);
    expect(summary.text).toContain("premiumpay accepts automatically");
    await op.click("Edit", /What do you want to change/);
    summary = await op.click("Back", /Check the new link/);
    expect(summary.text).toContain("Name: TikTok profile");

    await op.click("Edit", /What do you want to change/);
    await op.click(/^Approval$/, /approve each/);
    summary = await op.click(/^No$/, /Check the new link/);
    expect(summary.text).toContain("Members: join straight away");

    await op.click("Edit", /What do you want to change/);
    await op.click(/^Channel$/, hasButton(/^cp:c:/));
    summary = await op.click("Channel 3", /Check the new link/);
    expect(summary.text).toContain("Channel: Channel 3");
    expect(summary.text).toContain("Name: TikTok profile");
    expect(summary.text).toContain("Duration: 1 day");
    // The old summary was replaced, not left behind with live buttons.
    expect(op.botMessages().filter((message) => hasButton("lk1:confirm")(message))).toHaveLength(1);

    expect(createRequests(op)).toHaveLength(0);
    await op.click("Create the link", /Link created/);
    expect(createRequests(op)).toHaveLength(1);
    expect(createRequests(op)[0]!.body).toEqual({
      channel_id: channelId(op, "Channel 3"),
      name: "TikTok profile",
      duration_hours: 24,
      requires_approval: "no",
      auto_approval: "no",
    });
  });
});

describe("premiumpay failures at the create call", () => {
  it("503: explains, sends nothing until Retry, then creates exactly one link", async () => {
    const op = await operator();
    await toSummary(op);
    h.premiumpay.faults.set("createPublicLink", { status: 503 }, { times: 1 });
    const failed = await op.click("Create the link", /cannot be reached/);
    expect(failed.text).toContain("premiumpay did not confirm the link");
    expect(callbackDataOf(failed)).toEqual(["lk1:retry", "lk1:edit", "x"]);
    // A creating call is never retried by itself.
    await settle();
    expect(createRequests(op)).toHaveLength(1);
    expect(createdLinks(op)).toHaveLength(0);

    const created = await op.click("Try again", /Link created/);
    expect(createRequests(op)).toHaveLength(2);
    expect(createRequests(op)[1]!.body).toEqual(createRequests(op)[0]!.body);
    expect(createdLinks(op)).toHaveLength(1);
    expect(created.text).toContain(createdLinks(op)[0]!.link);
  });

  it("a refusal shows premiumpay's words escaped, and Edit fixes the draft without losing it", async () => {
    const op = await operator();
    await toSummary(op, { name: "taken" });
    h.premiumpay.faults.set("createPublicLink", { ko: "name <taken> already" }, { times: 1 });
    const refused = await op.click("Create the link", /premiumpay refused the request: name <taken> already/);
    expect(refused.html).toContain("name &lt;taken&gt; already");
    expect(refused.text).toContain("The link was not created");
    await op.click("Edit", /What do you want to change/);
    await op.click(/^Name$/, /Current name: taken/);
    const summary = await op.send("free", /Check the new link/);
    expect(summary.text).toContain("Duration: 7 days");
    await op.click("Create the link", /Link created/);
    expect(createRequests(op).map((request) => (request.body as { name: string }).name)).toEqual([
      "taken",
      "free",
    ]);
    expect(createdLinks(op)).toHaveLength(1);
  });

  it("429: says premiumpay is limiting requests and offers Retry", async () => {
    const op = await operator();
    await toSummary(op);
    h.premiumpay.faults.set("createPublicLink", { rateLimit: 7 }, { times: 1 });
    const limited = await op.click("Create the link", /limiting requests right now. Please try again in 7 s/);
    expect(callbackDataOf(limited)).toContain("lk1:retry");
    expect(createRequests(op)).toHaveLength(1);
    await op.click("Try again", /Link created/);
    expect(createdLinks(op)).toHaveLength(1);
  });

  it("an unreadable answer: does not claim nothing was created, and offers Retry", async () => {
    const op = await operator();
    await toSummary(op);
    h.premiumpay.faults.set("createPublicLink", { malformedJson: true }, { times: 1 });
    const unreadable = await op.click("Create the link", /answered in a way I do not understand/);
    expect(unreadable.text).toContain("premiumpay did not confirm the link");
    expect(unreadable.text).not.toContain("was not created");
    expect(callbackDataOf(unreadable)).toEqual(["lk1:retry", "lk1:edit", "x"]);
    await op.click("Cancel", /Cancelled/);
    expect(createRequests(op)).toHaveLength(1);
  });

  it("401: asks to log in again and ends the flow", async () => {
    const op = await operator();
    await toSummary(op);
    h.premiumpay.faults.set("createPublicLink", { status: 401 }, { times: 1 });
    const refused = await op.click("Create the link", /Send \/login to log in again/);
    expect(callbackDataOf(refused)).toEqual([]);
    await expectNoFlow(op);
    expect(createRequests(op)).toHaveLength(1);
    expect(createdLinks(op)).toHaveLength(0);
  });
});

describe("exactly once", () => {
  /** Taps Confirm on the summary and resolves with the tap's update and the created-link message. */
  async function confirm(
    op: OperatorDriver,
    summary: StoredMessage,
  ): Promise<{ update: Update; created: StoredMessage }> {
    const created = op.nextBotMessage(/Link created/);
    const update = h.telegram.clickButton(op.user, summary.messageId, stampedLike(summary, "lk1:confirm"));
    return { update, created: await created };
  }

  const answerCalls = (callbackId: string) =>
    h.telegram.calls.filter(
      (call) => call.method === "answerCallbackQuery" && call.params.callback_query_id === callbackId,
    );

  it("ignores the same confirm update delivered twice", async () => {
    const op = await operator();
    const summary = await toSummary(op);
    const { update, created } = await confirm(op, summary);
    h.telegram.enqueueRaw(update);
    await h.telegram.waitFor(() => answerCalls(update.callback_query!.id).length >= 2);
    await settle();
    expect(createRequests(op)).toHaveLength(1);
    expect(createdLinks(op)).toHaveLength(1);
    expect(op.lastMessage()?.text).toBe(created.text);
    expect(op.botMessages().some((message) => message.text.includes("went wrong"))).toBe(false);
  });

  it("a redelivered confirm after a crash that lost the flow's progress shows the same link, not a second one", async () => {
    const op = await operator();
    await toApproval(op);
    const summary = await clickStored(op, /^No$/, /Check the new link/);
    const key = String(op.chatId);
    // The flow's state as it was when the confirm click arrived…
    const atSummary = structuredClone(await h.app.deps.store.conversationStorage.read(key));
    expect(atSummary).toBeDefined();
    const { update, created } = await confirm(op, summary);
    await stored(op, update, true);
    const url = createdLinks(op)[0]!.link;
    // …is what a bot killed right after the create call finds on restart; Telegram then delivers the click again.
    await h.app.deps.store.conversationStorage.write(key, atSummary!);
    await h.restart();
    const again = op.nextBotMessage(
      (message) => message.text.includes("Link created") && message.editCount > created.editCount,
    );
    h.telegram.enqueueRaw(update);
    const shown = await again;
    expect(shown.text).toContain(url);
    // The stored result of the first run answered the second: premiumpay saw one request.
    const replays = h.logs.filter(
      (line) => line.includes("public link created") && line.includes(`"userId":${op.user.id}`),
    );
    expect(replays.map((line) => JSON.parse(line).replayed)).toEqual([false, true]);
    expect(createRequests(op)).toHaveLength(1);
    expect(createdLinks(op)).toHaveLength(1);
  });

  it("a confirm whose create call was interrupted is not sent again; the operator is told to check", async () => {
    const op = await operator();
    await toApproval(op);
    const summary = await clickStored(op, /^No$/, /Check the new link/);
    const callbackId = "interrupted-confirm";
    // The bot died while this click's create call was in flight: its action is marked pending, never done.
    void h.app.deps.store.runOnce(
      linkActionId(op.chatId, callbackId),
      op.user.id,
      () => new Promise(() => {}),
    );
    await h.app.deps.store.flush();
    await h.restart();
    const told = op.nextBotMessage(/cannot tell whether premiumpay created it/);
    h.telegram.enqueueRaw({
      callback_query: {
        id: callbackId,
        from: { id: op.user.id, is_bot: false, first_name: op.user.first_name },
        message: {
          message_id: summary.messageId,
          date: summary.date,
          chat: { id: op.chatId, type: "private", first_name: op.user.first_name },
          text: summary.text,
        } as Message.TextMessage,
        chat_instance: `emulated-${op.chatId}`,
        data: stampedLike(summary, "lk1:confirm"),
      },
    });
    const message = await told;
    expect(callbackDataOf(message)).toEqual(["m:link"]);
    expect(createRequests(op)).toHaveLength(0);
  });

  it("resumes after a restart at any step", async () => {
    const op = await operator();
    await sendStored(op, "/link", /Pick a channel/);
    await h.restart();
    await clickStored(op, "Channel 2", /Send a name/);
    await h.restart();
    await sendStored(op, "after restarts", /How long/);
    await h.restart();
    await clickStored(op, /^24 hours$/, /approve each/);
    await h.restart();
    await clickStored(op, /^Yes$/, /approved automatically/);
    await h.restart();
    await clickStored(op, /^Yes$/, /Check the new link/);
    await h.restart();
    await op.click("Create the link", /Link created/);
    expect(createRequests(op)).toHaveLength(1);
    expect(createRequests(op)[0]!.body).toEqual({
      channel_id: channelId(op, "Channel 2"),
      name: "after restarts",
      duration_hours: 24,
      requires_approval: "yes",
      auto_approval: "yes",
    });
  });
});

describe("forged callback data", () => {
  it("refuses buttons that are not part of the current step and keeps the flow going", async () => {
    const op = await operator();
    await op.send("/link", hasButton(/^cp:c:/));
    await op.click("Channel 1", /Send a name/);
    const durationStep = await op.send("forged", /How long/);
    const refusals = [
      "lkd1:5",
      "lkd1:-1",
      "lkd1:8761",
      "lky1:approval:yes",
      "lk1:confirm",
      "lke1:name",
      "lk1:bogus",
    ];
    for (const data of refusals) {
      const answer = await forge(op, durationStep.messageId, data);
      expect(answer.text, data).toBe("That button is not part of this step.");
    }
    expect(op.lastMessage()?.text).toContain("How long");

    const approvalStep = await op.click(/^30 days$/, /approve each/);
    expect((await forge(op, approvalStep.messageId, "lky1:auto:yes")).text).toMatch(/not part of this step/);
    const summary = await op.click(/^No$/, /Check the new link/);
    for (const data of ["lk1:retry", "lk1:back", "lke1:channel", "lkd1:24", "garbage"]) {
      expect((await forge(op, summary.messageId, data)).text, data).toMatch(/not part of this step/);
    }
    // A genuine-looking confirm on another message (the login's main menu) is refused too.
    const menu = op.botMessages().find((message) => hasButton("m:channels")(message))!;
    expect((await forge(op, menu.messageId, "lk1:confirm")).text).toMatch(/not part of this step/);
    expect(createRequests(op)).toHaveLength(0);

    await op.click("Create the link", /Link created/);
    expect(createRequests(op)).toHaveLength(1);
    expect(createRequests(op)[0]!.body).toMatchObject({ duration_hours: 720, requires_approval: "no" });
    // Once the flow is over its buttons only get a notice.
    expect((await forge(op, summary.messageId, "lk1:confirm")).text).toMatch(/link flow is over/);
    expect(createRequests(op)).toHaveLength(1);
  });
});
