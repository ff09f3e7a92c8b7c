import http from "node:http";
import { run, sequentialize } from "@grammyjs/runner";
import { Bot, type Context } from "grammy";
import { failInChild, serveParent } from "../support/child.js";

/**
 * The baseline: a minimal grammY bot with the same polling setup as ours (runner, sequentialize per chat, same
 * allowed updates), answering every update with one sendMessage.
 *
 * With BASELINE_BOT_API_CALLS set it is the fair baseline: per update, one premiumpay request (the channel list,
 * with credentials, over a keep-alive connection, the body parsed) and as many Bot API calls as our bot makes per
 * update: answerCallbackQuery for a button press, sendChatAction for the rest, the sendMessage last (the harness
 * takes any message as the answer). What it leaves out is what our design adds: conversation replay and state,
 * rendering and translation, and the premiumpay client's validation.
 */
const botApiCalls = Number(process.env.BASELINE_BOT_API_CALLS ?? 1);
const premiumpayUrl = process.env.BASELINE_PREMIUMPAY_URL;
const agent = new http.Agent({ keepAlive: true });

function premiumpayRequest(url: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: "POST",
        agent,
        headers: {
          Accept: "application/json",
          "Content-Type": "application/json",
          Authorization: `Bearer ${process.env.BASELINE_PREMIUMPAY_TOKEN ?? ""}`,
          "X-client-id": process.env.BASELINE_PREMIUMPAY_CLIENT_ID ?? "",
        },
      },
      (response) => {
        if (response.statusCode !== 200) reject(new Error(`premiumpay answered ${response.statusCode}`));
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => resolve(JSON.parse(Buffer.concat(chunks).toString("utf8"))));
        response.on("error", reject);
      },
    );
    request.on("error", reject);
    request.end(JSON.stringify({ include_links: "yes" }));
  });
}

async function answer(ctx: Context): Promise<void> {
  if (premiumpayUrl) await premiumpayRequest(premiumpayUrl);
  let calls = 1;
  if (ctx.callbackQuery && calls < botApiCalls) {
    await ctx.answerCallbackQuery();
    calls++;
  }
  for (; calls < botApiCalls; calls++) await ctx.replyWithChatAction("typing");
  await ctx.reply("ok");
}

async function start() {
  const bot = new Bot(process.env.BOT_TOKEN ?? "", {
    client: { apiRoot: process.env.TELEGRAM_API_ROOT ?? "" },
  });
  bot.use(sequentialize((ctx) => ctx.chat?.id.toString()));
  bot.on(["message", "callback_query"], answer);
  await bot.init();
  await bot.api.deleteWebhook();
  const runner = run(bot, {
    runner: { fetch: { allowed_updates: ["message", "callback_query", "my_chat_member"] } },
  });
  return runner;
}

start().then((runner) => {
  serveParent({
    cpu: async () => ({ type: "cpu", ...process.cpuUsage() }),
    stop: async () => {
      if (runner.isRunning()) await runner.stop();
      process.send?.({ type: "stop", warnings: 0 });
      process.disconnect?.();
      return undefined;
    },
  });
  process.send?.({ type: "ready" });
}, failInChild);
