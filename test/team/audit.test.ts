import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, hasButton, startHarness } from "../support/harness.js";
import { inviteCode, join, ownerActsOn, team } from "./support.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.stop());

const DENIED_ROLE = "Your role on this team does not allow that. Ask the account's owner.";
const OWNER_AWAY = /owner has to log in again before the team can use it/;

const entriesOf = async (ownerId: number) =>
  (await h.app.deps.store.listAudit(ownerId, { offset: 0, limit: 100 })).entries;

describe("the audit log of a team", () => {
  it("records team changes and a manager's link in the owner's log; a manager sees only their own, a viewer none", async () => {
    const account = h.premiumpay.addClient({ channelNames: ["Audit News"] });
    const { owner, teammate: manager } = await team(
      h,
      { owner: 960_001, teammate: 960_002 },
      "Manager",
      account,
    );

    await manager.send("/link", hasButton(/^cp:c:/));
    await manager.click("Audit News", /Send a name/);
    await manager.send("Manager promo", /How long/);
    await manager.click(/^7 days$/, /approve each join request/);
    await manager.click(/^No$/, /Check the new link/);
    await manager.click("Create the link", /Link created/);

    const entries = (await h.app.deps.store.listAudit(owner.chatId, { offset: 0, limit: 50 })).entries;
    const byAction = (action: string) => entries.filter((entry) => entry.action === action);
    expect(byAction("member_invited")).toMatchObject([{ actor: owner.chatId, details: { role: "manager" } }]);
    expect(byAction("member_joined")).toMatchObject([
      { actor: manager.chatId, details: { role: "manager" } },
    ]);
    expect(byAction("public_link_created")).toMatchObject([
      { actor: manager.chatId, details: { linkName: "Manager promo" } },
    ]);
    // Nothing lands in a log of the teammate's own.
    expect((await h.app.deps.store.listAudit(manager.chatId, { offset: 0, limit: 50 })).total).toBe(0);

    const ownView = await manager.send("/audit", /Audit log/);
    expect(ownView.text).toContain("Manager promo");
    expect(ownView.text).not.toContain("Invitation as");
    const ownerView = await owner.send("/audit", /Audit log/);
    expect(ownerView.text).toContain("Manager promo");
    expect(ownerView.text).toContain("Invitation as");
    // The owner sees their teammate by the name they joined with, as actor and as the member an entry is about.
    expect(ownerView.text).toContain(" · Tess · ➕ Tess joined as manager");
    expect(ownerView.text).toContain(" · Tess · 🔗 Public link “Manager promo”");

    // Demoted to viewer: /audit is refused, and the role change is in the owner's log with both roles.
    await owner.send("/team", /Team of account/);
    await owner.click("👤 Tess", /is a/);
    await owner.click(/Make viewer|viewer/i, /is now a/);
    await manager.send("/audit", DENIED_ROLE);
    const changes = (await h.app.deps.store.listAudit(owner.chatId, { offset: 0, limit: 50 })).entries.filter(
      (entry) => entry.action === "role_changed",
    );
    expect(changes).toMatchObject([
      { details: { memberId: manager.chatId, role: "viewer", previousRole: "manager" } },
    ]);
  });

  it("a teammate leaves through /team: the owner is told and the log records it, as a removal and a revoked invitation", async () => {
    const { owner, teammate: leaver } = await team(h, { owner: 960_011, teammate: 960_012 }, "Viewer");
    const removed = h.operator({ id: 960_013, firstName: "Remy" });
    await join(removed, await inviteCode(owner, "Manager"));
    await inviteCode(owner, "Viewer");
    await owner.send("/team", /Pending invitations/);
    await owner.click("Revoke the viewer invitation", /revoked: its link no longer works/);
    await owner.send("/cancel", /cancel/i);
    await ownerActsOn(owner, "Remy", /Remove from the team/, "Yes, remove");

    const told = owner.nextBotMessage(/left your team/);
    await leaver.send("/team", /You are a viewer on the team of account/);
    await leaver.click("Leave the team", /Leave the team of account/);
    await leaver.click("Yes, leave", /You left the team/);
    expect((await told).text).toBe("Tess left your team.");
    expect(await h.app.deps.store.getMember(960_012)).toBeUndefined();
    await leaver.send("/sales", /You are not logged in/);

    const entries = await entriesOf(owner.chatId);
    const byAction = (action: string) => entries.filter((entry) => entry.action === action);
    expect(byAction("member_left")).toMatchObject([
      { account: owner.chatId, actor: 960_012, details: { memberId: 960_012, role: "viewer" } },
    ]);
    expect(byAction("member_removed")).toMatchObject([
      { account: owner.chatId, actor: owner.chatId, details: { memberId: 960_013, role: "manager" } },
    ]);
    expect(byAction("invitation_revoked")).toMatchObject([{ account: owner.chatId, actor: owner.chatId }]);
    const shown = await owner.send("/audit", /Audit log/);
    expect(shown.text).toContain("🚶 960012 left");
    expect(shown.text).toContain("➖ 960013 removed");
    expect(shown.text).toContain("✖️ Invitation revoked");
  });
});

describe("/audit checks the role at every page and export", () => {
  /** `count` entries of the manager's own in the owner's log, so their /audit has more than one page. */
  async function seedManagerEntries(ownerId: number, managerId: number, count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      await h.app.deps.store.recordAudit({
        key: `seed-${managerId}-${i}`,
        account: ownerId,
        actor: managerId,
        action: "public_link_created",
        details: { linkName: `Promo ${i}` },
      });
    }
  }

  it("a manager demoted while the log is open is refused the next page", async () => {
    const { owner, teammate: manager } = await team(h, { owner: 960_021, teammate: 960_022 }, "Manager");
    await seedManagerEntries(owner.chatId, manager.chatId, 25);
    const log = await manager.send("/audit", /page 1 of 2/);

    const told = manager.nextBotMessage(/is now viewer/);
    await ownerActsOn(owner, "Tess", /Make .*viewer/);
    await told;
    const refused = await manager.click("Older", DENIED_ROLE);
    expect(refused.text).not.toContain("Promo");
    // No second page anywhere, in a new message or in the log's own (which now says why, in place of the entries).
    expect(manager.botMessages().some((message) => /page 2 of 2/.test(message.text))).toBe(false);
    expect(refused.messageId).toBe(log.messageId);
  });

  it("a manager whose owner logged out is refused the export, and no file is sent", async () => {
    const { owner, teammate: manager } = await team(h, { owner: 960_031, teammate: 960_032 }, "Manager");
    await manager.send("/audit", /Audit log/);

    const told = manager.nextBotMessage(/logged out\. The team has no access/);
    await owner.send("/logout", /cannot be undone/);
    await owner.click(/Yes/, /logged out/i);
    await told;
    await manager.click("CSV", OWNER_AWAY);
    // The manager's chat is quiet afterwards: a probe is answered, and no document came before it.
    await manager.send("/help", /What I can do/);
    expect(manager.botMessages().filter((message) => message.media?.kind === "document")).toEqual([]);
  });
});
