import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_ALERT_SETTINGS } from "../../src/store/index.js";
import { type Harness, type OperatorDriver, startHarness } from "../support/harness.js";
import { inviteCode, join, team } from "./support.js";

// The owner's token refused as the digest and the alert poller meet it: the same team rule as the bot's own calls.
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.stop());

const OWNER_AWAY = /owner has to log in again before the team can use it/;
const TEAM_NOTE = /premiumpay refused the credentials of account/;
const notesOf = (op: OperatorDriver) => op.botMessages().filter((message) => TEAM_NOTE.test(message.text));

describe("the owner's token refused in the background", () => {
  it("a teammate's digest: the owner must log in again, the team is told once and paused", async () => {
    const account = h.premiumpay.addClient({ channelNames: ["Night News"] });
    const { owner, teammate: viewer } = await team(
      h,
      { owner: 952_001, teammate: 952_002 },
      "Viewer",
      account,
    );
    const manager = h.operator({ id: 952_003 });
    await join(manager, await inviteCode(owner, "Manager"));
    const told = [viewer, manager].map((op) => op.nextBotMessage(TEAM_NOTE, 15_000));
    const ownDigest = viewer.nextBotMessage(/owner must log in again/, 15_000);
    h.premiumpay.faults.set("channels", { status: 401 });
    try {
      expect(await h.app.digest.runNow({ userId: viewer.chatId })).toMatchObject({ loginAgain: 1 });
      expect((await ownDigest).text).not.toMatch(/\/login/);
      await Promise.all(told);
      expect(await h.app.deps.store.credentialsRefused(owner.chatId)).toBe(true);
      await viewer.send("/sales", OWNER_AWAY);
      // The owner's own digest meets the refusal too: their message says /login, and the team hears nothing more.
      const ownerDigest = owner.nextBotMessage(/Send \/login/, 15_000);
      expect(await h.app.digest.runNow({ userId: owner.chatId })).toMatchObject({ loginAgain: 1 });
      await ownerDigest;
    } finally {
      h.premiumpay.faults.clear();
    }
    for (const op of [viewer, manager]) expect(notesOf(op)).toHaveLength(1);
  });

  it("a teammate's alerts: the owner must log in again (in Spanish too), the team is told once", async () => {
    const account = h.premiumpay.addClient({ channelNames: ["Alert News"] });
    const { owner, teammate: viewer } = await team(
      h,
      { owner: 952_011, teammate: 952_012 },
      "Viewer",
      account,
    );
    await h.app.deps.store.updateOperator(viewer.chatId, { locale: "es" });
    await h.app.deps.store.setAlertSettings(viewer.chatId, { ...DEFAULT_ALERT_SETTINGS, enabled: true });
    const told = viewer.nextBotMessage(/premiumpay rechazó las credenciales de la cuenta/, 15_000);
    const notice = viewer.nextBotMessage(/El propietario de la cuenta debe volver a iniciar sesión/, 15_000);
    h.premiumpay.faults.set("channels", { status: 401 });
    h.premiumpay.faults.set("sales", { status: 401 });
    try {
      await h.app.alerts.service.refresh();
      await h.app.alerts.service.pollAll();
      await h.app.alerts.service.dispatch();
      await Promise.all([told, notice]);
    } finally {
      h.premiumpay.faults.clear();
    }
    expect(await h.app.deps.store.credentialsRefused(owner.chatId)).toBe(true);
    expect((await notice).text).not.toMatch(/\/login/);
    await viewer.send("/sales", /propietario/);
    const notes = viewer.botMessages().filter((message) => /rechazó las credenciales/.test(message.text));
    expect(notes).toHaveLength(1);
  });
});
