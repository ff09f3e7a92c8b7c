import type pg from "pg";
import { checkTelegramId } from "../records.js";
import {
  type InvitationRecord,
  invitationRecordSchema,
  type MemberRecord,
  memberRecordSchema,
  type RefusedAccountRecord,
  refusedAccountSchema,
  teamRoleSchema,
} from "../schema.js";
import {
  checkedTeamSnapshot,
  memberNameFields,
  newInvitationRecord,
  redeemRefusal,
  sortedTeamSnapshot,
  toInvitation,
} from "../team-records.js";
import type { MemberName, RedeemOutcome, TeamMember, TeamStore, TeamTransfer } from "../types.js";
import { TEAM_JOIN_LOCK_CLASS } from "./advisory-locks.js";
import { inTransaction, writing } from "./connection.js";
import type { PostgresContext } from "./context.js";

interface InvitationRow {
  id: string;
  code_hash: string;
  owner_id: string;
  client_id: string;
  role: string;
  created_at: Date;
  expires_at: Date;
  state: string;
  used_by: string | null;
}

interface MemberRow {
  telegram_id: string;
  owner_id: string;
  client_id: string;
  role: string;
  joined_at: Date;
  first_name: string | null;
  username: string | null;
}

const INVITATION_COLUMNS =
  "id, code_hash, owner_id::text AS owner_id, client_id, role, created_at, expires_at, state, used_by::text AS used_by";
const MEMBER_COLUMNS =
  "telegram_id::text AS telegram_id, owner_id::text AS owner_id, client_id, role, joined_at, first_name, username";

/** Stored rows are checked like any other boundary. */
function invitationOf(row: InvitationRow): InvitationRecord {
  return invitationRecordSchema.parse({
    id: row.id,
    codeHash: row.code_hash,
    ownerId: Number(row.owner_id),
    clientId: row.client_id,
    role: row.role,
    createdAt: row.created_at.toISOString(),
    expiresAt: row.expires_at.toISOString(),
    state: row.state,
    ...(row.used_by === null ? {} : { usedBy: Number(row.used_by) }),
  });
}

function memberOf(row: MemberRow): TeamMember {
  return memberRecordSchema.parse({
    telegramId: Number(row.telegram_id),
    ownerId: Number(row.owner_id),
    clientId: row.client_id,
    role: row.role,
    joinedAt: row.joined_at.toISOString(),
    ...(row.first_name === null ? {} : { firstName: row.first_name }),
    ...(row.username === null ? {} : { username: row.username }),
  });
}

type InvitationStore = Pick<
  TeamStore,
  "createInvitation" | "findInvitation" | "listInvitations" | "revokeInvitation" | "redeemInvitation"
>;
type MemberStore = Omit<TeamStore, keyof InvitationStore>;

/** Teams on PostgreSQL: invitations, members and their transfer, each a part of its own on the shared pool. */
export function createPostgresTeamStore(context: PostgresContext): TeamStore & TeamTransfer {
  return {
    ...createInvitations(context),
    ...createMembers(context),
    ...createTeamTransfer(context),
  };
}

async function findByHash(client: pg.Pool | pg.PoolClient, codeHash: string, lock = "") {
  const { rows } = await client.query<InvitationRow>(
    `SELECT ${INVITATION_COLUMNS} FROM team_invitations WHERE code_hash = $1 ${lock}`,
    [codeHash],
  );
  return rows[0] ? invitationOf(rows[0]) : undefined;
}

