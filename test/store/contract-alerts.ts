import { describe, expect, it } from "vitest";
import {
  type AlertAccount,
  type AlertPoll,
  type AlertSale,
  type AlertSettings,
  DEFAULT_ALERT_SETTINGS,
  type Store,
  StoreError,
  type StoreKeyOptions,
} from "../../src/store/index.js";

/** What the contract suite hands its parts: stores on one backend's data. */
export interface ContractStores {
  open(options?: Partial<StoreKeyOptions>): Promise<Store>;
  reopen(store: Store): Promise<Store>;
  afterCrash(crashed: Store): Promise<Store>;
}

const AT = "2024-06-01T12:00:00.000Z";
const LATER = "2024-06-01T12:01:00.000Z";

export const sale = (n: number, overrides: Partial<AlertSale> = {}): AlertSale => ({
  key: `id:${n}`,
  channelId: -100 - (n % 3),
  channelName: `Canal ✓ <${n % 3}>`,
  amount: n + 0.5,
  currency: "EUR",
  date: new Date(Date.parse(AT) - 60_000 + n * 1000).toISOString(),
  linkName: n % 2 === 0 ? null : `promo ${n}`,
  country: "ES",
  paymentMethod: n % 2 === 0 ? null : "card",
  ...overrides,
});

const account = (clientId: string, watermark: string | null = AT): AlertAccount => ({
  clientId,
  watermark,
  seen: watermark ? { "id:1": AT } : {},
  outage: null,
  refusedToken: null,
});

const poll = (clientId: string, queued: AlertPoll["queued"], watermark = AT): AlertPoll => ({
  account: account(clientId, watermark),
  at: AT,
  queued,
});

const keysOf = async (store: Store, telegramId: number) =>
  ((await store.alertOutboxes()).find((outbox) => outbox.telegramId === telegramId)?.entries ?? [])
    .map((entry) => entry.sale.key)
    .sort();
const sentOf = async (store: Store, telegramId: number) =>
  Object.keys(
    (await store.alertOutboxes()).find((outbox) => outbox.telegramId === telegramId)?.sent ?? {},
  ).sort();
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const keys = (numbers: number[]) => numbers.map((n) => `id:${n}`).sort();

const SETTINGS: AlertSettings = {
  enabled: true,
  channelIds: [-100, -9_007_199_254_740_991],
  minAmount: 4.99,
  quietHours: { from: "23:30", to: "07:15" },
  enabledAt: LATER,
};

