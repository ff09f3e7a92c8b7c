import type pg from "pg";
import {
  AUDIT_MAX_AGE_MS,
  AUDIT_MAX_PER_ACCOUNT,
  type AuditEntry,
  type AuditEntryInput,
  checkedAuditSnapshot,
  sortedAuditSnapshot,
  type TeamGroup,
  TeamGroupTakenError,
  validAuditEntry,
  validTeamGroup,
} from "../audit.js";
import { checkTelegramId } from "../records.js";
import type { AuditStore, AuditTransfer, TeamGroupStore } from "../types.js";
import { inTransaction, writing } from "./connection.js";
import type { PostgresContext } from "./context.js";

interface AuditRow {
  account: string;
  key: string;
  actor: string;
  at: Date;
  action: string;
  details: unknown;
}

interface GroupRow {
  account: string;
  chat_id: string;
  title: string;
  digest: boolean;
  alerts: boolean;
  connected_by: string;
  connected_at: Date;
}

const AUDIT_COLUMNS = "account::text AS account, key, actor::text AS actor, at, action, details";
const GROUP_COLUMNS = `account::text AS account, chat_id::text AS chat_id, title, digest, alerts,
  connected_by::text AS connected_by, connected_at`;

/** Rows are checked like any other boundary: one the schema refuses is reported, never half-used. */
const auditOf = (row: AuditRow): AuditEntry =>
  validAuditEntry({
    account: Number(row.account),
    key: row.key,
    actor: Number(row.actor),
    at: row.at.toISOString(),
    action: row.action as AuditEntry["action"],
    details: row.details as AuditEntry["details"],
  });

const groupOf = (row: GroupRow): TeamGroup =>
  validTeamGroup({
    account: Number(row.account),
    chatId: Number(row.chat_id),
    title: row.title,
    digest: row.digest,
    alerts: row.alerts,
    connectedBy: Number(row.connected_by),
    connectedAt: row.connected_at.toISOString(),
  });

/** The audit log and team group link on PostgreSQL (tables of migration 1764620000300). */
export function createPostgresAuditStore(
  context: PostgresContext,
): AuditStore & TeamGroupStore & AuditTransfer {
  return {
    ...createAuditLog(context),
    ...createTeamGroupLinks(context),
    ...createAuditTransfer(context),
  };
}

/** Inserts the entry unless its key is there, then trims the account's log to the retention; true if inserted. */
async function insertAudit(client: pg.ClientBase, now: () => Date, input: AuditEntryInput): Promise<boolean> {
  checkTelegramId(input.account);
  const entry = validAuditEntry({ ...input, at: now().toISOString() });
  const inserted = await client.query(
    `INSERT INTO audit_log (account, key, actor, at, action, details) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (account, key) DO NOTHING`,
    [entry.account, entry.key, entry.actor, entry.at, entry.action, JSON.stringify(entry.details)],
  );
  if (inserted.rowCount !== 1) return false;
  await client.query(
    `DELETE FROM audit_log WHERE account = $1 AND (at < $2 OR key IN (
       SELECT key FROM audit_log WHERE account = $1 ORDER BY at DESC, key DESC OFFSET $3))`,
    [entry.account, new Date(now().getTime() - AUDIT_MAX_AGE_MS), AUDIT_MAX_PER_ACCOUNT],
  );
  return true;
}

/** Writes the account's link; the unique chat id refuses a chat another account has. */
async function upsertGroup(client: pg.ClientBase, group: TeamGroup): Promise<void> {
  await client
    .query(
      `INSERT INTO team_groups (account, chat_id, title, digest, alerts, connected_by, connected_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (account) DO UPDATE SET chat_id = EXCLUDED.chat_id, title = EXCLUDED.title,
         digest = EXCLUDED.digest, alerts = EXCLUDED.alerts, connected_by = EXCLUDED.connected_by,
         connected_at = EXCLUDED.connected_at`,
      [
        group.account,
        group.chatId,
        group.title,
        group.digest,
        group.alerts,
        group.connectedBy,
        group.connectedAt,
      ],
    )
    .catch((error: { code?: string }) => {
      throw error.code === "23505" ? new TeamGroupTakenError(group.chatId) : error;
    });
}

const readGroups = async (pool: pg.Pool, where: string, values: unknown[]) =>
  (await pool.query<GroupRow>(`SELECT ${GROUP_COLUMNS} FROM team_groups ${where}`, values)).rows.map(groupOf);

