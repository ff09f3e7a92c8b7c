import { parseArgs } from "node:util";
import { migrateLegacyAlertsFile } from "../alerts/index.js";
import { type Config, ConfigError, loadConfig, loadDotEnv } from "../config.js";
import { createLogger } from "../logger.js";
import { exitWith, openStoreOrExit } from "../startup.js";
import { copyStore, copyVerified } from "../store/copy.js";

/**
 * `npm run store:copy -- --from lowdb --to postgres` (or back): moves a deployment's data between backends, with
 * the bot stopped. Both sides come from the bot's own configuration: DATA_DIR for lowdb, DATABASE_URL for
 * PostgreSQL, the same CREDENTIALS_KEY. Prints counts only, never a secret; exits 1 unless the counts match.
 */
const PROGRAM = "premiumpay-store-copy";
const USAGE = "usage: npm run store:copy -- --from lowdb|postgres --to postgres|lowdb";
const backends = ["lowdb", "postgres"] as const;
type Backend = (typeof backends)[number];

function configFor(backend: Backend): Config {
  try {
    return loadConfig({ ...process.env, STORE: backend });
  } catch (error) {
    if (error instanceof ConfigError) exitWith(PROGRAM, error.message);
    throw error;
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { from: { type: "string" }, to: { type: "string" } } });
  const isBackend = (value: string | undefined): value is Backend => backends.includes(value as Backend);
  if (!isBackend(values.from) || !isBackend(values.to) || values.from === values.to) exitWith(PROGRAM, USAGE);
  loadDotEnv();
  const now = () => new Date();
  const logger = createLogger("warn");
  const sourceConfig = configFor(values.from);
  const source = await openStoreOrExit(PROGRAM, sourceConfig, now, logger);
  // A data folder last run by a release that kept alerts.json: its alert state goes with the rest.
  if (values.from === "lowdb") await migrateLegacyAlertsFile(sourceConfig.dataDir, source, logger);
  const target = await openStoreOrExit(PROGRAM, configFor(values.to), now, logger);
  try {
    const report = await copyStore(source, target);
    const verified = copyVerified(report);
    process.stdout.write(
      `${JSON.stringify({ from: source.location, to: target.location, ...report, verified })}\n`,
    );
    if (!verified) {
      process.stderr.write(
        `${PROGRAM}: the target's counts differ from the source's (it held other data before?); nothing was deleted\n`,
      );
      process.exitCode = 1;
    }
  } finally {
    await source.close();
    await target.close();
  }
}

main().catch((error: unknown) => {
  // The message only: an error object could carry a connection string.
  exitWith(PROGRAM, (error as Error).message.split("\n")[0] ?? "failed");
});
