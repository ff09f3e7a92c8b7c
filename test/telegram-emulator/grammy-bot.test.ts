import { autoRetry } from "@grammyjs/auto-retry";
import { Bot, GrammyError, InlineKeyboard } from "grammy";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type BotApiEmulator, startBotApiEmulator } from "../../src/sandbox/telegram/index.js";
import { ann, bob } from "./support.js";

let emu: BotApiEmulator;
const running: Bot[] = [];

beforeEach(async () => {
  emu = await startBotApiEmulator({ botUsername: "premium_test_bot" });
});
afterEach(async () => {
  for (const bot of running.splice(0)) if (bot.isRunning()) await bot.stop();
  await emu.close();
});

function createBot(): Bot {
  return new Bot(emu.token, { client: { apiRoot: emu.apiRoot }, botInfo: emu.botInfo });
}

/** Starts long polling and resolves once the first getUpdates is on its way. */
async function startPolling(bot: Bot): Promise<void> {
  running.push(bot);
  await new Promise<void>((resolve, reject) => {
    bot.start({ onStart: () => resolve() }).catch(reject);
  });
}

describe("a real grammY bot against the emulator", () => {
  it("serves a user through a command, a button, an answer and an edit", async () => {
    const bot = createBot();
    bot.command("start", async (ctx) => {
      await ctx.replyWithChatAction("typing");
      await ctx.reply("<b>Menu</b> for <i>Ann &amp; co</i>", {
        parse_mode: "HTML",
        reply_markup: new InlineKeyboard()
          .text("Today's sales", "sales")
          .url("Site", "https://premiumpay.example"),
      });
    });
    bot.callbackQuery("sales", async (ctx) => {
      await ctx.answerCallbackQuery({ text: "Loading" });
      await ctx.editMessageText("Sales today: <b>3</b>", { parse_mode: "HTML" });
    });
    await startPolling(bot);

    emu.sendText(ann, "/start");
    const menu = await emu.waitForBotMessage(ann.id);
    expect(menu).toMatchObject({ text: "Menu for Ann & co", html: "<b>Menu</b> for <i>Ann &amp; co</i>" });

    emu.clickButton(ann, menu.messageId, "sales");
    const edited = await emu.waitForBotMessage(ann.id);
    expect(edited).toMatchObject({ messageId: menu.messageId, text: "Sales today: 3", editCount: 1 });
    expect(edited.replyMarkup).toBeUndefined();
    await emu.waitFor(() => emu.unansweredCallbacks().length === 0);
    expect([...emu.callbackQueries.values()][0]?.answer?.text).toBe("Loading");

    expect(emu.chat(ann.id).messages.map((m) => `${m.from}:${m.text}`)).toEqual([
      "user:/start",
      "bot:Sales today: 3",
    ]);
    expect(emu.calls.filter((c) => c.method !== "getUpdates").map((c) => c.method)).toEqual([
      "deleteWebhook",
      "sendChatAction",
      "sendMessage",
      "answerCallbackQuery",
      "editMessageText",
    ]);

    await bot.stop();
    expect(emu.pendingUpdates()).toBe(0);
  });

  it("recovers by itself from a 502 and a dropped connection on getUpdates", async () => {
    emu.faults.failNext("getUpdates", { errorCode: 502, description: "Bad Gateway" });
    emu.faults.dropNext("getUpdates");
    const bot = createBot();
    bot.on("message:text", (ctx) => ctx.reply(`echo: ${ctx.message.text}`));
    await startPolling(bot);

    emu.sendText(ann, "still there?");
    expect((await emu.waitForBotMessage(ann.id, undefined, 15_000)).text).toBe("echo: still there?");
    expect(
      emu.calls.filter((c) => c.method === "getUpdates" && !c.ok).map((c) => c.errorCode ?? "dropped"),
    ).toEqual([502, "dropped"]);
  }, 20_000);

  it("gets its reply through a 429 with retry_after when using auto-retry", async () => {
    emu.faults.failNext("sendMessage", {
      errorCode: 429,
      description: "Too Many Requests: retry after 1",
      retryAfter: 1,
    });
    const bot = createBot();
    bot.api.config.use(autoRetry());
    bot.command("start", (ctx) => ctx.reply("Welcome"));
    await startPolling(bot);

    emu.sendText(ann, "/start");
    await emu.waitForBotMessage(ann.id);
    expect(emu.chat(ann.id).botMessages()).toHaveLength(1);
    const sends = emu.calls.filter((c) => c.method === "sendMessage");
    expect(sends.map((c) => c.errorCode)).toEqual([429, undefined]);
    expect((sends[1]?.at ?? 0) - (sends[0]?.at ?? 0)).toBeGreaterThanOrEqual(900);
  });

  it("delivers to every user exactly once under the rate limit with auto-retry", async () => {
    const users = Array.from({ length: 12 }, (_, i) => ({ id: 3000 + i, first_name: `Op${i}` }));
    for (const user of users) emu.addUser(user);
    emu.setRateLimit({ globalPerSecond: 5 });
    const bot = createBot();
    bot.api.config.use(autoRetry());

    await Promise.all(users.map((user) => bot.api.sendMessage(user.id, `Digest for ${user.first_name}`)));

    for (const user of users) {
      expect(
        emu
          .chat(user.id)
          .botMessages()
          .map((m) => m.text),
      ).toEqual([`Digest for ${user.first_name}`]);
    }
    expect(emu.calls.some((c) => c.errorCode === 429)).toBe(true);
  }, 15_000);

  it("surfaces 'message to edit not found' when the user deleted the message first", async () => {
    let release = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const errors: string[] = [];
    const bot = createBot();
    bot.command("slow", async (ctx) => {
      const working = await ctx.reply("Working…");
      await gate;
      try {
        await ctx.api.editMessageText(ctx.chat.id, working.message_id, "Done");
      } catch (error) {
        if (!(error instanceof GrammyError)) throw error;
        errors.push(error.description);
        await ctx.reply("Done (sent anew)");
      }
    });
    await startPolling(bot);

    emu.sendText(ann, "/slow");
    const working = await emu.waitForBotMessage(ann.id);
    emu.deleteAsUser(ann, working.messageId);
    release();

    expect((await emu.waitForBotMessage(ann.id)).text).toBe("Done (sent anew)");
    expect(errors).toEqual(["Bad Request: message to edit not found"]);
  });

  it("gets a 403 GrammyError for a user who blocked the bot", async () => {
    emu.addUser(bob);
    emu.faults.blockUser(bob.id);
    const error = await createBot()
      .api.sendMessage(bob.id, "digest")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GrammyError);
    expect(error).toMatchObject({ error_code: 403, description: "Forbidden: bot was blocked by the user" });
  });

  it("redelivers an update to a restarted bot after a duplicate enqueue", async () => {
    const handled: number[] = [];
    const first = createBot();
    first.command("newlink", (ctx) => {
      handled.push(ctx.update.update_id);
    });
    await startPolling(first);
    const update = emu.sendText(ann, "/newlink");
    await emu.waitFor(() => handled.length === 1);
    await first.stop();
    expect(emu.pendingUpdates()).toBe(0);

    emu.enqueueRaw(update);
    const second = createBot();
    second.command("newlink", (ctx) => {
      handled.push(ctx.update.update_id);
    });
    await startPolling(second);
    await emu.waitFor(() => handled.length === 2);
    expect(handled).toEqual([update.update_id, update.update_id]);
  });
});
