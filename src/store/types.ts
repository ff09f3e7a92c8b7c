/**
 * The bot's storage, as every backend (lowdb files today, PostgreSQL next) must provide it. Every method returns a
 * Promise, reads included, because a database cannot answer synchronously. The behaviour each method promises is
 * pinned down by the contract suite in test/store/contract.ts, which every backend must pass.
 *
 * Errors every backend throws (src/store/errors.ts):
 * - StoreWriteError: the change could not be made durable. Nothing of it stays visible to later reads; the
 *   operator must be told it was NOT saved.
 * - CredentialsDamagedError: one operator's stored token cannot be decrypted (damaged or moved); only that operator
 *   is affected and must /login again, which replaces the token.
 * - CredentialsKeyError: the configured CREDENTIALS_KEY (or _PREVIOUS) did not seal the stored data; a
 *   configuration problem, reported at open.
 * - StoreError: anything else the caller did wrong (an invalid id or setting) or data that cannot be used at all.
 */
import type {
  AlertAccount,
  AlertDelivery,
  AlertOutbox,
  AlertPoll,
  AlertSettings,
  AlertStateSnapshot,
} from "./alerts.js";
import type { AuditEntry, AuditEntryInput, TeamGroup, TeamGroupPatch } from "./audit.js";
import type {
  ActionRecord,
  DigestSettings,
  InvitationRecord,
  Locale,
  MemberRecord,
  RefusedAccountRecord,
} from "./schema.js";

export type { DigestSettings, Locale };
/** A confirmed action as stored: its id, owner, state ("pending" or "done"), JSON result and time. */
export type ConfirmedActionRecord = ActionRecord;

/** An operator as the bot sees it: never the token, only whether one is stored. */
export interface Operator {
  telegramId: number;
  clientId?: string;
  hasCredentials: boolean;
  locale?: Locale;
  timezone?: string;
  digest: DigestSettings;
  lastChannelId: number | null;
  createdAt: string;
  updatedAt: string;
}

export interface Credentials {
  clientId: string;
  token: string;
}

/** Settings a first login fills in when the operator has none yet. */
export interface CredentialDefaults {
  locale?: Locale;
  timezone: string;
  digestTime: string;
}

export interface OperatorPatch {
  locale?: Locale;
  timezone?: string;
  lastChannelId?: number | null;
  digest?: Partial<DigestSettings>;
}

/** Operators, their settings and their premiumpay credentials (encrypted at rest, bound to the operator). */
export interface OperatorStore {
  getOperator(telegramId: number): Promise<Operator | undefined>;
  listOperators(): Promise<Operator[]>;
  /** Throws CredentialsDamagedError when this operator's token cannot be decrypted. */
  getCredentials(telegramId: number): Promise<Credentials | undefined>;
  /** Stores (replaces) the credentials; a first login turns the digest on with `defaults`. */
  saveCredentials(telegramId: number, creds: Credentials, defaults: CredentialDefaults): Promise<Operator>;
  /** Creates the operator (logged out, digest off) when unknown. Throws StoreError on an invalid setting. */
  updateOperator(telegramId: number, patch: OperatorPatch): Promise<Operator>;
  /**
   * Forgets the operator, credentials, confirmed actions and alert state (settings, outbox) included; false when
   * there was nothing to delete.
   */
  deleteOperator(telegramId: number): Promise<boolean>;
}

/**
 * - `done`: the action ran (now, or earlier when `replayed`) and `result` is its stored JSON result.
 * - `unknown`: a previous run was marked pending but never recorded as done (the process died while the action
 *   was running), so it may or may not have happened. It is not run again; tell the operator to check.
 */
export type RunOnceOutcome<T> =
  | { state: "done"; result: T; replayed: boolean }
  | { state: "unknown"; result: undefined; replayed: true; startedAt: string };

/** Confirmed premiumpay actions (a link created, a welcome message set) run exactly once per action id. */
export interface ConfirmedActions {
  /**
   * Records the action as pending durably, runs it, records its JSON result. Concurrent calls with one id share
   * one run; a later call gets the stored result (`replayed`), or `unknown` after a crash mid-action. An action
   * that throws leaves no record (a retry may run it). Records are kept at least 7 days, for redeliveries.
   * Throws StoreWriteError (without running the action) when the pending mark cannot be written.
   */
  runOnce<T>(actionId: string, telegramId: number, action: () => Promise<T>): Promise<RunOnceOutcome<T>>;
}

