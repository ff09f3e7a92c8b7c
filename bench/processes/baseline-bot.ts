import { run, sequentialize } from "@grammyjs/runner";
import { Bot } from "grammy";
import { failInChild, serveParent } from "../support/child.js";

/**
 * The baseline: a minimal grammY bot with the same polling setup as ours (runner, sequentialize per chat, same
 * allowed updates), answering every update with one sendMessage.
 */
async function start() {
  const bot = new Bot(process.env.BOT_TOKEN ?? "", {
    client: { apiRoot: process.env.TELEGRAM_API_ROOT ?? "" },
  });
  bot.use(sequentialize((ctx) => ctx.chat?.id.toString()));
  bot.on(["message", "callback_query"], (ctx) => ctx.reply("ok"));
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
