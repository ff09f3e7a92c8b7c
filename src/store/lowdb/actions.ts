import { StoreError } from "../errors.js";
import { checkTelegramId } from "../records.js";
import type { ActionRecord } from "../schema.js";
import type { ConfirmedActions, RunOnceOutcome } from "../types.js";
import type { DurableFile } from "./durable.js";
import type { OperatorTables } from "./operators.js";

/** Confirmed-action records only need to outlive Telegram's redelivery of an update; they are dropped on load. */
const ACTION_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

/** Forgets records older than the retention; no write of its own: the next write persists it. */
export function dropOldActions(db: DurableFile<OperatorTables>, now: Date): void {
  for (const [id, record] of [...db.entries("actions")]) {
    if (now.getTime() - Date.parse(record.at) > ACTION_RETENTION_MS) db.file.delete("actions", id);
  }
}

export function createConfirmedActions(db: DurableFile<OperatorTables>, now: () => Date): ConfirmedActions {
  // Memory only: the durable marker is the action's record; this map lets concurrent duplicates share one run.
  const runningActions = new Map<string, Promise<RunOnceOutcome<unknown>>>();

  /**
   * Marks the action pending durably before running it, so a crash during the action leaves evidence that it may
   * have happened; records the JSON result after. An action that throws has its record removed: it did not
   * complete, and a retry with the same id may run it again.
   */
  async function runAction<T>(actionId: string, telegramId: number, action: () => Promise<T>) {
    const at = () => now().toISOString();
    await db.write([
      { table: "actions", key: actionId, value: { actionId, telegramId, state: "pending", at: at() } },
    ]);
    let result: T;
    try {
      result = await action();
    } catch (error) {
      // If this write fails the record stays pending, in memory as on disk: a retry reports "unknown".
      await db.write([{ table: "actions", key: actionId, value: undefined }]).catch(() => undefined);
      throw error;
    }
    const stored = result === undefined ? undefined : JSON.parse(JSON.stringify(result));
    const done: ActionRecord = { actionId, telegramId, state: "done", at: at() };
    if (stored !== undefined) done.result = stored;
    // The action happened, so its result is returned even if this write fails: the record on disk then still
    // says pending, and a redelivery after a restart reports "unknown" instead of running it twice.
    await db.record({ table: "actions", key: actionId, value: done });
    return { state: "done", result, replayed: false } as RunOnceOutcome<T>;
  }

  return {
    async runOnce<T>(actionId: string, telegramId: number, action: () => Promise<T>) {
      checkTelegramId(telegramId);
      // Everything up to runAction's first await is synchronous, so concurrent duplicates see the running action.
      const existing = db.get("actions", actionId);
      if (existing && existing.telegramId !== telegramId) {
        throw new StoreError(`action ${actionId} belongs to another user`);
      }
      const running = runningActions.get(actionId) as Promise<RunOnceOutcome<T>> | undefined;
      if (running) return { ...(await running), replayed: true } as RunOnceOutcome<T>;
      if (existing?.state === "done") return { state: "done", result: existing.result as T, replayed: true };
      if (existing?.state === "pending") {
        return { state: "unknown", result: undefined, replayed: true, startedAt: existing.at };
      }
      const run = runAction(actionId, telegramId, action);
      runningActions.set(actionId, run);
      const forget = () => runningActions.delete(actionId);
      run.then(forget, forget);
      return run;
    },
  };
}
