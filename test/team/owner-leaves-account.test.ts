import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashInvitationCode, INVITATION_TTL_MS, newInvitationCode } from "../../src/team/codes.js";
import {
  type Harness,
  hasButton,
  type OperatorDriver,
  stampedLike,
  startHarness,
} from "../support/harness.js";
import { inviteCode, team, visible } from "./support.js";

// What the owner's logout or switch to another premiumpay account does to invitations and to the team.
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.stop());

const REVOKED = /revoked by the account's owner/;

/** The owner logs in with another premiumpay account through /login, as an operator switching accounts would. */
async function switchTo(owner: OperatorDriver, account: { clientId: string; token: string }): Promise<void> {
  await owner.send("/login", hasButton("x"));
  await owner.send(account.clientId, hasButton("x"));
  await owner.send(account.token, hasButton("m:channels"));
}

const auditActions = async (ownerId: number) =>
  (await h.app.deps.store.listAudit(ownerId, { offset: 0, limit: 100 })).entries.map((entry) => entry.action);

describe("invitations follow the owner's login", () => {
  it("the logout revokes pending invitations: a question shown before it, and a link opened after it, join nobody", async () => {
    const account = h.premiumpay.addClient({ channels: 1 });
    const owner = h.operator({ id: 970_001, account });
    await owner.login();
    const shownBefore = await inviteCode(owner, "Viewer");
    const openedAfter = await inviteCode(owner, "Manager");
    const invitee = h.operator({ id: 970_002 });
    const ask = await invitee.send(`/start ${shownBefore}`, /Accept\?/);
    expect(ask.text).toContain(`premiumpay account ${account.clientId} as a viewer`);

    await owner.send("/logout", /cannot be undone/);
    await owner.click(/Yes/, /logged out/i);
    await invitee.click("Accept", REVOKED);
    const late = h.operator({ id: 970_003 });
    await late.send(`/start ${openedAfter}`, REVOKED);

    const store = h.app.deps.store;
    expect(await store.getMember(970_002)).toBeUndefined();
    expect(await store.getMember(970_003)).toBeUndefined();
    expect(await store.listInvitations(970_001)).toEqual([]);
    expect((await auditActions(970_001)).filter((action) => action === "invitation_revoked")).toHaveLength(2);
  });

  it("a switch to another account revokes the old account's invitations; the question named the old account", async () => {
    const first = h.premiumpay.addClient({ channels: 1 });
    const other = h.premiumpay.addClient({ channels: 1 });
    const owner = h.operator({ id: 970_011, account: first });
    await owner.login();
    const code = await inviteCode(owner, "Viewer");
    const invitee = h.operator({ id: 970_012 });
    const ask = await invitee.send(`/start ${code}`, /Accept\?/);
    expect(ask.text).toContain(first.clientId);

    await switchTo(owner, other);
    await invitee.click("Accept", REVOKED);
    await invitee.send(`/start ${code}`, REVOKED);
    expect(await h.app.deps.store.getMember(970_012)).toBeUndefined();
    expect(visible(invitee)).not.toContain(other.clientId);
  });

  it("an invitation still pending for an account its owner left is refused when opened and when accepted", async () => {
    const first = h.premiumpay.addClient({ channels: 1 });
    const other = h.premiumpay.addClient({ channels: 1 });
    const owner = h.operator({ id: 970_021, account: first });
    await owner.login();
    // As a release that did not revoke invitations with the login left them: pending, for the first account.
    const store = h.app.deps.store;
    const { code, codeHash, id } = newInvitationCode();
    await store.createInvitation({
      id,
      ownerId: 970_021,
      clientId: first.clientId,
      role: "viewer",
      codeHash,
      expiresAt: new Date(Date.now() + INVITATION_TTL_MS).toISOString(),
    });
    const invitee = h.operator({ id: 970_022 });
    await invitee.send(`/start ${code}`, new RegExp(`${first.clientId} as a viewer`));
    await store.saveCredentials(
      970_021,
      { clientId: other.clientId, token: other.token },
      { timezone: "UTC", digestTime: "09:00" },
    );

    await invitee.click("Accept", /not logged in to it any more/);
    await invitee.send(`/start ${code}`, /not logged in to it any more/);
    expect(await store.getMember(970_022)).toBeUndefined();
    expect((await store.findInvitation(hashInvitationCode(code)))?.state).toBe("pending");
    expect(visible(invitee)).not.toContain(other.clientId);
  });
});

describe("the team follows the owner's account", () => {
  it("a switch tells the old account's teammates once; /team lists only the new account's team; switching back brings them back", async () => {
    const first = h.premiumpay.addClient({ channels: 1 });
    const other = h.premiumpay.addClient({ channels: 1 });
    const { owner, teammate } = await team(h, { owner: 970_031, teammate: 970_032 }, "Viewer", first);

    const told = teammate.nextBotMessage(/logged in to another premiumpay account/);
    await switchTo(owner, other);
    expect((await told).text).toContain(first.clientId);
    expect(visible(teammate)).not.toContain(other.clientId);

    const list = await owner.send("/team", /Team of account/);
    expect(list.text).toContain(other.clientId);
    expect(list.text).toContain("No teammates yet");
    expect(`${list.text}${JSON.stringify(list.replyMarkup)}`).not.toContain("970032");
    // A forged button naming the old account's teammate changes nothing.
    await owner.clickData(list.messageId, stampedLike(list, "tm1:remove-yes:970032:-"), /not on your team/, {
      force: true,
    });
    await owner.send("/cancel", /cancel/i);
    expect(await h.app.deps.store.getMember(970_032)).toMatchObject({
      ownerId: 970_031,
      clientId: first.clientId,
    });

    const back = teammate.nextBotMessage(/your team access is back/);
    await switchTo(owner, first);
    await back;
    const again = await owner.send("/team", /Team of account/);
    expect(again.text).toContain("• Tess · viewer");
    await owner.send("/cancel", /cancel/i);
    const switchNotes = teammate
      .botMessages()
      .filter((message) => /another premiumpay account/.test(message.text));
    expect(switchNotes).toHaveLength(1);
  });
});
