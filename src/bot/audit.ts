import type { AuditAction, AuditDetails, AuditEntryInput } from "../store/index.js";
import type { BotDeps } from "./context.js";

/** What a confirmed action says about itself in the audit log; the key and the people are added where it runs. */
export interface AuditNote {
  action: AuditAction;
  details: AuditDetails;
}

/**
 * Records a confirmed action in the account's audit log, once per key (the confirming click or update, so a
 * replay after a crash records nothing new). The action has already happened: a failed write is logged, never
 * turned into a failure of the action. The account is the operator's own until teammates act for an owner.
 */
export async function recordAudit(
  deps: Pick<BotDeps, "store" | "logger">,
  userId: number,
  key: string,
  note: AuditNote,
): Promise<void> {
  const entry: AuditEntryInput = { key, account: userId, actor: userId, ...note };
  try {
    await deps.store.recordAudit(entry);
  } catch (error) {
    deps.logger.error({ err: error, userId, action: note.action }, "could not record an audit entry");
  }
}
