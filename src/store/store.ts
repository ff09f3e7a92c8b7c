import { join } from "node:path";
import { ensureDataDir } from "./atomic-file.js";
import { KeyRing, sealedKeyId } from "./crypto.js";
import { StoreError } from "./errors.js";
import { JournaledFile, type StoreLogger } from "./journaled-file.js";
import {
  type ActionRecord,
  actionRecordSchema,
  type ConversationRecord,
  conversationRecordSchema,
  type DigestSettings,
  type Locale,
  type OperatorRecord,
  operatorRecordSchema,
  SCHEMA_VERSION,
  telegramIdSchema,
  versionedStateSchema,
} from "./schema.js";

export type { DigestSettings, Locale };

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

/**
 * - `done`: the action ran (now, or earlier when `replayed`) and `result` is its stored JSON result.
 * - `unknown`: a previous run was marked pending but never recorded as done (the process died while the action
 *   was running), so it may or may not have happened. It is not run again; tell the operator to check.
 */
export type RunOnceOutcome<T> =
  | { state: "done"; result: T; replayed: boolean }
  | { state: "unknown"; result: undefined; replayed: true; startedAt: string };

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
  /** Keys whose flow was last touched more than `olderThanMs` (default: conversationTtlMs) ago. */
  listExpired(olderThanMs?: number): string[];
  /** Removes those flows durably and returns their keys, so the bot can tell each user their flow expired. */
  expire(olderThanMs?: number): Promise<string[]>;
}

export interface Store {
  getOperator(telegramId: number): Operator | undefined;
  listOperators(): Operator[];
  getCredentials(telegramId: number): Credentials | undefined;
  saveCredentials(telegramId: number, creds: Credentials, defaults: CredentialDefaults): Promise<Operator>;
  updateOperator(telegramId: number, patch: OperatorPatch): Promise<Operator>;
  deleteOperator(telegramId: number): Promise<boolean>;
  runOnce<T>(actionId: string, telegramId: number, action: () => Promise<T>): Promise<RunOnceOutcome<T>>;
  /** Re-encrypts every token and conversation still under CREDENTIALS_KEY_PREVIOUS with CREDENTIALS_KEY. */
  rotateKeys(): Promise<{ operators: number; conversations: number }>;
  conversationStorage: VersionedStateStorage<string, unknown>;
  conversations: ConversationMaintenance;
  flush(): Promise<void>;
  close(): Promise<void>;
  readonly filePath: string;
  readonly conversationsFilePath: string;
}

export interface StoreOptions {
  dataDir: string;
  credentialsKey: Buffer;
  previousCredentialsKey?: Buffer;
  now?: () => Date;
  /** Flows untouched for longer than this are reported by conversations.listExpired/expire. Default 30 min. */
  conversationTtlMs?: number;
  /** Where problems the store recovers from are reported (default: a JSON line on stderr). */
  logger?: StoreLogger;
}

/** Confirmed-action records only need to outlive Telegram's redelivery of an update; they are dropped on load. */
const ACTION_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;
const DEFAULT_CONVERSATION_TTL_MS = 30 * 60 * 1000;
/** A record created before login (e.g. by choosing a language) has the digest off; logging in turns it on. */
const PRE_LOGIN_DIGEST: DigestSettings = {
  enabled: false,
  time: "09:00",
  channelIds: null,
  lastSentLocalDate: null,
};

type OperatorTables = { operators: OperatorRecord; actions: ActionRecord };
type ConversationTables = { conversations: ConversationRecord };

const tokenAad = (telegramId: number) => `premiumpay-token:${telegramId}`;
const conversationAad = (key: string) => `conversation:${key}`;

