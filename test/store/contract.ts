import { createHash, randomBytes } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  AUDIT_MAX_PER_ACCOUNT,
  type AuditEntryInput,
  CredentialsDamagedError,
  CredentialsKeyError,
  type Store,
  StoreError,
  type StoreKeyOptions,
  TeamGroupTakenError,
} from "../../src/store/index.js";
import { describeAlertStoreContract } from "./contract-alerts.js";

export const KEY = randomBytes(32);
export const OTHER_KEY = randomBytes(32);
export const DEFAULTS = { timezone: "Europe/Madrid", digestTime: "09:00" } as const;
/** JWT-shaped, long and unique enough that finding it in stored data cannot be a coincidence. */
export const TOKEN = `eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJvcGVyYXRvci0${randomBytes(24).toString("hex")}.c2lnbmF0dXJl`;

/**
 * One backend's data (a folder, a database) as the contract drives it. Every call opens the same data; tampering
 * happens while no store is open on it.
 */
export interface StoreBackend {
  open(options: StoreKeyOptions): Promise<Store>;
  /** Opens the data as a process that died at this instant would leave it; `crashed` is abandoned, never closed. */
  openAfterCrash(crashed: Store, options: StoreKeyOptions): Promise<Store>;
  /** Everything stored, as text, for "never in clear at rest" checks. */
  rawText(): Promise<string>;
  /** Damages one operator's stored token as bit rot would (the value keeps its shape, its bytes change). */
  damageToken(telegramId: number): Promise<void>;
  /** Damages one stored flow as bit rot would. */
  damageFlow(key: string): Promise<void>;
  /** Copies one operator's stored token onto another operator's record, as an attacker with the files could. */
  copyToken(from: number, to: number): Promise<void>;
  /** Makes one operator's stored record look like one written before the digest had its chart setting. */
  forgetDigestChart(telegramId: number): Promise<void>;
  dispose(): Promise<void>;
}

const flowState = (step: string) => ({
  version: [0, 3] as [0, number],
  state: { step, log: [{ text: "hola ✓" }] },
});

const link = { url: "https://t.me/+abc", name: "promo" };