/** Structurally identical to @grammyjs/conversations' VersionedState / VersionedStateStorage. */
export interface VersionedState<S> {
  version: [0, string | number];
  state: S;
}
export interface VersionedStateStorage<K, S> {
  read(key: K): VersionedState<S> | undefined | Promise<VersionedState<S> | undefined>;
  write(key: K, state: VersionedState<S>): void | Promise<void>;
  delete(key: K): void | Promise<void>;
}

export interface ConversationMaintenance {
  /** Keys whose flow was last written more than `olderThanMs` (default: the store's conversation TTL) ago. */
  listExpired(olderThanMs?: number): Promise<string[]>;
  /** Removes those flows durably and returns their keys, so the bot can tell each user their flow expired. */
  expire(olderThanMs?: number): Promise<string[]>;
  /**
   * Removes durably the flows found damaged (cannot be decrypted or parsed) and returns their keys, each once, so
   * the bot can log a warning and tell their operator. A damaged flow never stops the store opening; `read`
   * answers undefined for it, and writing the key replaces it.
   */
  takeDamaged(): Promise<string[]>;
}

/** The state of flows in progress (@grammyjs/conversations), encrypted at rest: it can hold a typed token. */
export interface ConversationStateStore {
  conversationStorage: VersionedStateStorage<string, unknown>;
  conversations: ConversationMaintenance;
}

export interface KeyRotation {
  /**
   * Opens every stored token. Throws CredentialsKeyError when one was sealed with a key that is not configured;
   * returns the operators whose token is damaged (each of them must /login again).
   */
  verifyCredentials(): Promise<number[]>;
  /** Re-encrypts every token and conversation still under CREDENTIALS_KEY_PREVIOUS with CREDENTIALS_KEY. */
  rotateKeys(): Promise<{ operators: number; conversations: number }>;
}