function createAuditLog({ pool, now }: PostgresContext): AuditStore {
  return {
    recordAudit(input) {
      return writing("the audit entry", () =>
        inTransaction(pool, (client) => insertAudit(client, now, input)),
      );
    },

    async listAudit(account, { offset, limit }) {
      const { rows } = await pool.query<AuditRow>(
        `SELECT ${AUDIT_COLUMNS} FROM audit_log WHERE account = $1 ORDER BY at DESC, key DESC OFFSET $2 LIMIT $3`,
        [account, offset, limit],
      );
      const count = await pool.query<{ total: string }>(
        "SELECT count(*)::text AS total FROM audit_log WHERE account = $1",
        [account],
      );
      return { entries: rows.map(auditOf), total: Number(count.rows[0]?.total ?? 0) };
    },
  };
}

/** Connects the account's group (and records who did) in one transaction; returns the group it replaced. */
function connectGroup({ pool, now }: PostgresContext, group: TeamGroup, audit: AuditEntryInput) {
  const checked = validTeamGroup(group);
  return writing("the team group", () =>
    inTransaction(pool, async (client) => {
      const { rows } = await client.query<GroupRow>(
        `SELECT ${GROUP_COLUMNS} FROM team_groups WHERE account = $1 OR chat_id = $2 FOR UPDATE`,
        [checked.account, checked.chatId],
      );
      const current = rows.map(groupOf);
      if (current.some((row) => row.chatId === checked.chatId && row.account !== checked.account))
        throw new TeamGroupTakenError(checked.chatId);
      const previous = current.find((row) => row.account === checked.account);
      // The unique chat id settles two accounts connecting one group at once: the second insert fails.
      await upsertGroup(client, checked);
      await insertAudit(client, now, audit);
      return previous && previous.chatId !== checked.chatId ? previous : undefined;
    }),
  );
}

function createTeamGroupLinks(context: PostgresContext): TeamGroupStore {
  const { pool, now } = context;
  return {
    async getTeamGroup(account) {
      return (await readGroups(pool, "WHERE account = $1", [account]))[0];
    },

    async findTeamGroup(chatId) {
      return (await readGroups(pool, "WHERE chat_id = $1", [chatId]))[0];
    },

    listTeamGroups: () => readGroups(pool, "ORDER BY account", []),

    connectTeamGroup: (group, audit) => connectGroup(context, group, audit),

    async updateTeamGroup(account, patch) {
      return writing("the team group settings", () =>
        inTransaction(pool, async (client) => {
          const { rows } = await client.query<GroupRow>(
            `SELECT ${GROUP_COLUMNS} FROM team_groups WHERE account = $1 FOR UPDATE`,
            [account],
          );
          if (!rows[0]) return undefined;
          const updated = validTeamGroup({ ...groupOf(rows[0]), ...patch });
          await client.query(
            "UPDATE team_groups SET title = $2, digest = $3, alerts = $4 WHERE account = $1",
            [account, updated.title, updated.digest, updated.alerts],
          );
          return updated;
        }),
      );
    },

    async moveTeamGroup(fromChatId, toChatId) {
      const { rows } = await writing("the team group's new chat", () =>
        pool.query<GroupRow>(
          `UPDATE team_groups SET chat_id = $2 WHERE chat_id = $1 RETURNING ${GROUP_COLUMNS}`,
          [fromChatId, toChatId],
        ),
      );
      return rows[0] ? groupOf(rows[0]) : undefined;
    },

    disconnectTeamGroup(account, audit) {
      return writing("the team group's removal", () =>
        inTransaction(pool, async (client) => {
          const { rows } = await client.query<GroupRow>(
            `DELETE FROM team_groups WHERE account = $1 RETURNING ${GROUP_COLUMNS}`,
            [account],
          );
          if (!rows[0]) return undefined;
          if (audit) await insertAudit(client, now, audit);
          return groupOf(rows[0]);
        }),
      );
    },
  };
}

/** store:copy's side: the log and the links, written as given in one transaction. */
function createAuditTransfer({ pool }: PostgresContext): AuditTransfer {
  return {
    async exportAudit() {
      const { rows } = await pool.query<AuditRow>(`SELECT ${AUDIT_COLUMNS} FROM audit_log`);
      return sortedAuditSnapshot({ entries: rows.map(auditOf), groups: await readGroups(pool, "", []) });
    },

    async importAudit(snapshot) {
      const { entries, groups } = checkedAuditSnapshot(snapshot);
      await writing("the audit log", () =>
        inTransaction(pool, async (client) => {
          for (const entry of entries) {
            await client.query(
              `INSERT INTO audit_log (account, key, actor, at, action, details) VALUES ($1, $2, $3, $4, $5, $6)
               ON CONFLICT (account, key) DO UPDATE SET actor = EXCLUDED.actor, at = EXCLUDED.at,
                 action = EXCLUDED.action, details = EXCLUDED.details`,
              [entry.account, entry.key, entry.actor, entry.at, entry.action, JSON.stringify(entry.details)],
            );
          }
          for (const group of groups) await upsertGroup(client, group);
        }),
      );
    },
  };
}
