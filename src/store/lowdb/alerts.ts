import {
  alertPollSchema,
  alertSettingsSchema,
  alertStateSnapshotSchema,
  checked,
  DEFAULT_ALERT_SETTINGS,
  deliveredFrom,
  emptyOutbox,
  isEmptyOutbox,
  queuedInto,
} from "../alerts.js";
import { checkTelegramId } from "../records.js";
import type { AlertStore } from "../types.js";
import type { Change, DurableFile } from "./durable.js";
import { alertOutboxLock, type OperatorTables } from "./operators.js";

const accountLock = (clientId: string) => `alert-account:${clientId}`;
const byId = (a: { telegramId: number }, b: { telegramId: number }) => a.telegramId - b.telegramId;

type Tables = OperatorTables;
type AlertFile = DurableFile<Tables>;
type AlertSettingsStore = Pick<AlertStore, "alertSettings" | "setAlertSettings" | "alertSubscribers">;
type AlertPollStore = Pick<AlertStore, "alertAccount" | "recordAlertPoll">;
type AlertOutboxStore = Pick<AlertStore, "alertOutboxes" | "markAlertsSent" | "clearAlertOutbox">;
type AlertTransfer = Pick<AlertStore, "exportAlertState" | "importAlertState">;

const outboxOf = (db: AlertFile, telegramId: number) =>
  db.get("alertOutboxes", String(telegramId)) ?? emptyOutbox(telegramId);

/** An empty outbox is deleted rather than stored. */
const outboxChange = (outbox: Tables["alertOutboxes"]): Change<Tables> => ({
  table: "alertOutboxes",
  key: String(outbox.telegramId),
  value: isEmptyOutbox(outbox) ? undefined : outbox,
});

const settingsChange = (
  telegramId: number,
  settings: Tables["alertSettings"]["settings"],
): Change<Tables> => ({
  table: "alertSettings",
  key: String(telegramId),
  value: { telegramId, settings },
});

/**
 * The alert state in operators.json: each write is one journal line (durable and all or nothing), and a
 * read-modify-write holds its records' keys, so concurrent polls and deliveries of one operator never lose a
 * change. Each concern is a part of its own on the shared file.
 */
export function createAlertStore(db: AlertFile): AlertStore {
  return {
    ...createAlertSettings(db),
    ...createAlertPolls(db),
    ...createAlertOutboxes(db),
    ...createAlertTransfer(db),
  };
}

function createAlertSettings(db: AlertFile): AlertSettingsStore {
  return {
    async alertSettings(telegramId) {
      return db.get("alertSettings", String(telegramId))?.settings ?? { ...DEFAULT_ALERT_SETTINGS };
    },

    async setAlertSettings(telegramId, settings) {
      checkTelegramId(telegramId);
      const valid = checked(alertSettingsSchema, settings, "alert settings");
      return db.serially([alertOutboxLock(telegramId)], () => db.write([settingsChange(telegramId, valid)]));
    },

    async alertSubscribers() {
      return Array.from(db.entries("alertSettings"), ([, record]) => record)
        .filter((record) => record.settings.enabled)
        .sort(byId);
    },
  };
}

/** The pollers' side: each account's watermark and outage, and the sales found queued for its operators. */
function createAlertPolls(db: AlertFile): AlertPollStore {
  return {
    async alertAccount(clientId) {
      return db.get("alertAccounts", clientId);
    },

    async recordAlertPoll(poll) {
      const valid = checked(alertPollSchema, poll, "alert poll");
      const { account } = valid;
      const ids = valid.queued.map((queued) => queued.telegramId);
      return db.serially([accountLock(account.clientId), ...ids.map(alertOutboxLock)], async () => {
        const changes: Change<Tables>[] = [{ table: "alertAccounts", key: account.clientId, value: account }];
        for (const queued of valid.queued)
          changes.push(outboxChange(queuedInto(outboxOf(db, queued.telegramId), queued, valid.at)));
        await db.write(changes);
      });
    },
  };
}

/** The senders' side: what waits, the sent marks of what Telegram accepted, and the clearing of an outbox. */
function createAlertOutboxes(db: AlertFile): AlertOutboxStore {
  return {
    async alertOutboxes() {
      return Array.from(db.entries("alertOutboxes"), ([, outbox]) => outbox).sort(byId);
    },

    async markAlertsSent(telegramId, delivery, at, forgetSentBefore) {
      checkTelegramId(telegramId);
      return db.serially([alertOutboxLock(telegramId)], () =>
        db.write([
          outboxChange(deliveredFrom(outboxOf(db, telegramId), delivery, at.toISOString(), forgetSentBefore)),
        ]),
      );
    },

    async clearAlertOutbox(telegramId, options = {}) {
      checkTelegramId(telegramId);
      return db.serially([alertOutboxLock(telegramId)], async () => {
        const changes = [outboxChange({ ...outboxOf(db, telegramId), entries: [], notices: [] })];
        const current = db.get("alertSettings", String(telegramId))?.settings;
        if (options.switchOff && current?.enabled)
          changes.push(settingsChange(telegramId, { ...current, enabled: false }));
        await db.write(changes);
      });
    },
  };
}

/** store:copy's side (and the one-time import of an old alerts.json): every record, written in one write. */
function createAlertTransfer(db: AlertFile): AlertTransfer {
  return {
    async exportAlertState() {
      return {
        settings: Array.from(db.entries("alertSettings"), ([, record]) => record).sort(byId),
        accounts: Array.from(db.entries("alertAccounts"), ([, account]) => account).sort((a, b) =>
          a.clientId.localeCompare(b.clientId),
        ),
        outboxes: Array.from(db.entries("alertOutboxes"), ([, outbox]) => outbox).sort(byId),
      };
    },

    async importAlertState(snapshot, mode) {
      const valid = checked(alertStateSnapshotSchema, snapshot, "alert state");
      const ids = [...new Set([...valid.settings, ...valid.outboxes].map((record) => record.telegramId))].map(
        alertOutboxLock,
      );
      const accounts = valid.accounts.map((account) => accountLock(account.clientId));
      return db.serially([...ids, ...accounts], async () => {
        const keep = (table: keyof Tables & string, key: string) => mode === "fill" && db.get(table, key);
        const changes: Change<Tables>[] = [];
        for (const record of valid.settings)
          if (!keep("alertSettings", String(record.telegramId)))
            changes.push(settingsChange(record.telegramId, record.settings));
        for (const account of valid.accounts)
          if (!keep("alertAccounts", account.clientId))
            changes.push({ table: "alertAccounts", key: account.clientId, value: account });
        for (const outbox of valid.outboxes)
          if (!keep("alertOutboxes", String(outbox.telegramId))) changes.push(outboxChange(outbox));
        if (changes.length > 0) await db.write(changes);
      });
    },
  };
}