function toOperator(record: OperatorRecord): Operator {
  const operator: Operator = {
    telegramId: record.telegramId,
    hasCredentials: record.premiumpay !== undefined,
    digest: { ...record.digest, channelIds: record.digest.channelIds ? [...record.digest.channelIds] : null },
    lastChannelId: record.lastChannelId,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
  if (record.premiumpay) operator.clientId = record.premiumpay.clientId;
  if (record.locale) operator.locale = record.locale;
  if (record.timezone) operator.timezone = record.timezone;
  return operator;
}

function checkTelegramId(telegramId: number): string {
  if (!telegramIdSchema.safeParse(telegramId).success)
    throw new StoreError(`${telegramId} is not a Telegram user id`);
  return String(telegramId);
}

function validOperator(record: OperatorRecord): OperatorRecord {
  const checked = operatorRecordSchema.safeParse(record);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    throw new StoreError(`invalid operator settings: ${issue?.path.join(".")} ${issue?.message}`);
  }
  return checked.data;
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export async function createStore(options: StoreOptions): Promise<Store> {
  const ring = new KeyRing(options.credentialsKey, options.previousCredentialsKey);
  const now = options.now ?? (() => new Date());
  const conversationTtlMs = options.conversationTtlMs ?? DEFAULT_CONVERSATION_TTL_MS;
  await ensureDataDir(options.dataDir);

  const db = await JournaledFile.open<OperatorTables>(
    join(options.dataDir, "operators.json"),
    SCHEMA_VERSION,
    {
      operators: { schema: operatorRecordSchema, keyOf: (record) => String(record.telegramId) },
      actions: { schema: actionRecordSchema, keyOf: (record) => record.actionId },
    },
    options,
  );
  const convDb = await JournaledFile.open<ConversationTables>(
    join(options.dataDir, "conversations.json"),
    SCHEMA_VERSION,
    { conversations: { schema: conversationRecordSchema } },
    options,
  ).catch(async (error: unknown) => {
    await db.abandon();
    throw error;
  });

  let conversationJson: Map<string, string>;
  try {
    verifyKeys(ring, db);
    // Plaintext JSON of each flow's state, so reads need no decryption and callers get their own copy.
    conversationJson = loadConversations(ring, convDb);
  } catch (error) {
    // Release the data folder (its lock) without writing: the files stay as they are for the operator to fix.
    await Promise.all([db.abandon(), convDb.abandon()]);
    throw error;
  }

  // Memory only: the durable marker is the action's record; this map lets concurrent duplicates share one run.
  const runningActions = new Map<string, Promise<RunOnceOutcome<unknown>>>();

  const startedAt = now().getTime();
  for (const [id, record] of [...db.entries("actions")]) {
    if (startedAt - Date.parse(record.at) > ACTION_RETENTION_MS) db.delete("actions", id);
  }
  // Dropping expired records needs no write of its own: the next write persists it.

  const sealToken = (telegramId: number, token: string) => ring.seal(token, tokenAad(telegramId));
  const openToken = (record: OperatorRecord & { premiumpay: object }) =>
    ring.open(
      record.premiumpay!.token,
      tokenAad(record.telegramId),
      `the token of user ${record.telegramId}`,
    );

  /** Writes under the current key: a token still sealed with the previous key is re-sealed on its record's next write. */
  function currentKeyed(record: OperatorRecord): OperatorRecord["premiumpay"] {
    const pp = record.premiumpay;
    if (!pp || ring.isCurrent(pp.token)) return pp;
    return {
      clientId: pp.clientId,
      token: sealToken(record.telegramId, openToken(record as OperatorRecord & { premiumpay: object })),
    };
  }

  async function put(record: OperatorRecord): Promise<Operator> {
    const valid = validOperator(record);
    db.set("operators", String(valid.telegramId), valid);
    await db.commit();
    return toOperator(valid);
  }

  const store: Store = {
    filePath: db.path,
    conversationsFilePath: convDb.path,

    getOperator(telegramId) {
      const record = db.get("operators", String(telegramId));
      return record ? toOperator(record) : undefined;
    },

    listOperators() {
      return Array.from(db.entries("operators"), ([, record]) => toOperator(record));
    },

    getCredentials(telegramId) {
      const record = db.get("operators", String(telegramId));
      if (!record?.premiumpay) return undefined;
      return {
        clientId: record.premiumpay.clientId,
        token: openToken(record as OperatorRecord & { premiumpay: object }),
      };
    },

    async saveCredentials(telegramId, creds, defaults) {
      const key = checkTelegramId(telegramId);
      if (typeof creds.token !== "string" || creds.token.length === 0)
        throw new StoreError("the token is empty");
      const existing = db.get("operators", key);
      const stamp = now().toISOString();
      const firstLogin = !existing?.premiumpay;
      // Channels belong to a premiumpay account: a different client id makes the remembered ones meaningless.
      const otherAccount =
        existing?.premiumpay !== undefined && existing.premiumpay.clientId !== creds.clientId;
      const digest: DigestSettings = firstLogin
        ? { enabled: true, time: defaults.digestTime, channelIds: null, lastSentLocalDate: null }
        : { ...existing.digest, channelIds: otherAccount ? null : existing.digest.channelIds };
      const record: OperatorRecord = {
        telegramId,
        premiumpay: { clientId: creds.clientId, token: sealToken(telegramId, creds.token) },
        digest,
        lastChannelId: otherAccount ? null : (existing?.lastChannelId ?? null),
        createdAt: existing?.createdAt ?? stamp,
        updatedAt: stamp,
      };
      const locale = existing?.locale ?? defaults.locale;
      if (locale) record.locale = locale;
      record.timezone = existing?.timezone ?? defaults.timezone;
      return put(record);
    },

    async updateOperator(telegramId, patch) {
      const key = checkTelegramId(telegramId);
      const stamp = now().toISOString();
      const existing = db.get("operators", key) ?? {
        telegramId,
        digest: PRE_LOGIN_DIGEST,
        lastChannelId: null,
        createdAt: stamp,
        updatedAt: stamp,
      };
      const record: OperatorRecord = {
        ...existing,
        ...withoutUndefined({
          locale: patch.locale,
          timezone: patch.timezone,
          lastChannelId: patch.lastChannelId,
        }),
        digest: { ...existing.digest, ...withoutUndefined(patch.digest ?? {}) },
        updatedAt: stamp,
      };
      const premiumpay = currentKeyed(existing);
      if (premiumpay) record.premiumpay = premiumpay;
      return put(record);
    },

    async deleteOperator(telegramId) {
      const key = String(telegramId);
      let removed = db.delete("operators", key);
      for (const [id, action] of [...db.entries("actions")]) {
        if (action.telegramId === telegramId) removed = db.delete("actions", id) || removed;
      }
      if (removed) await db.commit();
      return removed;
    },

    async runOnce<T>(
      actionId: string,
      telegramId: number,
      action: () => Promise<T>,
    ): Promise<RunOnceOutcome<T>> {
      checkTelegramId(telegramId);
      // Everything up to runAction's first await is synchronous, so concurrent duplicates see the pending record.
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

    async rotateKeys() {
      let operators = 0;
      for (const [key, record] of [...db.entries("operators")]) {
        const premiumpay = currentKeyed(record);
        if (premiumpay === record.premiumpay) continue;
        db.set("operators", key, { ...record, premiumpay });
        operators++;
      }
      let conversations = 0;
      for (const [key, record] of [...convDb.entries("conversations")]) {
        if (ring.isCurrent(record.data)) continue;
        convDb.set("conversations", key, {
          ...record,
          data: ring.seal(conversationJson.get(key)!, conversationAad(key)),
        });
        conversations++;
      }
      await Promise.all([db.commit(), convDb.commit()]);
      return { operators, conversations };
    },

    conversationStorage: {
      read(key) {
        const json = conversationJson.get(key);
        return json === undefined ? undefined : (JSON.parse(json) as VersionedState<unknown>);
      },
      async write(key, state) {
        const json = JSON.stringify(state);
        convDb.set("conversations", key, {
          data: ring.seal(json, conversationAad(key)),
          updatedAt: now().toISOString(),
        });
        conversationJson.set(key, json);
        await convDb.commit();
      },
      async delete(key) {
        conversationJson.delete(key);
        if (convDb.delete("conversations", key)) await convDb.commit();
      },
    },

    conversations: {
      listExpired(olderThanMs = conversationTtlMs) {
        const cutoff = now().getTime() - olderThanMs;
        return Array.from(convDb.entries("conversations"))
          .filter(([, record]) => Date.parse(record.updatedAt) < cutoff)
          .map(([key]) => key);
      },
      async expire(olderThanMs = conversationTtlMs) {
        const keys = store.conversations.listExpired(olderThanMs);
        for (const key of keys) {
          convDb.delete("conversations", key);
          conversationJson.delete(key);
        }
        if (keys.length > 0) await convDb.commit();
        return keys;
      },
    },

    async flush() {
      await Promise.all([db.flush(), convDb.flush()]);
    },

    async close() {
      await Promise.all([db.close(), convDb.close()]);
    },
  };

  /**
   * Marks the action pending durably before running it, so a crash during the action leaves evidence that it may
   * have happened; records the JSON result durably after. If the action throws, its record is removed: it did not
   * complete, and a retry with the same id may run it again.
   */
  async function runAction<T>(
    actionId: string,
    telegramId: number,
    action: () => Promise<T>,
  ): Promise<RunOnceOutcome<T>> {
    db.set("actions", actionId, { actionId, telegramId, state: "pending", at: now().toISOString() });
    try {
      await db.commit();
    } catch (error) {
      db.delete("actions", actionId);
      throw error;
    }
    let result: T;
    try {
      result = await action();
    } catch (error) {
      db.delete("actions", actionId);
      await db.commit().catch(() => {});
      throw error;
    }
    const stored = result === undefined ? undefined : JSON.parse(JSON.stringify(result));
    const done: ActionRecord = { actionId, telegramId, state: "done", at: now().toISOString() };
    if (stored !== undefined) done.result = stored;
    db.set("actions", actionId, done);
    // The action happened, so its result is returned even if this write fails: the record on disk then still
    // says pending, and a redelivery reports "unknown" instead of running it twice.
    await db.commit().catch(() => {});
    return { state: "done", result, replayed: false };
  }

  return store;
}

/** Fails fast at start-up when the configured keys cannot open the stored tokens, instead of at first use. */
function verifyKeys(ring: KeyRing, db: JournaledFile<OperatorTables>): void {
  const sampled = new Set<string>();
  for (const [, record] of db.entries("operators")) {
    if (!record.premiumpay) continue;
    const keyId = sealedKeyId(record.premiumpay.token);
    if (sampled.has(keyId)) continue;
    if (!ring.canOpen(keyId)) throw ring.mismatch(keyId);
    try {
      ring.open(
        record.premiumpay.token,
        tokenAad(record.telegramId),
        `the token of user ${record.telegramId}`,
      );
    } catch (error) {
      throw new StoreError(`data file ${db.path} is not valid: ${(error as Error).message}; fix or move it`);
    }
    sampled.add(keyId);
  }
}

function loadConversations(ring: KeyRing, convDb: JournaledFile<ConversationTables>): Map<string, string> {
  const plaintext = new Map<string, string>();
  for (const [key, record] of convDb.entries("conversations")) {
    const keyId = sealedKeyId(record.data);
    if (!ring.canOpen(keyId)) throw ring.mismatch(keyId);
    let json: string;
    try {
      json = ring.open(record.data, conversationAad(key), `conversation ${key}`);
      versionedStateSchema.parse(JSON.parse(json));
    } catch (error) {
      throw new StoreError(
        `data file ${convDb.path} is not valid: ${(error as Error).message}; fix or move it`,
      );
    }
    plaintext.set(key, json);
  }
  return plaintext;
}