/** A redeem is one transaction holding the invitation's row lock, so of many at once one wins. */
function redeem({ pool, now }: PostgresContext, codeHash: string, telegramId: number, name?: MemberName) {
  const named = memberNameFields(name);
  return writing("the accepted invitation", () =>
    inTransaction(pool, async (client): Promise<RedeemOutcome> => {
      const record = await findByHash(client, codeHash, "FOR UPDATE");
      // Serializes joins of one user across invitations (two codes redeemed at once by the same person).
      await client.query("SELECT pg_advisory_xact_lock($1, hashint8($2))", [
        TEAM_JOIN_LOCK_CLASS,
        telegramId,
      ]);
      const { rowCount } = await client.query("SELECT 1 FROM team_members WHERE telegram_id = $1", [
        telegramId,
      ]);
      const refusal = redeemRefusal(record, telegramId, now(), rowCount === 1);
      if (refusal || !record) return refusal ?? { ok: false, reason: "unknown" };
      const joinedAt = now();
      await client.query("UPDATE team_invitations SET state = 'used', used_by = $2 WHERE id = $1", [
        record.id,
        telegramId,
      ]);
      await client.query(
        `INSERT INTO team_members (telegram_id, owner_id, client_id, role, joined_at, first_name, username)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [
          telegramId,
          record.ownerId,
          record.clientId,
          record.role,
          joinedAt,
          named.firstName ?? null,
          named.username ?? null,
        ],
      );
      return {
        ok: true,
        member: {
          telegramId,
          ownerId: record.ownerId,
          clientId: record.clientId,
          role: record.role,
          joinedAt: joinedAt.toISOString(),
          ...named,
        },
      };
    }),
  );
}

function createInvitations(context: PostgresContext): InvitationStore {
  const { pool, now } = context;
  return {
    async createInvitation(invitation) {
      const record = newInvitationRecord(invitation, now());
      await writing("the invitation", () =>
        pool.query(
          `INSERT INTO team_invitations (id, code_hash, owner_id, client_id, role, created_at, expires_at, state)
           VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending')`,
          [
            record.id,
            record.codeHash,
            record.ownerId,
            record.clientId,
            record.role,
            record.createdAt,
            record.expiresAt,
          ],
        ),
      );
      return toInvitation(record);
    },

    async findInvitation(codeHash) {
      const record = await findByHash(pool, codeHash);
      return record ? toInvitation(record) : undefined;
    },

    async listInvitations(ownerId) {
      const { rows } = await pool.query<InvitationRow>(
        `SELECT ${INVITATION_COLUMNS} FROM team_invitations
         WHERE owner_id = $1 AND state = 'pending' AND expires_at > $2 ORDER BY created_at, id`,
        [ownerId, now()],
      );
      return rows.map((row) => toInvitation(invitationOf(row)));
    },

    async revokeInvitation(ownerId, invitationId) {
      const { rowCount } = await writing("the revocation", () =>
        pool.query(
          "UPDATE team_invitations SET state = 'revoked' WHERE id = $1 AND owner_id = $2 AND state = 'pending'",
          [invitationId, ownerId],
        ),
      );
      return rowCount === 1;
    },

    redeemInvitation(codeHash, telegramId, name) {
      checkTelegramId(telegramId);
      return redeem(context, codeHash, telegramId, name);
    },
  };
}

/** The members and the accounts whose owner refused to share credentials. */
function createMembers({ pool, now }: PostgresContext): MemberStore {
  return {
    async getMember(telegramId) {
      const { rows } = await pool.query<MemberRow>(
        `SELECT ${MEMBER_COLUMNS} FROM team_members WHERE telegram_id = $1`,
        [telegramId],
      );
      return rows[0] ? memberOf(rows[0]) : undefined;
    },

    async listMembers(ownerId) {
      const { rows } = await pool.query<MemberRow>(
        `SELECT ${MEMBER_COLUMNS} FROM team_members WHERE owner_id = $1 ORDER BY joined_at, telegram_id`,
        [ownerId],
      );
      return rows.map(memberOf);
    },

    async setMemberRole(ownerId, telegramId, role) {
      teamRoleSchema.parse(role);
      const { rows } = await writing("the role", () =>
        pool.query<MemberRow>(
          `UPDATE team_members SET role = $3 WHERE telegram_id = $1 AND owner_id = $2 RETURNING ${MEMBER_COLUMNS}`,
          [telegramId, ownerId, role],
        ),
      );
      return rows[0] ? memberOf(rows[0]) : undefined;
    },

    async renameMember(telegramId, name) {
      const { firstName, username } = memberNameFields(name);
      const { rowCount } = await writing("the teammate's name", () =>
        pool.query("UPDATE team_members SET first_name = $2, username = $3 WHERE telegram_id = $1", [
          telegramId,
          firstName ?? null,
          username ?? null,
        ]),
      );
      return rowCount === 1;
    },

    async removeMember(ownerId, telegramId) {
      const { rowCount } = await writing("the removal", () =>
        pool.query("DELETE FROM team_members WHERE telegram_id = $1 AND owner_id = $2", [
          telegramId,
          ownerId,
        ]),
      );
      return rowCount === 1;
    },

    async setCredentialsRefused(ownerId, refused) {
      checkTelegramId(ownerId);
      const { rowCount } = await writing("the account's state", () =>
        refused
          ? pool.query(
              "INSERT INTO team_refused_accounts (owner_id, at) VALUES ($1, $2) ON CONFLICT DO NOTHING",
              [ownerId, now()],
            )
          : pool.query("DELETE FROM team_refused_accounts WHERE owner_id = $1", [ownerId]),
      );
      return rowCount === 1;
    },

    async credentialsRefused(ownerId) {
      const { rowCount } = await pool.query("SELECT 1 FROM team_refused_accounts WHERE owner_id = $1", [
        ownerId,
      ]);
      return rowCount === 1;
    },
  };
}

