import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import type { Config } from "../config.js";
import { askRunningBot, type BotReply } from "../control/client.js";
import type { RequestOf } from "../control/protocol.js";
import { createLogger, type Logger } from "../logger.js";
import { createDeps, exitWith, loadConfigOrExit, openStore } from "../startup.js";
import { DataDirLockedError, type Store, StoreError } from "../store/index.js";
import { createDigestService } from "./index.js";
import { DigestNowRefused, digestNow } from "./now.js";

/**
 * `npm run digest -- --now [--user <telegram id>]`: builds and sends today's digest at once through the same
 * code as the scheduler (and marks the day sent), then exits. For cron-style deployments and for testing.
 * While the bot runs on the same data folder, the bot does it (asked over its control channel): one process
 * writes the folder. Otherwise this process opens the store itself.
 */
const PROGRAM = "premiumpay-digest";
/** A bot that is starting holds the folder before its control channel opens: ask again for this long. */
const WAIT_FOR_STARTING_BOT_MS = 10_000;
const RETRY_MS = 250;

type DigestRequest = RequestOf<"digest-now">;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { now: { type: "boolean" }, user: { type: "string" } } });
  if (!values.now) exitWith(PROGRAM, "usage: npm run digest -- --now [--user <telegram id>]");
  if (values.user !== undefined && !/^\d{1,16}$/.test(values.user))
    exitWith(PROGRAM, `--user: "${values.user}" is not a Telegram user id`);
  const config = loadConfigOrExit(PROGRAM);
  const logger = createLogger(config.logLevel);
  const request: DigestRequest =
    values.user === undefined
      ? { command: "digest-now" }
      : { command: "digest-now", userId: Number(values.user) };
  const opened = await storeUnlessBotRuns(config, logger, request);
  if ("ok" in opened) {
    if (!opened.ok) exitWith(PROGRAM, opened.error);
    process.stdout.write(`${JSON.stringify({ ...opened.result, botPid: opened.pid })}\n`);
    process.exitCode = opened.result.failed > 0 ? 1 : 0;
    return;
  }
  await runHere(config, logger, opened.store, request.userId);
}

/** The running bot's reply when one runs on the data folder; otherwise the store, opened by this process. */
async function storeUnlessBotRuns(
  config: Config,
  logger: Logger,
  request: DigestRequest,
): Promise<BotReply<"digest-now"> | { store: Store }> {
  for (let waited = 0; ; waited += RETRY_MS) {
    const reply = await askRunningBot(config.dataDir, request);
    if (reply) return reply;
    try {
      return { store: await openStore(config, () => new Date(), logger) };
    } catch (error) {
      if (error instanceof DataDirLockedError && waited < WAIT_FOR_STARTING_BOT_MS) {
        await sleep(RETRY_MS);
        continue;
      }
      // A data folder another process holds, an unreadable file, a wrong key: one line, files untouched.
      if (error instanceof StoreError) exitWith(PROGRAM, error.message);
      throw error;
    }
  }
}

async function runHere(config: Config, logger: Logger, store: Store, userId: number | undefined) {
  const service = createDigestService({ deps: createDeps(config, store, logger, () => new Date()) });
  let report: Awaited<ReturnType<typeof digestNow>>;
  try {
    report = await digestNow(service, store, userId);
  } catch (error) {
    if (error instanceof DigestNowRefused) exitWith(PROGRAM, error.message);
    throw error;
  }
  await service.stop();
  await store.flush();
  await store.close();
  process.stdout.write(`${JSON.stringify({ ...report, ...service.deliveryStats })}\n`);
  process.exitCode = report.failed > 0 ? 1 : 0;
}

main().catch((error: unknown) => {
  createLogger("error").fatal({ err: error }, "the digest could not run");
  process.exit(1);
});
