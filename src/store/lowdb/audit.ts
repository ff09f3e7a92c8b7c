import { join } from "node:path";
import {
  AUDIT_MAX_AGE_MS,
  AUDIT_MAX_PER_ACCOUNT,
  type AuditEntry,
  type AuditEntryInput,
  auditEntrySchema,
  checkedAuditSnapshot,
  sortedAuditSnapshot,
  type TeamGroup,
  TeamGroupTakenError,
  teamGroupSchema,
  validAuditEntry,
  validTeamGroup,
} from "../audit.js";
import { JournaledFile, type StoreLogger } from "../journaled-file.js";
import { checkTelegramId } from "../records.js";
import { SCHEMA_VERSION } from "../schema.js";
import type { AuditStore, AuditTransfer, TeamGroupStore } from "../types.js";
import { type Change, DurableFile } from "./durable.js";

export type AuditTables = { audit: AuditEntry; groups: TeamGroup };

const auditId = (account: number, key: string) => `${account}:${key}`;
const groupLock = "groups";

/** `audit.json` in the data folder: the audit log and the team group links, apart from the operators' file. */
export async function openAuditFile(
  dataDir: string,
  logger?: StoreLogger,
): Promise<JournaledFile<AuditTables>> {
  return JournaledFile.open<AuditTables>(
    join(dataDir, "audit.json"),
    SCHEMA_VERSION,
    {
      audit: { schema: auditEntrySchema, keyOf: (entry) => auditId(entry.account, entry.key) },
      groups: { schema: teamGroupSchema, keyOf: (group) => String(group.account) },
    },
    logger ? { logger } : {},
  );
}

/**
 * Each account's entries, oldest first: paging and retention without scanning every account's log. The file is
 * the truth; this index follows each write that succeeded.
 */
class AuditIndex {
  private readonly byAccount = new Map<number, AuditEntry[]>();

  constructor(
    private readonly db: DurableFile<AuditTables>,
    private readonly now: () => Date,
  ) {
    this.reindex();
  }

  /** Indexes the stored entries of `accounts` (every account when omitted), dropping those past the retention age. */
  reindex(accounts?: ReadonlySet<number>): void {
    const stored = [...this.db.entries("audit")].map(([, entry]) => entry);
    const sorted = stored
      .filter((entry) => !accounts || accounts.has(entry.account))
      .sort((a, b) => a.at.localeCompare(b.at));
    for (const account of accounts ?? []) this.byAccount.delete(account);
    for (const entry of sorted) {
      if (Date.parse(entry.at) < this.cutoff()) {
        // No write of its own: the next write persists it.
        this.db.file.delete("audit", auditId(entry.account, entry.key));
        continue;
      }
      const list = this.byAccount.get(entry.account) ?? [];
      list.push(entry);
      this.byAccount.set(entry.account, list);
    }
  }

  entriesOf(account: number): readonly AuditEntry[] {
    return this.byAccount.get(account) ?? [];
  }

  all(): AuditEntry[] {
    return [...this.byAccount.values()].flat();
  }

  /** The entry's change plus the deletions the retention asks for once it is in. */
  changesFor(input: AuditEntryInput): { changes: Change<AuditTables>[]; kept: AuditEntry[] } {
    checkTelegramId(input.account);
    const entry = validAuditEntry({ ...input, at: this.now().toISOString() });
    const list = [...this.entriesOf(entry.account), entry];
    const oldest = this.cutoff();
    const drop = new Set(
      list.filter((old, index) => index < list.length - AUDIT_MAX_PER_ACCOUNT || Date.parse(old.at) < oldest),
    );
    const changes: Change<AuditTables>[] = [
      { table: "audit", key: auditId(entry.account, entry.key), value: entry },
      ...[...drop].map((old) => ({
        table: "audit" as const,
        key: auditId(old.account, old.key),
        value: undefined,
      })),
    ];
    return { changes, kept: list.filter((old) => !drop.has(old)) };
  }

  /** Called once the changes from `changesFor` are durable. */
  keep(account: number, kept: AuditEntry[]): void {
    this.byAccount.set(account, kept);
  }

  private cutoff(): number {
    return this.now().getTime() - AUDIT_MAX_AGE_MS;
  }
}

/** What the audit log, the group links and their transfer share: the file and the index of its entries. */
interface AuditContext {
  db: DurableFile<AuditTables>;
  index: AuditIndex;
}

const auditLock = (account: number) => `audit:${account}`;

