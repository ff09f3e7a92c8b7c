import type { Store } from "../store/index.js";
import type { DigestRunReport, DigestService } from "./index.js";

/** `--user` names someone who cannot get a digest; the message is shown to whoever ran the command. */
export class DigestNowRefused extends Error {
  override name = "DigestNowRefused";
}

/**
 * `npm run digest -- --now [--user ID]`, the same wherever it runs: in the command's own process, or in the running
 * bot when the command asks it over the control channel.
 */
export async function digestNow(
  service: DigestService,
  store: Store,
  userId: number | undefined,
): Promise<DigestRunReport> {
  if (userId !== undefined && !(await store.getOperator(userId))?.hasCredentials)
    throw new DigestNowRefused(`user ${userId} is not logged in`);
  return service.runNow(userId === undefined ? {} : { userId });
}
