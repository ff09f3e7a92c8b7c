import { join } from "node:path";
import { StoreError } from "../errors.js";
import { JournaledFile, type StoreLogger } from "../journaled-file.js";
import { checkTelegramId } from "../records.js";
import {
  type InvitationRecord,
  invitationRecordSchema,
  type MemberRecord,
  memberRecordSchema,
  type RefusedAccountRecord,
  refusedAccountSchema,
  SCHEMA_VERSION,
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
import type { TeamStore, TeamTransfer } from "../types.js";
import type { DurableFile } from "./durable.js";

export type TeamTables = {
  members: MemberRecord;
  invitations: InvitationRecord;
  refused: RefusedAccountRecord;
};

/** `team.json` in the data folder. */
export function openTeamFile(dataDir: string, logger?: StoreLogger): Promise<JournaledFile<TeamTables>> {
  return JournaledFile.open<TeamTables>(
    join(dataDir, "team.json"),
    SCHEMA_VERSION,
    {
      members: { schema: memberRecordSchema, keyOf: (record) => String(record.telegramId) },
      invitations: { schema: invitationRecordSchema, keyOf: (record) => record.id },
      refused: { schema: refusedAccountSchema, keyOf: (record) => String(record.ownerId) },
    },
    { logger },
  );
}

/** Every team change runs under this one lock: redeeming must see and use an invitation without interleaving. */
const TEAM_LOCK = "team";

type InvitationStore = Pick<
  TeamStore,
  "createInvitation" | "findInvitation" | "listInvitations" | "revokeInvitation" | "redeemInvitation"
>;
type MemberStore = Omit<TeamStore, keyof InvitationStore>;

/** What the team's parts share: the file, the clock and the one team lock. */
interface TeamContext {
  db: DurableFile<TeamTables>;
  now: () => Date;
  serially<R>(task: () => Promise<R>): Promise<R>;
}

const invitationByHash = (db: DurableFile<TeamTables>, codeHash: string) => {
  for (const [, record] of db.entries("invitations")) if (record.codeHash === codeHash) return record;
  return undefined;
};

export function createTeamStore(db: DurableFile<TeamTables>, now: () => Date): TeamStore & TeamTransfer {
  const context: TeamContext = { db, now, serially: (task) => db.serially([TEAM_LOCK], task) };
  return {
    ...createInvitations(context),
    ...createMembers(context),
    ...createTeamSnapshots(context),
  };
}

function createInvitations({ db, now, serially }: TeamContext): InvitationStore {
  return {
    createInvitation(invitation) {
      const record = newInvitationRecord(invitation, now());
      return serially(async () => {
        if (db.get("invitations", record.id)) throw new StoreError(`invitation ${record.id} exists`);
        await db.write([{ table: "invitations", key: record.id, value: record }]);
        return toInvitation(record);
      });
    },

    async findInvitation(codeHash) {
      const record = invitationByHash(db, codeHash);
      return record ? toInvitation(record) : undefined;
    },

    async listInvitations(ownerId) {
      const at = now().getTime();
      return Array.from(db.entries("invitations"), ([, record]) => record)
        .filter(
          (record) =>
            record.ownerId === ownerId && record.state === "pending" && Date.parse(record.expiresAt) > at,
        )
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
        .map(toInvitation);
    },

    revokeInvitation(ownerId, invitationId) {
      return serially(async () => {
        const record = db.get("invitations", invitationId);
        if (!record || record.ownerId !== ownerId || record.state !== "pending") return false;
        await db.write([{ table: "invitations", key: invitationId, value: { ...record, state: "revoked" } }]);
        return true;
      });
    },

    redeemInvitation(codeHash, telegramId, name) {
      checkTelegramId(telegramId);
      const named = memberNameFields(name);
      return serially(async () => {
        const record = invitationByHash(db, codeHash);
        const refusal = redeemRefusal(
          record,
          telegramId,
          now(),
          db.get("members", String(telegramId)) !== undefined,
        );
        if (refusal || !record) return refusal ?? { ok: false, reason: "unknown" };
        const member: MemberRecord = {
          telegramId,
          ownerId: record.ownerId,
          clientId: record.clientId,
          role: record.role,
          joinedAt: now().toISOString(),
          ...named,
        };
        await db.write([
          { table: "invitations", key: record.id, value: { ...record, state: "used", usedBy: telegramId } },
          { table: "members", key: String(telegramId), value: member },
        ]);
        return { ok: true, member: { ...member } };
      });
    },
  };
}

/** The members and the accounts whose owner refused to share credentials. */
function createMembers({ db, now, serially }: TeamContext): MemberStore {
  const membersOf = (ownerId: number) =>
    Array.from(db.entries("members"), ([, member]) => member)
      .filter((member) => member.ownerId === ownerId)
      .sort((a, b) => a.joinedAt.localeCompare(b.joinedAt) || a.telegramId - b.telegramId);

  return {
    async getMember(telegramId) {
      const member = db.get("members", String(telegramId));
      return member ? { ...member } : undefined;
    },

    async listMembers(ownerId) {
      return membersOf(ownerId).map((member) => ({ ...member }));
    },

    setMemberRole(ownerId, telegramId, role) {
      teamRoleSchema.parse(role);
      return serially(async () => {
        const member = db.get("members", String(telegramId));
        if (!member || member.ownerId !== ownerId) return undefined;
        const changed = { ...member, role };
        await db.write([{ table: "members", key: String(telegramId), value: changed }]);
        return { ...changed };
      });
    },

    async renameMember(telegramId, name) {
      const named = memberNameFields(name);
      return serially(async () => {
        const member = db.get("members", String(telegramId));
        if (!member) return false;
        const { firstName: _firstName, username: _username, ...unnamed } = member;
        await db.write([{ table: "members", key: String(telegramId), value: { ...unnamed, ...named } }]);
        return true;
      });
    },

    removeMember(ownerId, telegramId) {
      return serially(async () => {
        const member = db.get("members", String(telegramId));
        if (!member || member.ownerId !== ownerId) return false;
        await db.write([{ table: "members", key: String(telegramId), value: undefined }]);
        return true;
      });
    },

    setCredentialsRefused(ownerId, refused) {
      checkTelegramId(ownerId);
      return serially(async () => {
        const key = String(ownerId);
        if ((db.get("refused", key) !== undefined) === refused) return false;
        const value = refused ? { ownerId, at: now().toISOString() } : undefined;
        await db.write([{ table: "refused", key, value }]);
        return true;
      });
    },

    async credentialsRefused(ownerId) {
      return db.get("refused", String(ownerId)) !== undefined;
    },
  };
}

/** store:copy's side: every record of the three tables, written as given. */
function createTeamSnapshots({ db, serially }: TeamContext): TeamTransfer {
  return {
    async exportTeam() {
      const all = <T extends keyof TeamTables>(table: T) =>
        Array.from(db.entries(table), ([, record]) => ({ ...record }));
      return sortedTeamSnapshot({
        members: all("members"),
        invitations: all("invitations"),
        refused: all("refused"),
      });
    },

    async importTeam(snapshot) {
      const { members, invitations, refused } = checkedTeamSnapshot(snapshot);
      return serially(async () => {
        // One code, one invitation (as PostgreSQL's unique code_hash has it): the hash itself is not named.
        for (const invitation of invitations) {
          const holder = invitationByHash(db, invitation.codeHash);
          if (holder && holder.id !== invitation.id)
            throw new StoreError(`invitation ${invitation.id} has the code of invitation ${holder.id}`);
        }
        await db.write([
          ...members.map((value) => ({ table: "members" as const, key: String(value.telegramId), value })),
          ...invitations.map((value) => ({ table: "invitations" as const, key: value.id, value })),
          ...refused.map((value) => ({ table: "refused" as const, key: String(value.ownerId), value })),
        ]);
      });
    },
  };
}