const findGroup = (db: DurableFile<AuditTables>, chatId: number) =>
  [...db.entries("groups")].map(([, group]) => group).find((group) => group.chatId === chatId);

/** A chat is linked to one account at most. */
function checkChatFree(db: DurableFile<AuditTables>, group: TeamGroup): void {
  const holder = findGroup(db, group.chatId);
  if (holder && holder.account !== group.account) throw new TeamGroupTakenError(group.chatId);
}

export function createAuditStore(
  file: JournaledFile<AuditTables>,
  now: () => Date,
): AuditStore & TeamGroupStore & AuditTransfer {
  const db = new DurableFile(file);
  const context: AuditContext = { db, index: new AuditIndex(db, now) };
  return {
    ...createAuditLog(context),
    ...createTeamGroupLinks(context),
    ...createAuditSnapshots(context),
  };
}

function createAuditLog({ db, index }: AuditContext): AuditStore {
  return {
    recordAudit(input) {
      return db.serially([auditLock(input.account)], async () => {
        if (db.get("audit", auditId(input.account, input.key))) return false;
        const { changes, kept } = index.changesFor(input);
        await db.write(changes);
        index.keep(input.account, kept);
        return true;
      });
    },

    async listAudit(account, { offset, limit }) {
      const list = index.entriesOf(account);
      const newestFirst = list.slice().reverse();
      return { entries: newestFirst.slice(offset, offset + limit), total: list.length };
    },
  };
}

function createTeamGroupLinks({ db, index }: AuditContext): TeamGroupStore {
  /** Writes group changes and, when given, an audit entry (not yet recorded) in one durable write. */
  async function writeWithAudit(changes: Change<AuditTables>[], audit: AuditEntryInput | undefined) {
    const recorded =
      audit && !db.get("audit", auditId(audit.account, audit.key)) ? index.changesFor(audit) : undefined;
    await db.write([...changes, ...(recorded?.changes ?? [])]);
    if (recorded) index.keep(audit!.account, recorded.kept);
  }

  return {
    async getTeamGroup(account) {
      return db.get("groups", String(account));
    },

    async findTeamGroup(chatId) {
      return findGroup(db, chatId);
    },

    async listTeamGroups() {
      return [...db.entries("groups")].map(([, group]) => group);
    },

    connectTeamGroup(group, audit) {
      return db.serially([groupLock, auditLock(group.account)], async () => {
        const checked = validTeamGroup(group);
        checkChatFree(db, checked);
        const previous = db.get("groups", String(checked.account));
        await writeWithAudit([{ table: "groups", key: String(checked.account), value: checked }], audit);
        return previous && previous.chatId !== checked.chatId ? previous : undefined;
      });
    },

    updateTeamGroup(account, patch) {
      return db.serially([groupLock], async () => {
        const current = db.get("groups", String(account));
        if (!current) return undefined;
        const updated = validTeamGroup({ ...current, ...patch });
        await db.write([{ table: "groups", key: String(account), value: updated }]);
        return updated;
      });
    },

    moveTeamGroup(fromChatId, toChatId) {
      return db.serially([groupLock], async () => {
        const current = findGroup(db, fromChatId);
        if (!current) return undefined;
        const moved = validTeamGroup({ ...current, chatId: toChatId });
        await db.write([{ table: "groups", key: String(current.account), value: moved }]);
        return moved;
      });
    },

    disconnectTeamGroup(account, audit) {
      return db.serially([groupLock, auditLock(account)], async () => {
        const current = db.get("groups", String(account));
        if (!current) return undefined;
        await writeWithAudit([{ table: "groups", key: String(account), value: undefined }], audit);
        return current;
      });
    },
  };
}

/** store:copy's side: the log and the links, written as given. */
function createAuditSnapshots({ db, index }: AuditContext): AuditTransfer {
  return {
    async exportAudit() {
      return sortedAuditSnapshot({
        entries: index.all(),
        groups: [...db.entries("groups")].map(([, group]) => group),
      });
    },

    async importAudit(snapshot) {
      const { entries, groups } = checkedAuditSnapshot(snapshot);
      const accounts = new Set(entries.map((entry) => entry.account));
      return db.serially([groupLock, ...[...accounts].map(auditLock)], async () => {
        for (const group of groups) checkChatFree(db, group);
        await db.write([
          ...entries.map((value) => ({
            table: "audit" as const,
            key: auditId(value.account, value.key),
            value,
          })),
          ...groups.map((value) => ({ table: "groups" as const, key: String(value.account), value })),
        ]);
        index.reindex(accounts);
      });
    },
  };
}
