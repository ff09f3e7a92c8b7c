import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, hasButton, startHarness } from "../support/harness.js";
import { team } from "./support.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.stop());

const DENIED_ROLE = "Your role on this team does not allow that. Ask the account's owner.";

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

    // Demoted to viewer: /audit is refused, and the role change is in the owner's log with both roles.
    await owner.send("/team", /Team of account/);
    await owner.click(`👤 ${manager.chatId}`, /is a/);
    await owner.click(/Make viewer|viewer/i, /is now a/);
    await manager.send("/audit", DENIED_ROLE);
    const changes = (await h.app.deps.store.listAudit(owner.chatId, { offset: 0, limit: 50 })).entries.filter(
      (entry) => entry.action === "role_changed",
    );
    expect(changes).toMatchObject([
      { details: { memberId: manager.chatId, role: "viewer", previousRole: "manager" } },
    ]);
  });
});
