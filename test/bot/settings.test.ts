import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { buttonsOf, type Harness, hasButton, startHarness } from "../support/harness.js";

let h: Harness;
let clockOffsetMs = 0;
beforeAll(async () => {
  h = await startHarness({ now: () => new Date(Date.now() + clockOffsetMs), env: { ALLOWED_USER_IDS: "" } });
});
afterAll(() => h?.stop());

describe("language", () => {
  it("follows Telegram's language until the operator chooses one", async () => {
    const spanish = h.operator({ languageCode: "es-MX" });
    expect((await spanish.send("/help", /Qué puedo hacer/)).text).toContain("/link");
    const french = h.operator({ languageCode: "fr" });
    await french.send("/help", /What I can do/);
  });

  it("switches with the buttons and keeps the choice across restarts", async () => {
    const op = h.operator({ languageCode: "en" });
    await op.login();
    await op.click("Language", /Choose your language/);
    await op.click("Español", /Idioma cambiado a español/);
    const chatScope = { type: "chat" as const, chat_id: op.chatId };
    await vi.waitFor(() =>
      expect(
        h.telegram.commands({ scope: chatScope }).find((command) => command.command === "cancel")
          ?.description,
      ).toBe("Cancelar la acción actual"),
    );
    await op.send("/help", /Qué puedo hacer/);
    await h.restart();
    const account = await op.send("/account", /ID de cliente/);
    expect(account.text).toContain("Idioma: Español");
    await op.send("/language", /Elige tu idioma/);
    await op.click("English", /Language set to English/);
    await vi.waitFor(() =>
      expect(
        h.telegram.commands({ scope: chatScope }).find((command) => command.command === "cancel")
          ?.description,
      ).toBe("Cancel the current action"),
    );
  });

  it("registers the command menu in every language", () => {
    const english = h.telegram.commands({ languageCode: "en" });
    const spanish = h.telegram.commands({ languageCode: "es" });
    expect(english.map((command) => command.command)).toContain("link");
    expect(english.find((command) => command.command === "cancel")?.description).toBe(
      "Cancel the current action",
    );
    expect(spanish.find((command) => command.command === "cancel")?.description).toBe(
      "Cancelar la acción actual",
    );
    expect(h.telegram.commands().length).toBe(english.length);
  });
});

describe("time zone", () => {
  it("is picked with a button or typed, and validated", async () => {
    const op = h.operator();
    await op.login();
    await op.send("/timezone", /Your time zone is UTC/);
    await op.send("Mars/Olympus_Mons", /is not a time zone I know/);
    // Visible text keeps the tags: the operator's input was escaped, not rendered.
    await op.send("<b>bold</b>", /“<b>bold<\/b>” is not a time zone/);
    await op.send("America/Mexico_City", /Time zone set to America\/Mexico_City/);
    expect((await h.app.deps.store.getOperator(op.user.id))?.timezone).toBe("America/Mexico_City");
    await op.send("/timezone", /America\/Mexico_City/);
    await op.click("Madrid", /Time zone set to Europe\/Madrid/);
    expect((await h.app.deps.store.getOperator(op.user.id))?.timezone).toBe("Europe/Madrid");
  });

  it("stores a typed zone under its canonical name", async () => {
    const op = h.operator();
    await op.send("/timezone", /Your time zone is/);
    await op.send("europe/madrid", /Time zone set to Europe\/Madrid/);
    expect((await h.app.deps.store.getOperator(op.user.id))?.timezone).toBe("Europe/Madrid");
  });

  it("accepts the zone given with the command, and asks again for one it does not know", async () => {
    const op = h.operator();
    await op.send("/timezone america/sao_paulo", /Time zone set to America\/Sao_Paulo/);
    expect((await h.app.deps.store.getOperator(op.user.id))?.timezone).toBe("America/Sao_Paulo");
    await op.send("/timezone Mars/Olympus_Mons", /is not a time zone I know/);
    await op.send("Europe/Lisbon", /Time zone set to Europe\/Lisbon/);
  });

  it("names the cities of its buttons in the operator's language", async () => {
    const op = h.operator({ languageCode: "es" });
    const menu = await op.send("/timezone", /Tu zona horaria/);
    const labels = (menu.replyMarkup?.inline_keyboard ?? []).flat().map((button) => button.text);
    expect(labels).toEqual(
      expect.arrayContaining(["Londres", "Ciudad de México", "São Paulo", "Nueva York"]),
    );
    expect(labels).not.toContain("London");
    await op.click("Londres", /Europe\/London/);
  });
});