/** The alert state's part of the Store contract (AlertStore in src/store/types.ts). */
export function describeAlertStoreContract(stores: () => ContractStores): void {
  describe("alert state", () => {
    it("settings: off by default, every field kept across a restart, subscribers are the operators with alerts on", async () => {
      const { open, reopen } = stores();
      const store = await open();
      expect(await store.alertSettings(7)).toEqual(DEFAULT_ALERT_SETTINGS);
      await store.setAlertSettings(7, SETTINGS);
      await store.setAlertSettings(3, { ...DEFAULT_ALERT_SETTINGS, enabled: true });
      await store.setAlertSettings(5, { ...SETTINGS, enabled: false });
      const reopened = await reopen(store);
      expect(await reopened.alertSettings(7)).toEqual(SETTINGS);
      expect(await reopened.alertSubscribers()).toEqual([
        { telegramId: 3, settings: { ...DEFAULT_ALERT_SETTINGS, enabled: true } },
        { telegramId: 7, settings: SETTINGS },
      ]);
    });

    it("refuses invalid settings, ids and sales with a StoreError, writing nothing", async () => {
      const { open } = stores();
      const store = await open();
      await store.setAlertSettings(8, SETTINGS);
      const refused = [
        store.setAlertSettings(8, { ...SETTINGS, minAmount: -1 }),
        store.setAlertSettings(8, { ...SETTINGS, quietHours: { from: "25:00", to: "07:00" } }),
        store.setAlertSettings(8, { ...SETTINGS, quietHours: { from: "07:00", to: "07:00" } }),
        store.setAlertSettings(0, SETTINGS),
        store.recordAlertPoll(poll("acc", [{ telegramId: 8, mode: "live", sales: [sale(1, { key: "" })] }])),
        store.recordAlertPoll({ ...poll("acc", []), account: { ...account("acc"), watermark: "yesterday" } }),
      ];
      for (const attempt of refused) await expect(attempt).rejects.toBeInstanceOf(StoreError);
      expect(await store.alertSettings(8)).toEqual(SETTINGS);
      expect(await store.alertAccount("acc")).toBeUndefined();
      expect(await store.alertOutboxes()).toEqual([]);
    });

    it("a poll stores the account and its sales together; a sale waiting or sent is never queued twice", async () => {
      const { open, reopen } = stores();
      const store = await open();
      expect(await store.alertAccount("acc")).toBeUndefined();
      await store.recordAlertPoll(
        poll("acc", [
          { telegramId: 11, mode: "live", sales: [sale(1), sale(2)] },
          { telegramId: 12, mode: "quiet", sales: [sale(2)], notice: "recovered" },
        ]),
      );
      const outage = { since: AT, noticed: true };
      await store.recordAlertPoll({
        account: { ...account("acc", LATER), outage, refusedToken: "f".repeat(16) },
        at: LATER,
        queued: [
          { telegramId: 11, mode: "catch-up", sales: [sale(2), sale(3)], notice: "unreachable" },
          { telegramId: 12, mode: "live", sales: [], notice: "login-again" },
        ],
      });
      const reopened = await reopen(store);
      expect(await reopened.alertAccount("acc")).toEqual({
        ...account("acc", LATER),
        outage,
        refusedToken: "f".repeat(16),
      });
      const [first, second] = await reopened.alertOutboxes();
      expect(first).toEqual({
        telegramId: 11,
        entries: [
          { sale: sale(1), mode: "live", queuedAt: AT },
          { sale: sale(2), mode: "live", queuedAt: AT },
          { sale: sale(3), mode: "catch-up", queuedAt: LATER },
        ],
        notices: ["unreachable"],
        sent: {},
      });
      expect(second).toEqual({
        telegramId: 12,
        entries: [{ sale: sale(2), mode: "quiet", queuedAt: AT }],
        notices: ["recovered", "login-again"],
        sent: {},
      });

      await reopened.markAlertsSent(11, { saleKeys: ["id:1", "id:2"] }, new Date(LATER), new Date(AT));
      await reopened.markAlertsSent(12, { notice: "recovered" }, new Date(LATER), new Date(AT));
      // The same sales found again by a later poll (the overlap): only the one never queued is new.
      await reopened.recordAlertPoll(
        poll("acc", [{ telegramId: 11, mode: "live", sales: [sale(1), sale(2), sale(3), sale(4)] }], LATER),
      );
      const [after, other] = await reopened.alertOutboxes();
      expect(after?.entries.map((entry) => entry.sale.key)).toEqual(["id:3", "id:4"]);
      expect(after?.sent).toEqual({ "id:1": LATER, "id:2": LATER });
      expect(other?.notices).toEqual(["login-again"]);
    });

    it("sent marks older than the cut-off are forgotten; clearing an outbox keeps them; blocked switches alerts off", async () => {
      const { open } = stores();
      const store = await open();
      await store.setAlertSettings(21, SETTINGS);
      await store.recordAlertPoll(poll("acc", [{ telegramId: 21, mode: "live", sales: [sale(1), sale(2)] }]));
      await store.markAlertsSent(21, { saleKeys: ["id:1"] }, new Date(AT), new Date(0));
      await store.markAlertsSent(21, { saleKeys: ["id:2"] }, new Date(LATER), new Date(Date.parse(AT) + 1));
      expect(await sentOf(store, 21)).toEqual(["id:2"]);

      await store.recordAlertPoll(
        poll("acc", [{ telegramId: 21, mode: "live", sales: [sale(3)], notice: "unreachable" }]),
      );
      await store.clearAlertOutbox(21);
      const [cleared] = await store.alertOutboxes();
      expect(cleared).toMatchObject({ entries: [], notices: [], sent: { "id:2": LATER } });
      expect((await store.alertSettings(21)).enabled).toBe(true);

      await store.recordAlertPoll(poll("acc", [{ telegramId: 21, mode: "live", sales: [sale(4)] }]));
      await store.clearAlertOutbox(21, { switchOff: true });
      expect(await store.alertSettings(21)).toEqual({ ...SETTINGS, enabled: false });
      expect(await keysOf(store, 21)).toEqual([]);
      expect(await store.alertSubscribers()).toEqual([]);
    });

    it("deleteOperator forgets the operator's alert settings and outbox, not the account's poller", async () => {
      const { open } = stores();
      const store = await open();
      await store.setAlertSettings(31, SETTINGS);
      await store.setAlertSettings(32, SETTINGS);
      await store.recordAlertPoll(
        poll("acc", [
          { telegramId: 31, mode: "live", sales: [sale(1)], notice: "recovered" },
          { telegramId: 32, mode: "live", sales: [sale(1)] },
        ]),
      );
      await store.markAlertsSent(31, { saleKeys: ["id:1"] }, new Date(AT), new Date(0));
      expect(await store.deleteOperator(31)).toBe(true);
      expect(await store.alertSettings(31)).toEqual(DEFAULT_ALERT_SETTINGS);
      expect((await store.alertOutboxes()).map((outbox) => outbox.telegramId)).toEqual([32]);
      expect(await store.alertAccount("acc")).toEqual(account("acc"));
    });

    it("loses no sale when 20 polls of different accounts queue overlapping sales for the same operators at once", async () => {
      const { open, afterCrash } = stores();
      const store = await open();
      await Promise.all(
        range(0, 19).map((i) =>
          store.recordAlertPoll(
            poll(`acc-${i}`, [
              { telegramId: 41, mode: "live", sales: range(i, i + 5).map((n) => sale(n)) },
              { telegramId: 42, mode: "live", sales: range(i * 2, i * 2 + 1).map((n) => sale(n)) },
            ]),
          ),
        ),
      );
      const restarted = await afterCrash(store);
      expect(await keysOf(restarted, 41)).toEqual(keys(range(0, 24)));
      expect(await keysOf(restarted, 42)).toEqual(keys(range(0, 39)));
      for (const i of [0, 7, 19]) expect((await restarted.alertAccount(`acc-${i}`))?.watermark).toBe(AT);
    });

    it("a delivery marked while polls queue the same sales again: each sale ends up sent or waiting, never both", async () => {
      const { open, afterCrash } = stores();
      const store = await open();
      await store.recordAlertPoll(
        poll("acc", [{ telegramId: 51, mode: "live", sales: range(1, 10).map((n) => sale(n)) }]),
      );
      await Promise.all([
        store.markAlertsSent(51, { saleKeys: keys(range(1, 10)) }, new Date(LATER), new Date(0)),
        ...range(0, 9).map((i) =>
          store.recordAlertPoll(
            poll(`acc-${i}`, [
              { telegramId: 51, mode: "live", sales: [...range(1, 10), 10 + i].map((n) => sale(n)) },
            ]),
          ),
        ),
      ]);
      const restarted = await afterCrash(store);
      const sent = await sentOf(restarted, 51);
      const waiting = await keysOf(restarted, 51);
      expect(sent).toEqual(keys(range(1, 10)));
      expect(waiting).toEqual(keys(range(11, 19)));
    });

    it("keeps none of 200 concurrent settings writes of different operators lost", async () => {
      const { open, reopen } = stores();
      const store = await open();
      await Promise.all(
        range(1, 200).map((id) =>
          store.setAlertSettings(id, { ...DEFAULT_ALERT_SETTINGS, enabled: id % 2 === 0, minAmount: id }),
        ),
      );
      const reopened = await reopen(store);
      const subscribers = await reopened.alertSubscribers();
      expect(subscribers.map((s) => s.telegramId)).toEqual(range(1, 100).map((n) => n * 2));
      expect(subscribers.every((s) => s.settings.minAmount === s.telegramId)).toBe(true);
    });

    it("a crash in the middle of a poll's write keeps the watermark and its sales together, or neither", async () => {
      const { open, afterCrash } = stores();
      for (const wait of [0, 1, 5]) {
        const store = await open();
        const clientId = `acc-crash-${wait}`;
        const writing = store.recordAlertPoll(
          poll(
            clientId,
            [{ telegramId: 61 + wait, mode: "live", sales: range(1, 50).map((n) => sale(n)) }],
            LATER,
          ),
        );
        writing.catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, wait));
        const restarted = await afterCrash(store);
        const watermark = (await restarted.alertAccount(clientId))?.watermark;
        const queued = await keysOf(restarted, 61 + wait);
        expect([watermark, queued.length]).toSatisfy(
          ([mark, count]: [string | undefined, number]) =>
            (mark === LATER && count === 50) || (mark === undefined && count === 0),
        );
        await restarted.close();
        await writing.catch(() => undefined);
      }
    });

    it("a delivery's mark acknowledged before a crash stays: the sale is not queued again", async () => {
      const { open, afterCrash } = stores();
      const store = await open();
      await store.recordAlertPoll(poll("acc", [{ telegramId: 71, mode: "live", sales: [sale(1), sale(2)] }]));
      await store.markAlertsSent(71, { saleKeys: ["id:1"] }, new Date(LATER), new Date(0));
      const restarted = await afterCrash(store);
      await restarted.recordAlertPoll(
        poll("acc", [{ telegramId: 71, mode: "live", sales: [sale(1), sale(2)] }]),
      );
      expect(await keysOf(restarted, 71)).toEqual(["id:2"]);
      expect(await sentOf(restarted, 71)).toEqual(["id:1"]);
    });

    it("export and import: replace makes the target equal; fill adds only what the target lacks", async () => {
      const { open } = stores();
      const source = await open();
      await source.setAlertSettings(81, SETTINGS);
      await source.setAlertSettings(82, DEFAULT_ALERT_SETTINGS);
      await source.recordAlertPoll(
        poll("acc", [{ telegramId: 81, mode: "quiet", sales: [sale(1), sale(2)], notice: "recovered" }]),
      );
      await source.markAlertsSent(81, { saleKeys: ["id:1"] }, new Date(LATER), new Date(0));
      const snapshot = await source.exportAlertState();
      expect(snapshot.settings).toHaveLength(2);
      expect(snapshot.accounts).toEqual([account("acc")]);

      await source.setAlertSettings(81, { ...SETTINGS, minAmount: 1 });
      await source.recordAlertPoll(poll("acc", [{ telegramId: 81, mode: "live", sales: [sale(3)] }], LATER));
      await source.importAlertState(snapshot, "fill");
      expect((await source.alertSettings(81)).minAmount).toBe(1);
      expect(await keysOf(source, 81)).toEqual(["id:2", "id:3"]);

      await source.importAlertState(snapshot, "replace");
      await source.importAlertState(snapshot, "replace");
      expect(await source.exportAlertState()).toEqual(snapshot);
      await expect(
        source.importAlertState(
          { ...snapshot, settings: [{ telegramId: -1, settings: SETTINGS }] },
          "replace",
        ),
      ).rejects.toBeInstanceOf(StoreError);
    });
  });
}
