import { join } from "node:path";
import {
  type AlertAccount,
  type AlertOutbox,
  type AlertSettingsRecord,
  alertAccountSchema,
  alertOutboxSchema,
  alertSettingsRecordSchema,
} from "../alerts.js";
import type { KeyRing } from "../crypto.js";
import { JournaledFile, type StoreLogger } from "../journaled-file.js";
import { credentialsOf, loggedInRecord, patchedRecord, toOperator } from "../records.js";
import {
  type ActionRecord,
  actionRecordSchema,
  type OperatorRecord,
  operatorRecordSchema,
  SCHEMA_VERSION,
} from "../schema.js";
import type { AuditTransfer, OperatorStore, StoreTransfer, TeamTransfer } from "../types.js";
import type { Change, DurableFile } from "./durable.js";

/** The tables of operators.json; the alert state lives in the same file, so one write can span both. */
export type OperatorTables = {
  operators: OperatorRecord;
  actions: ActionRecord;
  alertSettings: AlertSettingsRecord;
  alertAccounts: AlertAccount;
  alertOutboxes: AlertOutbox;
};

/** `operators.json` in the data folder. */
export function openOperatorFile(
  dataDir: string,
  logger?: StoreLogger,
): Promise<JournaledFile<OperatorTables>> {
  return JournaledFile.open<OperatorTables>(
    join(dataDir, "operators.json"),
    SCHEMA_VERSION,
    {
      operators: { schema: operatorRecordSchema, keyOf: (record) => String(record.telegramId) },
      actions: { schema: actionRecordSchema, keyOf: (record) => record.actionId },
      alertSettings: { schema: alertSettingsRecordSchema, keyOf: (record) => String(record.telegramId) },
      alertAccounts: { schema: alertAccountSchema, keyOf: (record) => record.clientId },
      alertOutboxes: { schema: alertOutboxSchema, keyOf: (record) => String(record.telegramId) },
    },
    { logger },
  );
}

export interface OperatorContext {
  ring: KeyRing;
  now: () => Date;
  db: DurableFile<OperatorTables>;
}

export const operatorLock = (telegramId: number) => `operators:${telegramId}`;
/** Held by every read-modify-write of one operator's alert settings or outbox. */
export const alertOutboxLock = (telegramId: number) => `alerts:${telegramId}`;

export function createOperatorStore({ ring, now, db }: OperatorContext): OperatorStore {
  const read = (telegramId: number) => db.get("operators", String(telegramId));

  /** Builds the new record from the current one and saves it, one change of an operator at a time. */
  const change = (telegramId: number, build: (existing: OperatorRecord | undefined) => OperatorRecord) =>
    db.serially([operatorLock(telegramId)], async () => {
      const record = build(read(telegramId));
      await db.write([{ table: "operators", key: String(telegramId), value: record }]);
      return toOperator(record);
    });

  return {
    async getOperator(telegramId) {
      const record = read(telegramId);
      return record ? toOperator(record) : undefined;
    },

    async listOperators() {
      return Array.from(db.entries("operators"), ([, record]) => toOperator(record));
    },

    async getCredentials(telegramId) {
      const record = read(telegramId);
      return record ? credentialsOf(ring, record) : undefined;
    },

    saveCredentials(telegramId, creds, defaults) {
      return change(telegramId, (existing) =>
        loggedInRecord(ring, existing, telegramId, creds, defaults, now().toISOString()),
      );
    },

    updateOperator(telegramId, patch) {
      return change(telegramId, (existing) =>
        patchedRecord(ring, existing, telegramId, patch, now().toISOString()),
      );
    },

    deleteOperator(telegramId) {
      return db.serially([operatorLock(telegramId), alertOutboxLock(telegramId)], async () => {
        const changes: Change<OperatorTables>[] = [];
        if (read(telegramId)) changes.push({ table: "operators", key: String(telegramId), value: undefined });
        for (const [id, action] of db.entries("actions")) {
          if (action.telegramId === telegramId) changes.push({ table: "actions", key: id, value: undefined });
        }
        for (const table of ["alertSettings", "alertOutboxes"] as const) {
          if (db.get(table, String(telegramId)))
            changes.push({ table, key: String(telegramId), value: undefined });
        }
        if (changes.length === 0) return false;
        await db.write(changes);
        return true;
      });
    },
  };
}

/** store:copy's side of the lowdb backend: confirmed actions and operators' times, written as given. */
export function createTransfer({
  db,
}: OperatorContext): Omit<StoreTransfer, keyof TeamTransfer | keyof AuditTransfer> {
  return {
    async listConfirmedActions() {
      return Array.from(db.entries("actions"), ([, record]) => record);
    },
    async putConfirmedActions(records) {
      if (records.length === 0) return;
      await db.write(records.map((record) => ({ table: "actions", key: record.actionId, value: record })));
    },
    setOperatorTimes(telegramId, { createdAt, updatedAt }) {
      return db.serially([operatorLock(telegramId)], async () => {
        const record = db.get("operators", String(telegramId));
        if (!record) return;
        await db.write([
          { table: "operators", key: String(telegramId), value: { ...record, createdAt, updatedAt } },
        ]);
      });
    },
  };
}
