import type { AuditAction, AuditDetails, AuditEntryInput } from "../store/index.js";
import { resolveActor } from "../team/acting.js";
import type { BotDeps } from "./context.js";

/** What a confirmed action says about itself in the audit log; the key and the people are added where it runs. */
export interface AuditNote {
  action: AuditAction;
  details: AuditDetails;
}

/**
 * Records a confirmed action in the account's audit log, once per key (the confirming click or update, so a
 * replay after a crash records nothing new). The action has already happened: a failed write is logged, never
 * turned into a failure of the action. A teammate's entry is the owner's account's.
 */
export async function recordAudit(
  deps: Pick<BotDeps, "store" | "logger">,
  userId: number,
  key: string,
  note: AuditNote,
  /** The account, when `userId` no longer belongs to it (a teammate who just left). */
  accountId?: number,
): Promise<void> {
  try {
    // A teammate's action goes into their owner's log: the account is the owner's, the actor the teammate.
    const actor = accountId === undefined ? await resolveActor(deps.store, userId) : undefined;
    const account = accountId ?? (actor?.kind === "teammate" ? actor.accountId : userId);
    const entry: AuditEntryInput = { key, account, actor: userId, ...note };
    await deps.store.recordAudit(entry);
  } catch (error) {
    deps.logger.error({ err: error, userId, action: note.action }, "could not record an audit entry");
  }
}