describe("flows", () => {
  it("a command in the middle of a flow leaves the flow and runs the command", async () => {
    const op = h.operator();
    await op.send("/start", hasButton("x"));
    await op.send("/help", /What I can do/);
    await op.send("some text", /did not understand/);
  });

  it("closes an abandoned flow with a note after the timeout, taking its buttons off", async () => {
    const op = h.operator();
    const question = await op.send("/start", hasButton("x"));
    // The plugin saves the flow after the reply went out.
    await vi.waitFor(async () =>
      expect(await h.app.deps.store.conversationStorage.read(String(op.chatId))).toBeDefined(),
    );
    expect(await h.app.flowExpiry.sweep()).toBe(0);
    clockOffsetMs = h.config.conversationTimeoutMs + 60_000;
    try {
      const note = op.nextBotMessage(/closed after 30 minutes/);
      expect(await h.app.flowExpiry.sweep()).toBeGreaterThanOrEqual(1);
      await note;
    } finally {
      clockOffsetMs = 0;
    }
    const shown = h.telegram.chat(op.chatId).messages.find((m) => m.messageId === question.messageId);
    expect(buttonsOf(shown)).toEqual([]);
    await op.send(op.account.clientId, /did not understand/);
  });

  it("answers a stale button instead of leaving it spinning", async () => {
    const op = h.operator();
    const menu = await op.login();
    await op.send("/logout", /cannot be undone/);
    await op.click("Yes, log me out", /logged out/);
    await op.clickData(menu.messageId, "m:account", /not logged in/);
    expect(h.telegram.unansweredCallbacks()).toEqual([]);
  });
});

describe("where the bot talks", () => {
  it("in a group, says nothing to commands or messages", async () => {
    const op = h.operator();
    const group = { id: -100_123, type: "supergroup" as const, title: "Team" };
    h.telegram.sendText(op.user, "/start", { chat: group });
    h.telegram.sendText(op.user, "/help", { chat: group });
    h.telegram.sendText(op.user, "hello", { chat: group });
    // A private message sent afterwards is answered once the group's updates were handled (in silence).
    await op.send("/help", /What I can do/);
    await vi.waitFor(() => expect(h.telegram.pendingUpdates()).toBe(0));
    expect(h.telegram.chat(group.id).botMessages()).toEqual([]);
  });
});

describe("error boundary", () => {
  it("logs a failed update with its id, tells the user, and keeps serving", async () => {
    const op = h.operator();
    h.telegram.faults.failNext(
      "sendMessage",
      { errorCode: 400, description: "Bad Request: chat not found" },
      1,
    );
    const apology = await op.send("/help", /Something went wrong/);
    expect(apology.text).not.toContain("chat not found");
    const logged = h.logs
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((entry) => entry.msg === "update failed");
    expect(logged?.updateId).toEqual(expect.any(Number));
    expect(JSON.stringify(logged)).not.toContain(h.config.botToken);
    await op.send("/help", /What I can do/);
  });
});

describe("duplicate delivery", () => {
  it("a button update delivered twice is acted on once, without an error message", async () => {
    const op = h.operator();
    await op.login();
    const languageMenu = op.nextBotMessage(/Choose your language/);
    const first = h.telegram.clickButton(op.user, op.findButton("Language").message.messageId, "m:language");
    await languageMenu;
    const outcome = (line: string) => line.includes("already answered") || line.includes("update failed");
    const logged = h.logs.filter(outcome).length;
    h.telegram.enqueueRaw(first);
    await vi.waitFor(() => expect(h.logs.filter(outcome).length).toBe(logged + 1));
    expect(h.logs.filter(outcome).at(-1)).toContain("ignored a callback query that was already answered");
    await op.send("/help", /What I can do/);
    const texts = op.botMessages().map((message) => message.text);
    expect(texts.filter((text) => text.includes("Choose your language"))).toHaveLength(1);
    expect(texts.some((text) => text.includes("Something went wrong"))).toBe(false);
  });
});

describe("cancel buttons", () => {
  it("answered login questions keep no Cancel button", async () => {
    const op = h.operator();
    await op.login();
    const prompts = op
      .botMessages()
      .filter((message) => /client id<|Send me your|Now send me/.test(message.text));
    expect(prompts.length).toBeGreaterThanOrEqual(2);
    for (const prompt of prompts) expect(prompt.replyMarkup?.inline_keyboard.flat() ?? []).toEqual([]);
  });

  it("a Cancel button left on a flow that was left says there is nothing to cancel and disappears", async () => {
    const op = h.operator();
    await op.login();
    const oldPrompt = await op.send("/timezone", /Your time zone is/);
    // Another command leaves the flow; its message loses its buttons, but an old client may still send them.
    await op.send("/help", /What I can do/);
    const answered = h.telegram.waitFor(
      () =>
        [...h.telegram.callbackQueries.values()].find(
          (query) => query.userId === op.user.id && query.messageId === oldPrompt.messageId,
        )?.answer,
    );
    h.telegram.clickButton(op.user, oldPrompt.messageId, "x", { force: true });
    expect((await answered).text).toBe("There is nothing to cancel.");
    await op.send("/help", /What I can do/);
    const prompt = h.telegram
      .chat(op.chatId)
      .messages.find((message) => message.messageId === oldPrompt.messageId);
    expect(prompt?.replyMarkup?.inline_keyboard.flat() ?? []).toEqual([]);
    expect(op.botMessages().some((message) => message.text.includes("Cancelled"))).toBe(false);
    expect((await h.app.deps.store.getOperator(op.user.id))?.hasCredentials).toBe(true);
  });
});
