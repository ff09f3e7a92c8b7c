import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { LEGACY_ALERTS_FILE, migrateLegacyAlertsFile } from "../../src/alerts/index.js";
import { createLogger } from "../../src/logger.js";
import { createStore, DEFAULT_ALERT_SETTINGS, type Store } from "../../src/store/index.js";
import { sale } from "../store/contract-alerts.js";
import { startHarness } from "../support/harness.js";

const KEY = randomBytes(32);
const AT = "2026-12-01T10:00:00.000Z";
const SETTINGS = {
  enabled: true,
  channelIds: [-1001],
  minAmount: 3,
  quietHours: { from: "23:00", to: "07:00" },
};

/** What a release before the alert state moved into the Store left in DATA_DIR: alerts.json and its journal. */
async function writeLegacyFile(dir: string): Promise<void> {
  const file = {
    schemaVersion: 1,
    journalSeq: 1,
    accounts: {
      "client-1": {
        clientId: "client-1",
        watermark: AT,
        seen: { "id:1": AT },
        outage: null,
        refusedToken: null,
      },
    },
    outboxes: {
      "501": {
        userId: 501,
        entries: [{ sale: sale(2), mode: "quiet", queuedAt: AT }],
        notices: ["recovered"],
        sent: { "id:1": AT },
      },
    },
    settings: { "501": { userId: 501, settings: SETTINGS } },
  };
  await writeFile(join(dir, LEGACY_ALERTS_FILE), JSON.stringify(file));
  // A change written after the last compaction, only in the journal: it must come along too.
  const journalLine = {
    seq: 2,
    ops: [["settings", "502", { userId: 502, settings: { ...DEFAULT_ALERT_SETTINGS, enabled: true } }]],
  };
  await writeFile(join(dir, `${LEGACY_ALERTS_FILE}.journal`), `${JSON.stringify(journalLine)}\n`);
}

const dirs: string[] = [];
const stores: Store[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});
async function dataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "ppbot-legacy-alerts-"));
  dirs.push(dir);
  return dir;
}
const quiet = createLogger("silent");

describe("an alerts.json of an earlier release", () => {
  it("moves into the store once, journal included, and becomes alerts.json.migrated; what the store has wins", async () => {
    const dir = await dataDir();
    await writeLegacyFile(dir);
    const store = await createStore({ dataDir: dir, credentialsKey: KEY });
    stores.push(store);
    // Set since the upgrade: kept, not overwritten by the old file.
    await store.setAlertSettings(502, { ...DEFAULT_ALERT_SETTINGS, minAmount: 9 });

    expect(await migrateLegacyAlertsFile(dir, store, quiet)).toEqual({
      settings: 2,
      accounts: 1,
      entries: 1,
      notices: 1,
      sent: 1,
    });
    expect(await store.alertSettings(501)).toEqual(SETTINGS);
    expect(await store.alertSettings(502)).toEqual({ ...DEFAULT_ALERT_SETTINGS, minAmount: 9 });
    expect(await store.alertAccount("client-1")).toEqual({
      clientId: "client-1",
      watermark: AT,
      seen: { "id:1": AT },
      outage: null,
      refusedToken: null,
    });
    expect(await store.alertOutboxes()).toEqual([
      {
        telegramId: 501,
        entries: [{ sale: sale(2), mode: "quiet", queuedAt: AT }],
        notices: ["recovered"],
        sent: { "id:1": AT },
      },
    ]);
    expect(existsSync(join(dir, LEGACY_ALERTS_FILE))).toBe(false);
    expect(existsSync(join(dir, `${LEGACY_ALERTS_FILE}.journal`))).toBe(false);
    const migrated = JSON.parse(await readFile(join(dir, `${LEGACY_ALERTS_FILE}.migrated`), "utf8"));
    expect(Object.keys(migrated.settings)).toEqual(["501", "502"]);

    // Once: nothing to do on the next start.
    expect(await migrateLegacyAlertsFile(dir, store, quiet)).toBeUndefined();
  });

  it("the bot moves it at start-up: the operator's alerts carry on from the store", async () => {
    const dir = await dataDir();
    await writeLegacyFile(dir);
    const h = await startHarness({ dataDir: dir });
    try {
      expect(await h.app.deps.store.alertSettings(501)).toEqual(SETTINGS);
      expect((await h.app.deps.store.alertSubscribers()).map((s) => s.telegramId)).toEqual([501, 502]);
      expect(existsSync(join(dir, `${LEGACY_ALERTS_FILE}.migrated`))).toBe(true);
      expect(
        h.logs.some((line) => line.includes(`alert state moved from ${join(dir, LEGACY_ALERTS_FILE)}`)),
      ).toBe(true);
      await h.restart();
      expect(await h.app.deps.store.alertSettings(501)).toEqual(SETTINGS);
    } finally {
      await h.stop();
    }
  });
});