export interface StoreLifecycle {
  /** Where the data lives, for log lines and error messages (a folder, a database name; never a password). */
  readonly location: string;
  /** Resolves once every change made so far is durable. */
  flush(): Promise<void>;
  /** Flushes and releases the backend; the store cannot be used afterwards. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * The sales alerts' state: each operator's settings, each premiumpay account's poller (watermark, sales seen in
 * the overlap, outage and refused-login pause flags) and each operator's outbox (sales and notices waiting, sales
 * sent). Every replica reads and writes the same state, so a setting changed anywhere reaches the elected poller.
 * A mark moves in the same write as what it guards: a poll's watermark with the sales it found, a delivery's sent
 * marks with its sales leaving the outbox. So a crash or a leader change never loses a sale nor queues one twice.
 */
export interface AlertStore {
  /** The operator's alert settings; the defaults (off) when never set. */
  alertSettings(telegramId: number): Promise<AlertSettings>;
  /** Durable when it resolves. Throws StoreError on invalid settings (nothing written). */
  setAlertSettings(telegramId: number, settings: AlertSettings): Promise<void>;
  /** Every operator with alerts on, by id. */
  alertSubscribers(): Promise<{ telegramId: number; settings: AlertSettings }[]>;
  /** What the poller of one premiumpay account remembers; undefined before its first poll. */
  alertAccount(clientId: string): Promise<AlertAccount | undefined>;
  /**
   * Stores a poll's outcome, all or nothing: the account's record, and for each operator the sales found (a sale
   * already waiting in or sent from that operator's outbox is skipped: never queued twice) and the notice.
   */
  recordAlertPoll(poll: AlertPoll): Promise<void>;
  /** Every operator's outbox that holds anything (sales or notices waiting, sent marks), by id. */
  alertOutboxes(): Promise<AlertOutbox[]>;
  /**
   * After Telegram accepted a message, in one write: its sales leave the outbox and are marked sent at `at` (or
   * its notice leaves); sent marks older than `forgetSentBefore` are dropped.
   */
  markAlertsSent(
    telegramId: number,
    delivery: AlertDelivery,
    at: Date,
    forgetSentBefore: Date,
  ): Promise<void>;
  /**
   * Drops what waits in the operator's outbox (alerts turned off, logged out); sent marks stay. With `switchOff`
   * (the user blocked the bot), alerts are turned off in the same write.
   */
  clearAlertOutbox(telegramId: number, options?: { switchOff?: boolean }): Promise<void>;
  /** Everything, by id: for store:copy and checks. */
  exportAlertState(): Promise<AlertStateSnapshot>;
  /**
   * Writes a snapshot in one write. "replace": its records replace the stored ones with the same id (store:copy,
   * idempotent); "fill": only the records (settings, accounts, outboxes) the store does not have yet are added (the
   * one-time import of an old alerts.json, safe when several replicas each bring their own).
   */
  importAlertState(snapshot: AlertStateSnapshot, mode: "replace" | "fill"): Promise<void>;
}

/** A teammate's role in an owner's account; the owner is whoever logged in with the account's credentials. */
export type TeamRole = "viewer" | "manager";

/** One teammate: acts for the owner's premiumpay account with the owner's credentials (never given to them). */
export interface TeamMember {
  telegramId: number;
  ownerId: number;
  /** The owner's premiumpay account when they joined: if the owner logs in to another one, the team has no access. */
  clientId: string;
  role: TeamRole;
  joinedAt: string;
  /** Their Telegram first name and @username as last seen; absent for members who joined before names were kept. */
  firstName?: string;
  username?: string;
}

/** How Telegram names a user: a teammate is shown by it rather than by their numeric id. */
export interface MemberName {
  firstName: string;
  username?: string;
}

/** An invitation as stored: the code itself is never stored, only its SHA-256 (`codeHash`, hex). */
export interface Invitation {
  /** Short random id, for buttons (revoke); unrelated to the code. */
  id: string;
  ownerId: number;
  clientId: string;
  role: TeamRole;
  createdAt: string;
  expiresAt: string;
  state: "pending" | "used" | "revoked";
  usedBy?: number;
}

export interface NewInvitation {
  id: string;
  ownerId: number;
  clientId: string;
  role: TeamRole;
  codeHash: string;
  expiresAt: string;
}

/**
 * Why a redeem failed. `expired`/`used`/`revoked` name a known code; `unknown` a code that was never issued;
 * `own-account` the owner's own code; `member` a user already on a team (they must leave it first).
 */
export type RedeemRefusal = "unknown" | "expired" | "used" | "revoked" | "own-account" | "member";
export type RedeemOutcome = { ok: true; member: TeamMember } | { ok: false; reason: RedeemRefusal };

/** Teammates and invitations of each owner's account. Every change is durable when its promise resolves. */
export interface TeamStore {
  createInvitation(invitation: NewInvitation): Promise<Invitation>;
  /** The invitation whose code has this hash, whatever its state; undefined for a code never issued. */
  findInvitation(codeHash: string): Promise<Invitation | undefined>;
  /** The owner's invitations still pending and not expired, oldest first. */
  listInvitations(ownerId: number): Promise<Invitation[]>;
  /** Revokes one pending invitation of this owner; false when there was none to revoke. */
  revokeInvitation(ownerId: number, invitationId: string): Promise<boolean>;
  /**
   * Uses the invitation and makes `telegramId` a member, atomically: of concurrent redeems of one code, exactly one
   * succeeds (`used` for the others), also across processes.
   */
  redeemInvitation(codeHash: string, telegramId: number, name?: MemberName): Promise<RedeemOutcome>;
  getMember(telegramId: number): Promise<TeamMember | undefined>;
  /** The owner's teammates, in the order they joined. */
  listMembers(ownerId: number): Promise<TeamMember[]>;
  /** Changes the role of one of this owner's teammates; undefined when they are not on this owner's team. */
  setMemberRole(ownerId: number, telegramId: number, role: TeamRole): Promise<TeamMember | undefined>;
  /** Stores a teammate's new Telegram name; false when they are on no team. */
  renameMember(telegramId: number, name: MemberName): Promise<boolean>;
  /** Removes one of this owner's teammates; false when they were not on this owner's team. */
  removeMember(ownerId: number, telegramId: number): Promise<boolean>;
  /**
   * Marks the owner's credentials as refused by premiumpay (true) or working again (false). Returns whether the
   * mark changed: of several callers noticing the same refusal, one gets true (and tells the team).
   */
  setCredentialsRefused(ownerId: number, refused: boolean): Promise<boolean>;
  credentialsRefused(ownerId: number): Promise<boolean>;
}

/** What `npm run store:copy` needs beyond the bot's own calls: records as they are, their times included. */
/**
 * The team data as stored, for store:copy: invitations keep their code hash (the code itself is never stored; the
 * hash is not a secret but is not printed either). Each list is ordered by its id.
 */
export interface TeamSnapshot {
  members: MemberRecord[];
  invitations: InvitationRecord[];
  refused: RefusedAccountRecord[];
}

/** The audit log (entries with their original times, by account then time) and the team group links, for store:copy. */
export interface AuditSnapshot {
  entries: AuditEntry[];
  groups: TeamGroup[];
}

export interface TeamTransfer {
  exportTeam(): Promise<TeamSnapshot>;
  /** Writes the records as given, times kept, replacing members, invitations and refused marks with the same id. */
  importTeam(snapshot: TeamSnapshot): Promise<void>;
}

export interface AuditTransfer {
  exportAudit(): Promise<AuditSnapshot>;
  /**
   * Writes the entries as given (original `at` and key kept, replacing any with the same account and key) and the
   * group links (replacing the account's link). Throws TeamGroupTakenError when another account has a group's chat.
   */
  importAudit(snapshot: AuditSnapshot): Promise<void>;
}

/** What store:copy reads and writes as it is, besides what the other interfaces give. */
export interface StoreTransfer extends TeamTransfer, AuditTransfer {
  listConfirmedActions(): Promise<ConfirmedActionRecord[]>;
  /** Writes the records as given, replacing any with the same action id. */
  putConfirmedActions(records: readonly ConfirmedActionRecord[]): Promise<void>;
  /** Gives an existing operator these creation and last-change times (ISO); an unknown operator is ignored. */
  setOperatorTimes(telegramId: number, times: { createdAt: string; updatedAt: string }): Promise<void>;
}

/** Who did what on an account (see audit.ts for the entry and the retention). */
export interface AuditStore {
  /**
   * Appends the entry, stamped now, unless the account already has one with its key (then false): the key of the
   * confirming click or update makes a replayed confirmation record once. Drops what the retention no longer keeps.
   */
  recordAudit(entry: AuditEntryInput): Promise<boolean>;
  /** The account's entries, newest first, from `offset`; `total` counts them all. */
  listAudit(
    account: number,
    page: { offset: number; limit: number },
  ): Promise<{ entries: AuditEntry[]; total: number }>;
}

/** The one Telegram group of an account (digest and alerts to a team group). */
export interface TeamGroupStore {
  getTeamGroup(account: number): Promise<TeamGroup | undefined>;
  /** The group link of a chat, whatever account has it. */
  findTeamGroup(chatId: number): Promise<TeamGroup | undefined>;
  listTeamGroups(): Promise<TeamGroup[]>;
  /**
   * Connects the group (replacing the account's previous one, returned) and records `audit` in the same write.
   * Throws TeamGroupTakenError when another account has this chat.
   */
  connectTeamGroup(group: TeamGroup, audit: AuditEntryInput): Promise<TeamGroup | undefined>;
  /** Changes the account's group settings; undefined when it has none. */
  updateTeamGroup(account: number, patch: TeamGroupPatch): Promise<TeamGroup | undefined>;
  /** A group turned supergroup: its link follows the new chat id, settings unchanged. */
  moveTeamGroup(fromChatId: number, toChatId: number): Promise<TeamGroup | undefined>;
  /** Removes the account's group (with `audit` in the same write when given); the removed link, if any. */
  disconnectTeamGroup(account: number, audit?: AuditEntryInput): Promise<TeamGroup | undefined>;
}

export interface Store
  extends OperatorStore,
    ConfirmedActions,
    TeamStore,
    AuditStore,
    TeamGroupStore,
    ConversationStateStore,
    KeyRotation,
    AlertStore,
    StoreTransfer,
    StoreLifecycle {}

/** What every backend's factory accepts besides its own location (a data folder, a database URL). */
export interface StoreKeyOptions {
  credentialsKey: Buffer;
  previousCredentialsKey?: Buffer;
  now?: () => Date;
  /** Flows untouched for longer than this are reported by conversations.listExpired/expire. Default 30 min. */
  conversationTtlMs?: number;
}