/** The behaviour every Store backend must have; `makeBackend` gives fresh, empty data for each test. */
export function describeStoreContract(name: string, makeBackend: () => Promise<StoreBackend>): void {
  describe(`Store contract: ${name}`, () => {
    let backend: StoreBackend;
    const opened: Store[] = [];
    const open = async (options: Partial<StoreKeyOptions> = {}) => {
      const store = await backend.open({ credentialsKey: KEY, ...options });
      opened.push(store);
      return store;
    };
    const reopen = async (store: Store, options: Partial<StoreKeyOptions> = {}) => {
      await store.close();
      return open(options);
    };
    const afterCrash = async (crashed: Store, options: Partial<StoreKeyOptions> = {}) => {
      const store = await backend.openAfterCrash(crashed, { credentialsKey: KEY, ...options });
      opened.push(store);
      return store;
    };

    beforeEach(async () => {
      backend = await makeBackend();
    });
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close().catch(() => undefined)));
      await backend.dispose();
    });

    describe("operators and settings", () => {
      it("keeps every field across close and reopen", async () => {
        const store = await open({ now: () => new Date("2024-05-01T10:00:00Z") });
        await store.saveCredentials(
          42,
          { clientId: "client-42", token: TOKEN },
          { ...DEFAULTS, locale: "es" },
        );
        await store.updateOperator(42, {
          lastChannelId: -1001,
          digest: { channelIds: [5, 7], lastSentLocalDate: "2024-04-30", time: "07:15" },
        });
        const reopened = await reopen(store);
        expect(await reopened.getOperator(42)).toEqual({
          telegramId: 42,
          clientId: "client-42",
          hasCredentials: true,
          locale: "es",
          timezone: "Europe/Madrid",
          digest: {
            enabled: true,
            time: "07:15",
            channelIds: [5, 7],
            lastSentLocalDate: "2024-04-30",
            chart: false,
          },
          lastChannelId: -1001,
          createdAt: "2024-05-01T10:00:00.000Z",
          updatedAt: "2024-05-01T10:00:00.000Z",
        });
        expect(await reopened.getCredentials(42)).toEqual({ clientId: "client-42", token: TOKEN });
      });

      it("keeps the digest chart choice across reopen; a change of another digest field keeps it", async () => {
        const store = await open();
        await store.saveCredentials(43, { clientId: "c43", token: TOKEN }, DEFAULTS);
        expect((await store.getOperator(43))?.digest.chart).toBe(false);
        expect((await store.updateOperator(43, { digest: { chart: true } })).digest.chart).toBe(true);
        await store.updateOperator(43, { digest: { lastSentLocalDate: "2024-05-01" } });
        await store.updateOperator(43, { digest: { time: "08:30", enabled: false, channelIds: [3] } });
        await store.updateOperator(43, { timezone: "Asia/Tokyo" });
        const reopened = await reopen(store);
        expect((await reopened.getOperator(43))?.digest).toEqual({
          enabled: false,
          time: "08:30",
          channelIds: [3],
          lastSentLocalDate: "2024-05-01",
          chart: true,
        });
        // A new token for the account, or logging in again after a logout, keeps the operator's choice.
        await reopened.saveCredentials(43, { clientId: "c43", token: "t2" }, DEFAULTS);
        expect((await reopened.getOperator(43))?.digest.chart).toBe(true);
        expect((await reopened.updateOperator(43, { digest: { chart: false } })).digest.chart).toBe(false);
        expect((await reopened.getOperator(43))?.digest).toMatchObject({ time: "08:30", chart: false });
      });

      it("reads an operator stored before the digest had its chart setting as chart off", async () => {
        const store = await open();
        await store.saveCredentials(44, { clientId: "c44", token: TOKEN }, DEFAULTS);
        await store.updateOperator(44, { digest: { chart: true, channelIds: [9] } });
        await store.close();
        await backend.forgetDigestChart(44);
        const reopened = await open();
        expect((await reopened.getOperator(44))?.digest).toEqual({
          enabled: true,
          time: "09:00",
          channelIds: [9],
          lastSentLocalDate: null,
          chart: false,
        });
        expect((await reopened.updateOperator(44, { digest: { chart: true } })).digest.channelIds).toEqual([
          9,
        ]);
        expect((await (await reopen(reopened)).getOperator(44))?.digest.chart).toBe(true);
      });

      it("creates a minimal record for a language chosen before login, then login turns the digest on", async () => {
        const store = await open();
        const before = await store.updateOperator(9, { locale: "es" });
        expect(before).toMatchObject({ hasCredentials: false, locale: "es", digest: { enabled: false } });
        expect(before.timezone).toBeUndefined();
        expect(await store.getCredentials(9)).toBeUndefined();
        const after = await store.saveCredentials(
          9,
          { clientId: "c9", token: TOKEN },
          { ...DEFAULTS, locale: "en" },
        );
        expect(after).toMatchObject({
          hasCredentials: true,
          clientId: "c9",
          locale: "es",
          timezone: "Europe/Madrid",
          digest: { enabled: true, time: "09:00", channelIds: null },
        });
      });

      it("keeps settings on a new token for the same account, resets channels for another account", async () => {
        const store = await open();
        await store.saveCredentials(3, { clientId: "a", token: "t1" }, DEFAULTS);
        await store.updateOperator(3, {
          timezone: "America/Sao_Paulo",
          lastChannelId: 11,
          digest: { enabled: false, channelIds: [11] },
        });
        const sameAccount = await store.saveCredentials(
          3,
          { clientId: "a", token: "t2" },
          { ...DEFAULTS, digestTime: "06:00" },
        );
        expect(sameAccount).toMatchObject({
          timezone: "America/Sao_Paulo",
          lastChannelId: 11,
          digest: { enabled: false, time: "09:00", channelIds: [11] },
        });
        expect((await store.getCredentials(3))?.token).toBe("t2");
        const otherAccount = await store.saveCredentials(3, { clientId: "b", token: "t3" }, DEFAULTS);
        expect(otherAccount).toMatchObject({
          clientId: "b",
          lastChannelId: null,
          digest: { enabled: false, channelIds: null },
        });
      });

      it("rejects invalid settings and ids without changing anything", async () => {
        const store = await open();
        await store.updateOperator(4, { timezone: "Europe/Madrid" });
        const invalid = [
          { timezone: "Mars/Olympus" },
          { digest: { time: "9:00" } },
          { digest: { lastSentLocalDate: "2024-13-01" } },
          { digest: { channelIds: [1.5] } },
          { digest: { chart: "yes" as unknown as boolean } },
          { locale: "fr" as "en" },
        ];
        for (const patch of invalid) {
          await expect(store.updateOperator(4, patch), JSON.stringify(patch)).rejects.toThrow(StoreError);
        }
        await expect(store.updateOperator(-1, { locale: "en" })).rejects.toThrow(StoreError);
        await expect(store.saveCredentials(4, { clientId: "", token: "t" }, DEFAULTS)).rejects.toThrow(
          StoreError,
        );
        await expect(store.saveCredentials(4, { clientId: "c", token: "" }, DEFAULTS)).rejects.toThrow(
          StoreError,
        );
        expect(await store.getOperator(4)).toMatchObject({
          timezone: "Europe/Madrid",
          hasCredentials: false,
          digest: { time: "09:00" },
        });
        expect(await store.getOperator(-1)).toBeUndefined();
      });

      it("returns copies: mutating a returned operator does not change the store", async () => {
        const store = await open();
        await store.updateOperator(8, { digest: { channelIds: [1] } });
        const operator = (await store.getOperator(8))!;
        operator.digest.channelIds!.push(2);
        operator.locale = "es";
        expect(await store.getOperator(8)).toMatchObject({ digest: { channelIds: [1] } });
        expect((await store.getOperator(8))?.locale).toBeUndefined();
      });

      it("deleteOperator wipes credentials, settings and the user's action records, durably", async () => {
        const store = await open();
        await store.saveCredentials(21, { clientId: "c21", token: TOKEN }, DEFAULTS);
        await store.saveCredentials(22, { clientId: "c22", token: "other" }, DEFAULTS);
        await store.runOnce("link-21", 21, async () => ({ url: "https://t.me/+secret21" }));
        expect(await store.deleteOperator(21)).toBe(true);
        expect(await store.deleteOperator(21)).toBe(false);
        expect(await store.getOperator(21)).toBeUndefined();
        expect(await store.getCredentials(21)).toBeUndefined();
        const reopened = await reopen(store);
        const raw = await backend.rawText();
        expect(raw).not.toContain("c21");
        expect(raw).not.toContain("secret21");
        expect(await reopened.getOperator(21)).toBeUndefined();
        expect((await reopened.getOperator(22))?.clientId).toBe("c22");
        expect((await reopened.listOperators()).map((operator) => operator.telegramId)).toEqual([22]);
        // The action record went with the operator: the same id runs again.
        expect((await reopened.runOnce("link-21", 21, async () => link)).replayed).toBe(false);
      });

      it("loses none of 500 concurrent updates from different users", async () => {
        const store = await open();
        await Promise.all(
          Array.from({ length: 500 }, (_, i) => store.updateOperator(1000 + i, { lastChannelId: i })),
        );
        const reopened = await reopen(store);
        expect(await reopened.listOperators()).toHaveLength(500);
        for (let i = 0; i < 500; i += 37)
          expect((await reopened.getOperator(1000 + i))?.lastChannelId).toBe(i);
      });

      it("loses none of concurrent updates to different fields of one user, even after a crash", async () => {
        const store = await open();
        await store.saveCredentials(77, { clientId: "c", token: TOKEN }, DEFAULTS);
        await Promise.all([
          store.updateOperator(77, { locale: "es" }),
          store.updateOperator(77, { timezone: "Asia/Kolkata" }),
          store.updateOperator(77, { lastChannelId: 5 }),
          store.updateOperator(77, { digest: { time: "06:30" } }),
          store.updateOperator(77, { digest: { channelIds: [5] } }),
          store.saveCredentials(77, { clientId: "c", token: "t-new" }, DEFAULTS),
        ]);
        const restarted = await afterCrash(store);
        expect(await restarted.getOperator(77)).toMatchObject({
          locale: "es",
          timezone: "Asia/Kolkata",
          lastChannelId: 5,
          digest: { time: "06:30", channelIds: [5] },
        });
        expect((await restarted.getCredentials(77))?.token).toBe("t-new");
      });
    });

    describe("credentials at rest", () => {
      it("never stores the token in clear, and getOperator never exposes it", async () => {
        const store = await open();
        await store.saveCredentials(7, { clientId: "c", token: TOKEN }, DEFAULTS);
        await store.updateOperator(7, { locale: "en" });
        await store.conversationStorage.write("7", { version: [0, 1], state: { typed: TOKEN } });
        expect(await backend.rawText()).not.toContain(TOKEN.split(".")[1]);
        expect(JSON.stringify(await store.getOperator(7))).not.toContain(TOKEN);
        await store.close();
        expect(await backend.rawText()).not.toContain(TOKEN.split(".")[1]);
      });

      it("binds a token to its operator: a token copied onto another operator does not open", async () => {
        const store = await open();
        await store.saveCredentials(1, { clientId: "c1", token: TOKEN }, DEFAULTS);
        await store.saveCredentials(2, { clientId: "c2", token: "token-two" }, DEFAULTS);
        await store.close();
        await backend.copyToken(1, 2);
        const reopened = await open();
        expect((await reopened.getCredentials(1))?.token).toBe(TOKEN);
        await expect(reopened.getCredentials(2)).rejects.toThrow(CredentialsDamagedError);
      });

      it("one damaged token: only that operator is affected, start-up lists them all, a new login repairs it", async () => {
        const store = await open();
        for (const id of [1, 2, 3])
          await store.saveCredentials(id, { clientId: `c${id}`, token: `t${id}` }, DEFAULTS);
        await store.close();
        await backend.damageToken(1);
        await backend.damageToken(3);
        const reopened = await open();
        expect((await reopened.verifyCredentials()).sort()).toEqual([1, 3]);
        const damaged = reopened.getCredentials(1);
        await expect(damaged).rejects.toThrow(CredentialsDamagedError);
        await expect(damaged).rejects.toMatchObject({ telegramId: 1 });
        expect(await reopened.getCredentials(2)).toEqual({ clientId: "c2", token: "t2" });
        expect(await reopened.getOperator(1)).toMatchObject({ hasCredentials: true, clientId: "c1" });
        // Settings can still change; logging in again replaces the token.
        await reopened.updateOperator(1, { locale: "es" });
        await reopened.saveCredentials(1, { clientId: "c1", token: "t1-again" }, DEFAULTS);
        expect(await reopened.getCredentials(1)).toEqual({ clientId: "c1", token: "t1-again" });
        expect(await reopened.verifyCredentials()).toEqual([3]);
      });
    });

    describe("confirmed actions (runOnce)", () => {
      it("runs the action once under concurrent duplicates; the duplicates get the same result", async () => {
        const store = await open();
        const action = vi.fn(async () => {
          await new Promise((resolve) => setTimeout(resolve, 20));
          return link;
        });
        const outcomes = await Promise.all(
          Array.from({ length: 10 }, () => store.runOnce("upd-1", 5, action)),
        );
        expect(action).toHaveBeenCalledTimes(1);
        expect(outcomes.filter((outcome) => !outcome.replayed)).toHaveLength(1);
        for (const outcome of outcomes) expect(outcome).toMatchObject({ state: "done", result: link });
      });

      it("replays the stored result after a crash instead of running again", async () => {
        const first = await open();
        expect(await first.runOnce("upd-2", 5, async () => link)).toEqual({
          state: "done",
          result: link,
          replayed: false,
        });
        const action = vi.fn(async () => ({ url: "https://t.me/+second" }));
        const second = await afterCrash(first);
        expect(await second.runOnce("upd-2", 5, action)).toEqual({
          state: "done",
          result: link,
          replayed: true,
        });
        expect(action).not.toHaveBeenCalled();
      });

      it("does not re-run an action in flight when the process died, and says the outcome is unknown", async () => {
        const crashed = await open({ now: () => new Date("2024-06-01T12:00:00Z") });
        let started!: () => void;
        const running = new Promise<void>((resolve) => {
          started = resolve;
        });
        // The action starts only after the pending mark is durable, and never finishes: the process "dies" in it.
        void crashed.runOnce("upd-3", 5, () => {
          started();
          return new Promise(() => {});
        });
        await running;
        const action = vi.fn(async () => link);
        const restarted = await afterCrash(crashed, { now: () => new Date("2024-06-01T12:01:00Z") });
        expect(await restarted.runOnce("upd-3", 5, action)).toEqual({
          state: "unknown",
          result: undefined,
          replayed: true,
          startedAt: "2024-06-01T12:00:00.000Z",
        });
        expect(action).not.toHaveBeenCalled();
      });

      it("forgets an action that threw, so the same id can be retried", async () => {
        const store = await open();
        await expect(
          store.runOnce("upd-4", 5, async () => Promise.reject(new Error("premiumpay down"))),
        ).rejects.toThrow("premiumpay down");
        expect(await store.runOnce("upd-4", 5, async () => link)).toEqual({
          state: "done",
          result: link,
          replayed: false,
        });
      });

      it("keeps results that are not objects, including undefined", async () => {
        const store = await open();
        await store.runOnce("none", 5, async () => undefined);
        await store.runOnce("number", 5, async () => 0);
        const reopened = await reopen(store);
        expect(await reopened.runOnce("none", 5, async () => "again")).toEqual({
          state: "done",
          result: undefined,
          replayed: true,
        });
        expect(await reopened.runOnce("number", 5, async () => 1)).toEqual({
          state: "done",
          result: 0,
          replayed: true,
        });
      });

      it("refuses an action id recorded for another user", async () => {
        const store = await open();
        await store.runOnce("upd-5", 5, async () => link);
        const action = vi.fn(async () => link);
        await expect(store.runOnce("upd-5", 6, action)).rejects.toThrow(StoreError);
        expect(action).not.toHaveBeenCalled();
      });

      it("keeps action records 7 days", async () => {
        let clock = new Date("2024-06-01T00:00:00Z");
        const store = await open({ now: () => clock });
        await store.runOnce("old", 5, async () => link);
        clock = new Date("2024-06-06T00:00:00Z");
        const middle = await reopen(store, { now: () => clock });
        await middle.runOnce("fresh", 5, async () => link);
        clock = new Date("2024-06-08T00:00:01Z");
        const later = await reopen(middle, { now: () => clock });
        const action = vi.fn(async () => link);
        expect((await later.runOnce("old", 5, action)).replayed).toBe(false);
        expect((await later.runOnce("fresh", 5, action)).replayed).toBe(true);
        expect(action).toHaveBeenCalledTimes(1);
      });
    });

    describe("conversation state", () => {
      it("reads, writes and deletes, and keeps flows across a crash", async () => {
        const store = await open();
        const storage = store.conversationStorage;
        expect(await storage.read("100")).toBeUndefined();
        await storage.write("100", flowState("name"));
        await storage.write("100", flowState("duration"));
        await storage.write("200", flowState("channel"));
        await storage.delete("200");
        await storage.delete("never-written");
        expect(await storage.read("100")).toEqual(flowState("duration"));
        const restarted = await afterCrash(store);
        expect(await restarted.conversationStorage.read("100")).toEqual(flowState("duration"));
        expect(await restarted.conversationStorage.read("200")).toBeUndefined();
      });

      it("hands out copies, so the plugin mutating a state does not change what is stored", async () => {
        const store = await open();
        await store.conversationStorage.write("1", flowState("a"));
        const read = (await store.conversationStorage.read("1")) as { state: { step: string } };
        read.state.step = "mutated";
        expect(await store.conversationStorage.read("1")).toEqual(flowState("a"));
      });

      it("lists and expires flows untouched for longer than the TTL, durably", async () => {
        let clock = new Date("2024-03-01T10:00:00Z");
        const store = await open({ now: () => clock, conversationTtlMs: 30 * 60_000 });
        await store.conversationStorage.write("old", flowState("a"));
        clock = new Date("2024-03-01T10:20:00Z");
        await store.conversationStorage.write("young", flowState("b"));
        clock = new Date("2024-03-01T10:30:00Z");
        expect(await store.conversations.listExpired()).toEqual([]);
        clock = new Date("2024-03-01T10:30:01Z");
        expect(await store.conversations.listExpired()).toEqual(["old"]);
        expect((await store.conversations.listExpired(5 * 60_000)).sort()).toEqual(["old", "young"]);
        expect(await store.conversations.expire()).toEqual(["old"]);
        expect(await store.conversations.expire()).toEqual([]);
        expect(await store.conversationStorage.read("old")).toBeUndefined();
        const reopened = await reopen(store, { now: () => clock });
        expect(await reopened.conversationStorage.read("old")).toBeUndefined();
        expect(await reopened.conversationStorage.read("young")).toEqual(flowState("b"));
      });

      it("drops one damaged flow and reports it once, to whoever asks; the other flows and the store open", async () => {
        const store = await open();
        await store.conversationStorage.write("1", flowState("a"));
        await store.conversationStorage.write("2", flowState("b"));
        await store.close();
        await backend.damageFlow("1");
        // A store that never asks (the digest CLI) leaves the report for the bot.
        const cli = await open();
        expect(await cli.conversationStorage.read("1")).toBeUndefined();
        const reopened = await reopen(cli);
        expect(await reopened.conversations.takeDamaged()).toEqual(["1"]);
        expect(await reopened.conversations.takeDamaged()).toEqual([]);
        expect(await reopened.conversationStorage.read("1")).toBeUndefined();
        expect(await reopened.conversationStorage.read("2")).toEqual(flowState("b"));
        // Dropped for good: the next start does not report it again.
        const again = await reopen(reopened);
        expect(await again.conversations.takeDamaged()).toEqual([]);
      });
    });

    describe("keys", () => {
      async function sealedWith(key: Buffer) {
        const store = await open({ credentialsKey: key });
        await store.saveCredentials(1, { clientId: "c1", token: TOKEN }, DEFAULTS);
        await store.saveCredentials(2, { clientId: "c2", token: "token-two" }, DEFAULTS);
        await store.conversationStorage.write("1", { version: [0, 0], state: ["step"] });
        await store.close();
      }

      it("refuses to open with a wrong key, naming CREDENTIALS_KEY", async () => {
        await sealedWith(KEY);
        const opening = backend.open({ credentialsKey: OTHER_KEY });
        await expect(opening).rejects.toThrow(CredentialsKeyError);
        await expect(opening).rejects.toThrow(
          "CREDENTIALS_KEY does not match the key the data was encrypted with",
        );
      });

      it("refuses a wrong key even when only conversations are encrypted", async () => {
        const store = await open();
        await store.conversationStorage.write("5", { version: [0, 0], state: {} });
        await store.close();
        await expect(backend.open({ credentialsKey: OTHER_KEY })).rejects.toThrow(CredentialsKeyError);
      });

      it("rejects keys that are not 32 bytes", async () => {
        await expect(backend.open({ credentialsKey: Buffer.alloc(16) })).rejects.toThrow(CredentialsKeyError);
      });

      it("opens with the previous key and rotates everything to the current one", async () => {
        await sealedWith(OTHER_KEY);
        const store = await open({ credentialsKey: KEY, previousCredentialsKey: OTHER_KEY });
        expect(await store.getCredentials(1)).toEqual({ clientId: "c1", token: TOKEN });
        expect(await store.conversationStorage.read("1")).toEqual({ version: [0, 0], state: ["step"] });
        await store.updateOperator(1, { locale: "es" }); // re-seals this token on its own write
        expect(await store.rotateKeys()).toEqual({ operators: 1, conversations: 1 });
        expect(await store.rotateKeys()).toEqual({ operators: 0, conversations: 0 });
        await store.close();

        // The old key is no longer needed, and no longer enough.
        const rotated = await open({ credentialsKey: KEY });
        expect((await rotated.getCredentials(1))?.token).toBe(TOKEN);
        expect((await rotated.getCredentials(2))?.token).toBe("token-two");
        expect(await rotated.conversationStorage.read("1")).toEqual({ version: [0, 0], state: ["step"] });
        expect(await rotated.verifyCredentials()).toEqual([]);
        await rotated.close();
        await expect(backend.open({ credentialsKey: OTHER_KEY })).rejects.toThrow(CredentialsKeyError);
      });
    });

    describeAlertStoreContract(() => ({ open, reopen, afterCrash }));

    describe("team", () => {
      const hash = (n: number) => createHash("sha256").update(`code-${n}`).digest("hex");
      const invite = (store: Store, n: number, role: "viewer" | "manager" = "viewer", ownerId = 1) =>
        store.createInvitation({
          id: `inv-${n}-id`,
          ownerId,
          clientId: `client-${ownerId}`,
          role,
          codeHash: hash(n),
          expiresAt: "2024-06-02T00:00:00.000Z",
        });

      it("redeems an invitation once: the teammate joins with its role, a second use is refused", async () => {
        const store = await open({ now: () => new Date("2024-06-01T00:00:00Z") });
        const created = await invite(store, 1, "manager");
        expect(created).toEqual({
          id: "inv-1-id",
          ownerId: 1,
          clientId: "client-1",
          role: "manager",
          createdAt: "2024-06-01T00:00:00.000Z",
          expiresAt: "2024-06-02T00:00:00.000Z",
          state: "pending",
        });
        expect(await store.listInvitations(1)).toEqual([created]);
        const redeemed = await store.redeemInvitation(hash(1), 7);
        expect(redeemed).toEqual({
          ok: true,
          member: {
            telegramId: 7,
            ownerId: 1,
            clientId: "client-1",
            role: "manager",
            joinedAt: "2024-06-01T00:00:00.000Z",
          },
        });
        expect(await store.redeemInvitation(hash(1), 8)).toEqual({ ok: false, reason: "used" });
        expect(await store.findInvitation(hash(1))).toMatchObject({ state: "used", usedBy: 7 });
        expect(await store.listInvitations(1)).toEqual([]);
        const reopened = await reopen(store);
        expect(await reopened.getMember(7)).toMatchObject({ ownerId: 1, role: "manager" });
        expect(await reopened.listMembers(1)).toHaveLength(1);
        expect(await reopened.getMember(8)).toBeUndefined();
      });

      it("of concurrent redeems of one code exactly one wins", async () => {
        const store = await open({ now: () => new Date("2024-06-01T00:00:00Z") });
        await invite(store, 2);
        const outcomes = await Promise.all(
          Array.from({ length: 12 }, (_, i) => store.redeemInvitation(hash(2), 100 + i)),
        );
        expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(1);
        expect(outcomes.filter((outcome) => !outcome.ok && outcome.reason === "used")).toHaveLength(11);
        expect(await store.listMembers(1)).toHaveLength(1);
      });

      it("refuses expired, revoked, unknown and own codes, and a user already on a team", async () => {
        let clock = new Date("2024-06-01T00:00:00Z");
        const store = await open({ now: () => clock });
        await invite(store, 3);
        await invite(store, 4);
        await invite(store, 5);
        await invite(store, 6, "viewer", 2);
        expect(await store.revokeInvitation(2, "inv-4-id")).toBe(false); // another owner's
        expect(await store.revokeInvitation(1, "inv-4-id")).toBe(true);
        expect(await store.revokeInvitation(1, "inv-4-id")).toBe(false);
        expect(await store.redeemInvitation(hash(4), 9)).toEqual({ ok: false, reason: "revoked" });
        expect(await store.redeemInvitation(hash(99), 9)).toEqual({ ok: false, reason: "unknown" });
        expect(await store.redeemInvitation(hash(3), 1)).toEqual({ ok: false, reason: "own-account" });
        expect((await store.redeemInvitation(hash(5), 9)).ok).toBe(true);
        expect(await store.redeemInvitation(hash(6), 9)).toEqual({ ok: false, reason: "member" });
        expect((await store.listInvitations(1)).map((invitation) => invitation.id)).toEqual(["inv-3-id"]);
        clock = new Date("2024-06-02T00:00:00Z");
        expect(await store.redeemInvitation(hash(3), 10)).toEqual({ ok: false, reason: "expired" });
        expect(await store.listInvitations(1)).toEqual([]);
        expect(await backend.rawText()).not.toContain("code-3");
      });

      it("changes roles and removes members only within the owner's own team", async () => {
        const store = await open({ now: () => new Date("2024-06-01T00:00:00Z") });
        await invite(store, 7);
        await invite(store, 8, "viewer", 2);
        await store.redeemInvitation(hash(7), 11);
        await store.redeemInvitation(hash(8), 12);
        expect(await store.setMemberRole(2, 11, "manager")).toBeUndefined();
        expect(await store.removeMember(2, 11)).toBe(false);
        expect(await store.setMemberRole(1, 11, "manager")).toMatchObject({
          telegramId: 11,
          role: "manager",
        });
        expect((await store.listMembers(2)).map((member) => member.telegramId)).toEqual([12]);
        expect(await store.removeMember(1, 11)).toBe(true);
        expect(await store.removeMember(1, 11)).toBe(false);
        const reopened = await reopen(store);
        expect(await reopened.getMember(11)).toBeUndefined();
        expect(await reopened.listMembers(1)).toEqual([]);
      });

      it("keeps a teammate's Telegram name from their join and stores a new one; a name is optional", async () => {
        const store = await open({ now: () => new Date("2024-06-01T00:00:00Z") });
        await invite(store, 40);
        await invite(store, 41);
        await invite(store, 42);
        const joined = await store.redeemInvitation(hash(40), 50, { firstName: "Ana <b>&", username: "ana" });
        expect(joined).toMatchObject({
          ok: true,
          member: { telegramId: 50, firstName: "Ana <b>&", username: "ana" },
        });
        await store.redeemInvitation(hash(41), 51, { firstName: "Bo" });
        await store.redeemInvitation(hash(42), 52);
        const reopened = await reopen(store);
        expect(await reopened.getMember(50)).toMatchObject({ firstName: "Ana <b>&", username: "ana" });
        expect(await reopened.getMember(51)).toMatchObject({ firstName: "Bo" });
        expect(await reopened.getMember(51)).not.toHaveProperty("username");
        expect(await reopened.getMember(52)).not.toHaveProperty("firstName");
        // A new name replaces the old one whole: a username given up is not kept.
        expect(await reopened.renameMember(50, { firstName: "Ana María" })).toBe(true);
        expect(await reopened.renameMember(52, { firstName: "Cy", username: "cy_1" })).toBe(true);
        expect(await reopened.renameMember(99, { firstName: "Nobody" })).toBe(false);
        await expect(reopened.renameMember(51, { firstName: "" })).rejects.toThrow();
        const again = await reopen(reopened);
        expect(
          (await again.listMembers(1)).map(({ telegramId, firstName, username }) => ({
            telegramId,
            firstName,
            username,
          })),
        ).toEqual([
          { telegramId: 50, firstName: "Ana María", username: undefined },
          { telegramId: 51, firstName: "Bo", username: undefined },
          { telegramId: 52, firstName: "Cy", username: "cy_1" },
        ]);
        expect(await again.getMember(50)).not.toHaveProperty("username");
        expect(await again.getMember(99)).toBeUndefined();
      });

      it("marks refused credentials once: one of concurrent callers sees the change", async () => {
        const store = await open();
        const marks = await Promise.all([1, 2, 3].map(() => store.setCredentialsRefused(1, true)));
        expect(marks.filter(Boolean)).toHaveLength(1);
        expect(await store.credentialsRefused(1)).toBe(true);
        expect(await store.credentialsRefused(2)).toBe(false);
        const reopened = await reopen(store);
        expect(await reopened.credentialsRefused(1)).toBe(true);
        expect(await reopened.setCredentialsRefused(1, false)).toBe(true);
        expect(await reopened.setCredentialsRefused(1, false)).toBe(false);
        expect(await reopened.credentialsRefused(1)).toBe(false);
      });

      it("exports the team as stored and imports it by id with its times; importing twice changes nothing", async () => {
        const store = await open({ now: () => new Date("2024-06-01T00:00:00Z") });
        await invite(store, 20, "manager");
        await invite(store, 21);
        await store.redeemInvitation(hash(20), 30);
        await store.setCredentialsRefused(1, true);
        const snapshot = await store.exportTeam();
        const invitation = { ownerId: 1, clientId: "client-1", createdAt: "2024-06-01T00:00:00.000Z" };
        expect(snapshot).toEqual({
          members: [
            {
              telegramId: 30,
              ownerId: 1,
              clientId: "client-1",
              role: "manager",
              joinedAt: invitation.createdAt,
            },
          ],
          invitations: [
            {
              ...invitation,
              id: "inv-20-id",
              codeHash: hash(20),
              role: "manager",
              expiresAt: "2024-06-02T00:00:00.000Z",
              state: "used",
              usedBy: 30,
            },
            {
              ...invitation,
              id: "inv-21-id",
              codeHash: hash(21),
              role: "viewer",
              expiresAt: "2024-06-02T00:00:00.000Z",
              state: "pending",
            },
          ],
          refused: [{ ownerId: 1, at: invitation.createdAt }],
        });
        // Changed since the export: the import puts every record back as the snapshot has it.
        await store.setMemberRole(1, 30, "viewer");
        await store.revokeInvitation(1, "inv-21-id");
        await store.setCredentialsRefused(1, false);
        const moved = {
          ...snapshot,
          members: [
            ...snapshot.members,
            {
              telegramId: 31,
              ownerId: 2,
              clientId: "client-2",
              role: "viewer" as const,
              joinedAt: "2020-01-02T03:04:05.000Z",
              firstName: "Ana <b>&",
              username: "ana",
            },
          ],
        };
        await store.importTeam(moved);
        await store.importTeam(moved);
        const reopened = await reopen(store, { now: () => new Date("2024-06-01T12:00:00Z") });
        expect(await reopened.exportTeam()).toEqual(moved);
        expect(await reopened.getMember(31)).toMatchObject({
          ownerId: 2,
          joinedAt: "2020-01-02T03:04:05.000Z",
          firstName: "Ana <b>&",
          username: "ana",
        });
        expect(await reopened.credentialsRefused(1)).toBe(true);
        expect((await reopened.redeemInvitation(hash(21), 32)).ok).toBe(true);
        await expect(
          reopened.importTeam({
            ...moved,
            invitations: [{ ...snapshot.invitations[0]!, codeHash: "code-20" }],
          }),
        ).rejects.toThrow();
        expect(await backend.rawText()).not.toContain("code-20");
        // One code belongs to one invitation: another id with a stored code hash is refused, nothing written.
        await expect(
          reopened.importTeam({ ...moved, invitations: [{ ...snapshot.invitations[1]!, id: "inv-99-id" }] }),
        ).rejects.toThrow(StoreError);
        expect((await reopened.exportTeam()).invitations.map((invitation) => invitation.id)).toEqual([
          "inv-20-id",
          "inv-21-id",
        ]);
      });
    });

    describe("audit log and team group", () => {
      const entry = (account: number, key: string, action: AuditEntryInput["action"] = "login") => ({
        account,
        key,
        actor: account,
        action,
        details: { clientId: "c1" },
      });
      /** A clock one second later on every read: entries get distinct times in the order they were made. */
      const ticking = () => {
        let at = Date.parse("2026-12-01T10:00:00Z");
        return {
          now: () => {
            at += 1000;
            return new Date(at);
          },
        };
      };
      const group = (account: number, chatId: number) => ({
        account,
        chatId,
        title: "Sales team",
        digest: true,
        alerts: false,
        connectedBy: account,
        connectedAt: "2026-12-01T10:00:00.000Z",
      });

      it("records an entry once per key, newest first, per account, and keeps it across a reopen", async () => {
        const clock = ticking();
        const store = await open({ now: clock.now });
        expect(await store.recordAudit(entry(1, "a"))).toBe(true);
        expect(await store.recordAudit(entry(1, "a"))).toBe(false);
        expect(await store.recordAudit(entry(1, "b", "logout"))).toBe(true);
        expect(await store.recordAudit(entry(2, "a"))).toBe(true);
        const page = await store.listAudit(1, { offset: 0, limit: 1 });
        expect(page.total).toBe(2);
        expect(page.entries.map((e) => e.action)).toEqual(["logout"]);
        const reopened = await reopen(store, { now: clock.now });
        const all = await reopened.listAudit(1, { offset: 0, limit: 10 });
        expect(all.entries.map((e) => e.key)).toEqual(["b", "a"]);
        expect((await reopened.listAudit(2, { offset: 0, limit: 10 })).total).toBe(1);
      });

      it("refuses details outside the schema and keeps only the newest entries of an account", async () => {
        const clock = ticking();
        const store = await open({ now: clock.now });
        await expect(
          store.recordAudit({ ...entry(1, "x"), details: { token: "secret" } as never }),
        ).rejects.toThrow(StoreError);
        for (let i = 0; i < AUDIT_MAX_PER_ACCOUNT + 3; i++) await store.recordAudit(entry(1, `k${i}`));
        const page = await store.listAudit(1, { offset: 0, limit: 2000 });
        expect(page.total).toBe(AUDIT_MAX_PER_ACCOUNT);
        expect(page.entries.at(-1)?.key).toBe("k3");
      }, 60_000);

      it("links one group to one account; moves it to a supergroup; disconnects with its audit entry", async () => {
        const store = await open();
        await store.connectTeamGroup(group(1, -100), entry(1, "g1", "group_connected"));
        await expect(
          store.connectTeamGroup(group(2, -100), entry(2, "g2", "group_connected")),
        ).rejects.toThrow(TeamGroupTakenError);
        expect((await store.listAudit(2, { offset: 0, limit: 5 })).total).toBe(0);
        expect(await store.updateTeamGroup(1, { alerts: true })).toMatchObject({
          alerts: true,
          digest: true,
        });
        expect(await store.moveTeamGroup(-100, -1_000_000_000_100)).toMatchObject({
          chatId: -1_000_000_000_100,
        });
        expect(await store.findTeamGroup(-100)).toBeUndefined();
        expect((await store.findTeamGroup(-1_000_000_000_100))?.account).toBe(1);
        const reopened = await reopen(store);
        expect(await reopened.getTeamGroup(1)).toMatchObject({ chatId: -1_000_000_000_100, alerts: true });
        expect(await reopened.disconnectTeamGroup(1, entry(1, "g3", "group_disconnected"))).toBeDefined();
        expect(await reopened.listTeamGroups()).toEqual([]);
        const actions = (await reopened.listAudit(1, { offset: 0, limit: 5 })).entries.map((e) => e.action);
        expect(actions).toEqual(["group_disconnected", "group_connected"]);
      });

      it("exports the log and group links as stored and imports them by key with their original times", async () => {
        const clock = ticking();
        const store = await open({ now: clock.now });
        await store.recordAudit(entry(1, "a"));
        await store.connectTeamGroup(group(1, -100), entry(1, "g", "group_connected"));
        const snapshot = await store.exportAudit();
        expect(snapshot.entries.map((e) => [e.account, e.key, e.action])).toEqual([
          [1, "a", "login"],
          [1, "g", "group_connected"],
        ]);
        expect(snapshot.groups).toEqual([group(1, -100)]);
        const older = {
          key: "joined-1",
          actor: 3,
          at: "2026-01-02T03:04:05.000Z",
          action: "member_joined" as const,
          details: { memberId: 3, role: "viewer" },
        };
        const imported = {
          entries: [
            { ...older, account: 1 },
            { ...older, account: 2 },
          ],
          groups: [group(2, -200)],
        };
        await store.importAudit(imported);
        await store.importAudit(imported);
        const reopened = await reopen(store, { now: clock.now });
        // An imported entry keeps its time, so it lists after the newer ones.
        const log = await reopened.listAudit(1, { offset: 0, limit: 10 });
        expect(log.entries.map((e) => e.key)).toEqual(["g", "a", "joined-1"]);
        expect(log.entries.at(-1)).toEqual({ ...older, account: 1 });
        expect(await reopened.listAudit(2, { offset: 0, limit: 10 })).toEqual({
          entries: [{ ...older, account: 2 }],
          total: 1,
        });
        expect(await reopened.exportAudit()).toEqual({
          entries: [imported.entries[0], ...snapshot.entries, imported.entries[1]],
          groups: [group(1, -100), group(2, -200)],
        });
        await reopened.importAudit({ entries: [{ ...older, account: 2, actor: 4 }], groups: [] });
        expect((await reopened.listAudit(2, { offset: 0, limit: 10 })).entries).toEqual([
          { ...older, account: 2, actor: 4 },
        ]);
        await expect(reopened.importAudit({ entries: [], groups: [group(3, -100)] })).rejects.toThrow(
          TeamGroupTakenError,
        );
        expect(await reopened.getTeamGroup(3)).toBeUndefined();
      });
    });

    describe("lifecycle", () => {
      it("keeps every acknowledged write across a crash, and close is safe twice", async () => {
        const store = await open();
        await Promise.all(
          Array.from({ length: 50 }, (_, i) => store.updateOperator(1 + i, { lastChannelId: i })),
        );
        await store.conversationStorage.write("9", flowState("x"));
        const restarted = await afterCrash(store);
        expect(await restarted.listOperators()).toHaveLength(50);
        expect(await restarted.conversationStorage.read("9")).toEqual(flowState("x"));
        await restarted.flush();
        await restarted.close();
        await restarted.close();
        expect(typeof restarted.location).toBe("string");
      });
    });
  });
}
