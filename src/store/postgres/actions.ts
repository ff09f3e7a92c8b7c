import { StoreError } from "../errors.js";
import { checkTelegramId } from "../records.js";
import { actionRecordSchema } from "../schema.js";
import type { ConfirmedActions, RunOnceOutcome, StoreTransfer } from "../types.js";
import { inTransaction, writing } from "./connection.js";
import type { PostgresContext } from "./context.js";

/** Confirmed-action records only need to outlive Telegram's redelivery of an update. */
const ACTION_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

/** Forgets the records past the retention; run when the store opens. */
export async function dropOldActions({ pool, now }: PostgresContext): Promise<void> {
  await pool.query("DELETE FROM confirmed_actions WHERE at < $1", [
    new Date(now().getTime() - ACTION_RETENTION_MS),
  ]);
}

async function runAction<T>({ pool, now }: PostgresContext, actionId: string, action: () => Promise<T>) {
  let result: T;
  try {
    result = await action();
  } catch (error) {
    await pool.query("DELETE FROM confirmed_actions WHERE action_id = $1", [actionId]).catch(() => {});
    throw error;
  }
  const stored = result === undefined ? null : JSON.stringify(result);
  // The action happened, so its result is returned even if this write fails: the row then still says pending,
  // and a redelivery reports "unknown" instead of running it twice.
  await pool
    .query("UPDATE confirmed_actions SET state = 'done', result = $2::jsonb, at = $3 WHERE action_id = $1", [
      actionId,
      stored,
      now(),
    ])
    .catch(() => {});
  return { state: "done", result, replayed: false } as RunOnceOutcome<T>;
}

/** The primary key decides who runs an action: of every replica and every duplicate, one insert wins. */
async function claimAction<T>(
  context: PostgresContext,
  actionId: string,
  telegramId: number,
  action: () => Promise<T>,
): Promise<RunOnceOutcome<T>> {
  const { pool, now } = context;
  for (;;) {
    const inserted = await writing("the confirmed action", () =>
      pool.query(
        `INSERT INTO confirmed_actions (action_id, telegram_id, state, at) VALUES ($1, $2, 'pending', $3)
         ON CONFLICT (action_id) DO NOTHING`,
        [actionId, telegramId, now()],
      ),
    );
    if (inserted.rowCount === 1) return runAction(context, actionId, action);
    const { rows } = await pool.query<{ telegram_id: string; state: string; result: unknown; at: Date }>(
      "SELECT telegram_id::text AS telegram_id, state, result, at FROM confirmed_actions WHERE action_id = $1",
      [actionId],
    );
    const row = rows[0];
    // Gone between the insert and the select (its run failed, leaving no record): claim it again.
    if (!row) continue;
    if (Number(row.telegram_id) !== telegramId)
      throw new StoreError(`action ${actionId} belongs to another user`);
    if (row.state === "done")
      return { state: "done", result: (row.result ?? undefined) as T, replayed: true };
    return { state: "unknown", result: undefined, replayed: true, startedAt: row.at.toISOString() };
  }
}

export function createPostgresConfirmedActions(context: PostgresContext): ConfirmedActions {
  // Memory only: the durable marker is the action's row; this map lets concurrent duplicates share one run.
  const runningActions = new Map<string, Promise<RunOnceOutcome<unknown>>>();
  return {
    async runOnce<T>(actionId: string, telegramId: number, action: () => Promise<T>) {
      checkTelegramId(telegramId);
      const running = runningActions.get(actionId) as Promise<RunOnceOutcome<T>> | undefined;
      if (running) {
        const shared = await running;
        return { ...shared, replayed: true } as RunOnceOutcome<T>;
      }
      const claim = claimAction(context, actionId, telegramId, action);
      runningActions.set(actionId, claim as Promise<RunOnceOutcome<unknown>>);
      const forget = () => runningActions.delete(actionId);
      claim.then(forget, forget);
      return claim;
    },
  };
}

/** store:copy's side of the confirmed actions: every record, written as given. */
export function createActionTransfer({
  pool,
}: PostgresContext): Pick<StoreTransfer, "listConfirmedActions" | "putConfirmedActions"> {
  return {
    async listConfirmedActions() {
      const { rows } = await pool.query<{
        action_id: string;
        telegram_id: string;
        state: string;
        result: unknown;
        at: Date;
      }>("SELECT action_id, telegram_id::text AS telegram_id, state, result, at FROM confirmed_actions");
      return rows.map((row) =>
        actionRecordSchema.parse({
          actionId: row.action_id,
          telegramId: Number(row.telegram_id),
          state: row.state,
          ...(row.result === null ? {} : { result: row.result }),
          at: row.at.toISOString(),
        }),
      );
    },

    async putConfirmedActions(records) {
      await writing("the confirmed actions", () =>
        inTransaction(pool, async (client) => {
          for (const record of records) {
            await client.query(
              `INSERT INTO confirmed_actions (action_id, telegram_id, state, result, at)
               VALUES ($1, $2, $3, $4::jsonb, $5)
               ON CONFLICT (action_id) DO UPDATE SET telegram_id = EXCLUDED.telegram_id, state = EXCLUDED.state,
                 result = EXCLUDED.result, at = EXCLUDED.at`,
              [
                record.actionId,
                record.telegramId,
                record.state,
                record.result === undefined ? null : JSON.stringify(record.result),
                record.at,
              ],
            );
          }
        }),
      );
    },
  };
}