async function upsertMember(client: pg.PoolClient, member: MemberRecord): Promise<void> {
  await client.query(
    `INSERT INTO team_members (telegram_id, owner_id, client_id, role, joined_at, first_name, username)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (telegram_id) DO UPDATE SET owner_id = EXCLUDED.owner_id, client_id = EXCLUDED.client_id,
       role = EXCLUDED.role, joined_at = EXCLUDED.joined_at, first_name = EXCLUDED.first_name,
       username = EXCLUDED.username`,
    [
      member.telegramId,
      member.ownerId,
      member.clientId,
      member.role,
      member.joinedAt,
      member.firstName ?? null,
      member.username ?? null,
    ],
  );
}

async function upsertInvitation(client: pg.PoolClient, invitation: InvitationRecord): Promise<void> {
  await client.query(
    `INSERT INTO team_invitations
       (id, code_hash, owner_id, client_id, role, created_at, expires_at, state, used_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (id) DO UPDATE SET code_hash = EXCLUDED.code_hash, owner_id = EXCLUDED.owner_id,
       client_id = EXCLUDED.client_id, role = EXCLUDED.role, created_at = EXCLUDED.created_at,
       expires_at = EXCLUDED.expires_at, state = EXCLUDED.state, used_by = EXCLUDED.used_by`,
    [
      invitation.id,
      invitation.codeHash,
      invitation.ownerId,
      invitation.clientId,
      invitation.role,
      invitation.createdAt,
      invitation.expiresAt,
      invitation.state,
      invitation.usedBy ?? null,
    ],
  );
}

async function upsertRefusal(client: pg.PoolClient, mark: RefusedAccountRecord): Promise<void> {
  await client.query(
    `INSERT INTO team_refused_accounts (owner_id, at) VALUES ($1, $2)
     ON CONFLICT (owner_id) DO UPDATE SET at = EXCLUDED.at`,
    [mark.ownerId, mark.at],
  );
}

/** store:copy's side: every row of the three tables, written as given in one transaction. */
function createTeamTransfer({ pool }: PostgresContext): TeamTransfer {
  return {
    async exportTeam() {
      const members = await pool.query<MemberRow>(`SELECT ${MEMBER_COLUMNS} FROM team_members`);
      const invitations = await pool.query<InvitationRow>(
        `SELECT ${INVITATION_COLUMNS} FROM team_invitations`,
      );
      const refused = await pool.query<{ owner_id: string; at: Date }>(
        "SELECT owner_id::text AS owner_id, at FROM team_refused_accounts",
      );
      return sortedTeamSnapshot({
        members: members.rows.map(memberOf),
        invitations: invitations.rows.map(invitationOf),
        refused: refused.rows.map((row) =>
          refusedAccountSchema.parse({ ownerId: Number(row.owner_id), at: row.at.toISOString() }),
        ),
      });
    },

    async importTeam(snapshot) {
      const { members, invitations, refused } = checkedTeamSnapshot(snapshot);
      await writing("the team", () =>
        inTransaction(pool, async (client) => {
          for (const member of members) await upsertMember(client, member);
          for (const invitation of invitations) await upsertInvitation(client, invitation);
          for (const mark of refused) await upsertRefusal(client, mark);
        }),
      );
    },
  };
}
