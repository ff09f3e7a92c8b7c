import { createHash, randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join as joinPath } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buttonsOf, type Harness, startHarness } from "../support/harness.js";
import { inviteCode, join, team } from "./support.js";

let h: Harness;
let clock = Date.now();
beforeAll(async () => {
  h = await startHarness({ now: () => new Date(clock) });
});
afterAll(() => h?.stop());

const teamFile = () => readFile(joinPath(h.dataDir, "team.json.journal"), "utf8").catch(() => "");

describe("invitations", () => {
  it("an invitee sees the account and role, accepts, and the owner is told by name; the code is stored only as a hash", async () => {
    const account = h.premiumpay.addClient({ channels: 2 });
    const owner = h.operator({ id: 940_001, account });
    await owner.login();
    const code = await inviteCode(owner, "Viewer");
    expect(code).toMatch(/^[A-Za-z0-9_-]{24}$/);

    // Names are the user's own words: markup in one is shown as typed, never read as HTML.
    const invitee = h.operator({ id: 940_002, firstName: "Ana <b>& Co", username: "ana_co" });
    const ask = await invitee.send(`/start ${code}`, /Accept\?/);
    expect(ask.text).toContain(`team of premiumpay account ${account.clientId} as a viewer`);
    const joined = owner.nextBotMessage(/joined your team/);
    await invitee.click("Accept", /Welcome! You are now a viewer/);
    const note = await joined;
    expect(note.text).toBe("Ana <b>& Co (@ana_co) joined your team as a viewer.");
    expect(note.entities.filter((entity) => entity.type === "bold").map((entity) => entity.length)).toEqual([
      6,
    ]);
    expect(await h.app.deps.store.getMember(940_002)).toMatchObject({
      ownerId: 940_001,
      role: "viewer",
      firstName: "Ana <b>& Co",
      username: "ana_co",
    });

    const list = await owner.send("/team", /Team of account/);
    expect(list.text).toContain("• Ana <b>& Co (@ana_co) · viewer");
    const member = await owner.click("👤 Ana <b>& Co (@ana_co) · viewer", /is a/);
    expect(member.text).toBe("Teammate Ana <b>& Co (@ana_co) is a viewer.");
    await owner.send("/cancel", /cancel/i);
    // Renamed in Telegram (and the username given up): /team shows the new name after their next command.
    const renamed = h.operator({ id: 940_002, firstName: "Ana María" });
    await renamed.send("/sales", /Pick a channel/);
    expect((await owner.send("/team", /Team of account/)).text).toContain("• Ana María · viewer");
    await owner.send("/cancel", /cancel/i);
    await h.app.deps.store.flush();
    const stored = await teamFile();
    expect(stored).not.toContain(code);
    expect(stored).toContain(createHash("sha256").update(code).digest("hex"));
  });

  it("refuses a reused code: single use", async () => {
    const { owner } = await team(h, { owner: 940_011, teammate: 940_012 }, "Viewer");
    const code = await inviteCode(owner, "Manager");
    const first = h.operator({ id: 940_013 });
    const second = h.operator({ id: 940_014 });
    await first.send(`/start ${code}`, /Accept\?/);
    await second.send(`/start ${code}`, /Accept\?/);
    // Both saw the question; the first to accept wins, the other is told the code was used.
    await first.click("Accept", /Welcome! You are now a manager/);
    await second.click("Accept", /already used/);
    await second.send(`/start ${code}`, /already used/);
    expect(await h.app.deps.store.getMember(940_014)).toBeUndefined();
  });

  it("refuses an expired code (24 hours) and a revoked one", async () => {
    const account = h.premiumpay.addClient({ channels: 1 });
    const owner = h.operator({ id: 940_021, account });
    await owner.login();
    const code = await inviteCode(owner, "Viewer");
    clock += 24 * 60 * 60 * 1000 + 1000;
    const late = h.operator({ id: 940_022 });
    await late.send(`/start ${code}`, /has expired/);

    const revoked = await inviteCode(owner, "Manager");
    await owner.send("/team", /Pending invitations/);
    await owner.click("Revoke the manager invitation", /revoked: its link no longer works/);
    await late.send(`/start ${revoked}`, /revoked by the account's owner/);
    expect(await h.app.deps.store.getMember(940_022)).toBeUndefined();
  });

  it("refuses guessed codes, malformed ones, and the owner's own", async () => {
    const { owner } = await team(h, { owner: 940_031, teammate: 940_032 }, "Viewer");
    const guesser = h.operator({ id: 940_033 });
    for (const guess of [randomBytes(18).toString("base64url"), "short", `${"A".repeat(24)}<b>`]) {
      const answer = await guesser.send(`/start ${guess}`, /not valid/);
      expect(answer.replyMarkup).toBeUndefined();
    }
    const code = await inviteCode(owner, "Viewer");
    await owner.send(`/start ${code}`, /your own account's team/);
    // A teammate already on a team cannot join another one.
    const teammate = h.operator({ id: 940_032 });
    await teammate.send(`/start ${code}`, /already on a team/);
    expect(h.logs.join("\n")).toMatch(/never issued was tried/);
    // The code still works for someone else.
    await join(h.operator({ id: 940_034 }), code);
  });

  it("a role tap delivered again after a crash lost the flow's progress creates no second invitation", async () => {
    const account = h.premiumpay.addClient({ channels: 1 });
    const owner = h.operator({ id: 940_051, account });
    await owner.login();
    await owner.send("/team", /Team of account/);
    const roles = await owner.click("Invite a teammate", /Which role/);
    const store = h.app.deps.store;
    const key = String(owner.chatId);
    const atRoles = structuredClone(await store.conversationStorage.read(key));
    const viewer = buttonsOf(roles).find((button) => button.text.includes("Viewer")) as {
      callback_data: string;
    };
    const created = owner.nextBotMessage(/valid 24 hours/);
    const update = h.telegram.clickButton(owner.user, roles.messageId, viewer.callback_data);
    await created;
    await owner.nextBotMessage(/Team of account/);
    // The flow's state as it was before the tap, and the same tap again (as after a hard kill).
    await store.conversationStorage.write(key, atRoles!);
    h.telegram.enqueueRaw(update);
    const queryId = update.callback_query!.id;
    await h.telegram.waitFor(
      () =>
        h.telegram.calls.filter(
          (call) => call.method === "answerCallbackQuery" && call.params.callback_query_id === queryId,
        ).length >= 2 || undefined,
    );
    await h.app.deps.store.flush();
    expect(await store.listInvitations(940_051)).toHaveLength(1);
    expect(owner.botMessages().filter((message) => /valid 24 hours/.test(message.text))).toHaveLength(1);
  });

  it("in Spanish too", async () => {
    const account = h.premiumpay.addClient({ channels: 1 });
    const owner = h.operator({ id: 940_041, account, languageCode: "es" });
    await owner.login();
    await owner.send("/team", /Equipo de la cuenta/);
    await owner.click("Invitar a un miembro", /Qué rol/);
    const created = await owner.click("Gestor", /válida 24 horas/);
    const code = /\?start=([A-Za-z0-9_-]+)/.exec(created.text)![1]!;
    const invitee = h.operator({ id: 940_042, languageCode: "es" });
    await invitee.send(`/start ${code}`, /como gestor/);
    await invitee.click("Aceptar", /Ahora eres gestor/);
  });
});
