import { parseArgs } from "node:util";
import { createLogger } from "../logger.js";
import { createDeps, exitWith, loadConfigOrExit, openStoreOrExit } from "../startup.js";
import { createDigestService } from "./index.js";

/**
 * `npm run digest -- --now [--user <telegram id>]`: builds and sends today's digest at once through the same
 * code as the scheduler (and marks the day sent), then exits. For cron-style deployments and for testing.
 * Run it while the bot is stopped, or with the bot's own scheduler in mind: both write the same data file.
 */
const PROGRAM = "premiumpay-digest";

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { now: { type: "boolean" }, user: { type: "string" } } });
  if (!values.now) exitWith(PROGRAM, "usage: npm run digest -- --now [--user <telegram id>]");
  if (values.user !== undefined && !/^\d{1,16}$/.test(values.user))
    exitWith(PROGRAM, `--user: "${values.user}" is not a Telegram user id`);
  const config = loadConfigOrExit(PROGRAM);
  const logger = createLogger(config.logLevel);
  const now = () => new Date();
  const store = await openStoreOrExit(PROGRAM, config, now);
  const service = createDigestService({ deps: createDeps(config, store, logger, now) });
  const userId = values.user === undefined ? undefined : Number(values.user);
  if (userId !== undefined && !(await store.getOperator(userId))?.hasCredentials)
    exitWith(PROGRAM, `user ${userId} is not logged in`);
  const report = await service.runNow(userId === undefined ? {} : { userId });
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
