import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buttonsOf,
  type Harness,
  hasButton,
  type OperatorDriver,
  stampedLike,
  startHarness,
} from "../support/harness.js";
import { inviteCode, join, ownerActsOn, team, visible } from "./support.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.stop());

const DENIED_ROLE = "Your role on this team does not allow that. Ask the account's owner.";
const OWNER_AWAY = /owner has to log in again before the team can use it/;

const requestsOf = (clientId: string, endpoint?: string) =>
  h.premiumpay.requests.filter(
    (request) => request.clientId === clientId && (endpoint === undefined || request.endpoint === endpoint),
  );

async function salesSeen(op: OperatorDriver, channel: string): Promise<string> {
  await op.send("/sales", /Pick a channel/);
  await op.click(channel, /all links, or of one link/);
  return (await op.click("All links", /Sales:/)).text;
}

async function linkUpToConfirm(op: OperatorDriver, channel: string): Promise<void> {
  await op.send("/link", hasButton(/^cp:c:/));
  await op.click(channel, /Send a name/);
  await op.send("Team promo", /How long/);
  await op.click(/^7 days$/, /approve each join request/);
  await op.click(/^No$/, /Check the new link/);
}

describe("roles", () => {
  it("a viewer sees sales with the owner's account, and is refused links, welcome messages and the login", async () => {
    const account = h.premiumpay.addClient({ channelNames: ["Vista News", "Vista Club"] });
    const { teammate: viewer } = await team(h, { owner: 950_001, teammate: 950_002 }, "Viewer", account);
    h.premiumpay.clearRequests();

    expect(await salesSeen(viewer, "Vista News")).toContain("Vista News");
    // Every request carried the owner's own credentials (the viewer has none).
    expect(requestsOf(account.clientId).length).toBeGreaterThan(0);
    expect(h.premiumpay.requests.every((request) => request.tokenMatched)).toBe(true);

    await viewer.send("/link", DENIED_ROLE);
    await viewer.send("/welcome", DENIED_ROLE);
    // A forged (or old) main-menu button: the viewer's menu lacks it, and the flow checks the role when it starts.
    const menu = await viewer.send("/menu", hasButton("m:sales"));
    await viewer.clickData(menu.messageId, "m:link", DENIED_ROLE, { force: true });
    await viewer.send("/login", DENIED_ROLE);
    await viewer.send("/logout", /not logged in with credentials of your own/);
    expect(requestsOf(account.clientId, "createPublicLink")).toEqual([]);
    expect(requestsOf(account.clientId, "setWelcomeMessage")).toEqual([]);

    const shown = await viewer.send("/account", /Your role: viewer/);
    expect(shown.text).toContain(account.clientId);
    expect(visible(viewer)).not.toContain(account.token);
    expect(visible(viewer)).not.toContain(account.token.split(".")[2]);
  });

  it("a manager creates a public link; forged owner buttons in /team (remove, invite, role) are refused", async () => {
    const account = h.premiumpay.addClient({ channelNames: ["Mana News"] });
    const { owner, teammate: manager } = await team(
      h,
      { owner: 950_011, teammate: 950_012 },
      "Manager",
      account,
    );
    const viewer = h.operator({ id: 950_013 });
    await join(viewer, await inviteCode(owner, "Viewer"));

    await linkUpToConfirm(manager, "Mana News");
    await manager.click("Create the link", /Link created/);
    expect(requestsOf(account.clientId, "createPublicLink")).toHaveLength(1);

    let own = await manager.send("/team", /You are a manager on the team of account/);
    for (const forged of [
      "tm1:remove-yes:950013:-",
      "tm1:invite-as:manager:-",
      "tm1:set-role:950012:viewer",
    ]) {
      // The refusal comes with the teammate's own /team again below it.
      const listed = manager.nextBotMessage(
        (message) => /You are a manager on the team/.test(message.text) && message.messageId > own.messageId,
      );
      await manager.clickData(own.messageId, stampedLike(own, forged), DENIED_ROLE, { force: true });
      own = await listed;
    }
    const store = h.app.deps.store;
    expect(await store.getMember(950_013)).toMatchObject({ ownerId: 950_011, role: "viewer" });
    expect(await store.getMember(950_012)).toMatchObject({ role: "manager" });
    expect(await store.listInvitations(950_011)).toEqual([]);
  });

  it("a manager demoted mid-flow: the confirm is refused and nothing is created", async () => {
    const account = h.premiumpay.addClient({ channelNames: ["Demo News"] });
    const { owner, teammate: manager } = await team(
      h,
      { owner: 950_021, teammate: 950_022 },
      "Manager",
      account,
    );
    await linkUpToConfirm(manager, "Demo News");

    const told = manager.nextBotMessage(/Your role on the team of account .* is now viewer/);
    await ownerActsOn(owner, "Tess", /Make .*viewer/);
    await told;
    await manager.click("Create the link", DENIED_ROLE);
    expect(requestsOf(account.clientId, "createPublicLink")).toEqual([]);
  });

  it("a teammate removed mid-flow is told at once, their flow ends, and their next update is refused", async () => {
    const account = h.premiumpay.addClient({ channelNames: ["Gone News"] });
    const { owner, teammate } = await team(h, { owner: 950_031, teammate: 950_032 }, "Viewer", account);
    const picker = await teammate.send("/sales", /Pick a channel/);

    const told = teammate.nextBotMessage(/You were removed from the team of account/);
    await ownerActsOn(owner, "Tess", /Remove from the team/, "Yes, remove");
    await told;
    h.premiumpay.clearRequests();
    const channelButton = buttonsOf(picker)[0] as { callback_data: string };
    const answer = await teammate.answerTo(picker.messageId, channelButton.callback_data);
    expect(answer.answer?.text).toMatch(/expired/);
    await teammate.send("/sales", /You are not logged in/);
    expect(requestsOf(account.clientId)).toEqual([]);
    expect(await h.app.deps.store.conversationStorage.read(String(teammate.chatId))).toBeUndefined();
  });

  it("the owner's token refused while teammates act: each is told once, no access until the owner logs in again", async () => {
    const account = h.premiumpay.addClient({ channelNames: ["Auth News"] });
    const { owner, teammate: viewer } = await team(
      h,
      { owner: 950_041, teammate: 950_042 },
      "Viewer",
      account,
    );
    const manager = h.operator({ id: 950_043 });
    await join(manager, await inviteCode(owner, "Manager"));

    const told = [viewer, manager].map((op) =>
      op.nextBotMessage(/premiumpay refused the credentials of account/),
    );
    h.premiumpay.faults.set("channels", { status: 401 }, { times: 2 });
    await viewer.send("/sales", OWNER_AWAY);
    await Promise.all(told);
    // The owner meets the refusal too: no second note to the team.
    await owner.send("/sales", /no longer accepts/);
    h.premiumpay.clearRequests();
    await viewer.send("/sales", OWNER_AWAY);
    await manager.send("/link", OWNER_AWAY);
    expect(requestsOf(account.clientId)).toEqual([]);

    const back = viewer.nextBotMessage(/logged in again: your team access is back/);
    await owner.send("/login", hasButton("x"));
    await owner.send(account.clientId, hasButton("x"));
    await owner.send(account.token, hasButton("m:channels"));
    await back;
    expect(await salesSeen(viewer, "Auth News")).toContain("Auth News");
    for (const op of [viewer, manager]) {
      const notes = op.botMessages().filter((message) => /refused the credentials/.test(message.text));
      expect(notes).toHaveLength(1);
    }
  });

  it("the owner logs out: the team is told once and has no access until the owner logs in again", async () => {
    const account = h.premiumpay.addClient({ channelNames: ["Out News"] });
    const { owner, teammate } = await team(h, { owner: 950_051, teammate: 950_052 }, "Viewer", account);
    const told = teammate.nextBotMessage(/logged out\. The team has no access/);
    await owner.send("/logout", /Log out/i);
    await owner.click(/Yes/, /logged out/i);
    await told;
    await teammate.send("/sales", OWNER_AWAY);
    const back = teammate.nextBotMessage(/your team access is back/);
    await owner.login();
    await back;
    expect(await salesSeen(teammate, "Out News")).toContain("Out News");
  });

  it("the owner switches to another premiumpay account: the team does not follow", async () => {
    const first = h.premiumpay.addClient({ channelNames: ["First News"] });
    const other = h.premiumpay.addClient({ channelNames: ["Other News"] });
    const { owner, teammate } = await team(h, { owner: 950_091, teammate: 950_092 }, "Viewer", first);
    await owner.send("/login", hasButton("x"));
    await owner.send(other.clientId, hasButton("x"));
    await owner.send(other.token, hasButton("m:channels"));
    h.premiumpay.clearRequests();
    await teammate.send("/sales", OWNER_AWAY);
    const own = await teammate.send("/team", /You are a viewer on the team of account/);
    expect(own.text).toContain(first.clientId);
    expect(visible(teammate)).not.toMatch(new RegExp(`Other News|${other.clientId}`));
    expect(h.premiumpay.requests).toEqual([]);
  });

  it("a viewer gets a digest of their own, built with the owner's account", async () => {
    const account = h.premiumpay.addClient({ channelNames: ["Digest News"] });
    const { teammate } = await team(h, { owner: 950_081, teammate: 950_082 }, "Viewer", account);
    h.premiumpay.clearRequests();
    const digest = teammate.nextBotMessage(/Digest News/, 15_000);
    const report = await h.app.digest.runNow({ userId: 950_082 });
    expect(report).toMatchObject({ sent: 1 });
    await digest;
    expect(requestsOf(account.clientId).length).toBeGreaterThan(0);
    expect(h.premiumpay.requests.every((request) => request.tokenMatched)).toBe(true);
  });

  it("two accounts' teams never see each other's data", async () => {
    const alpha = h.premiumpay.addClient({ channelNames: ["Alpha Club"] });
    const bravo = h.premiumpay.addClient({ channelNames: ["Bravo Club"] });
    const a = await team(h, { owner: 950_061, teammate: 950_062 }, "Manager", alpha);
    const b = await team(h, { owner: 950_071, teammate: 950_072 }, "Viewer", bravo);
    h.premiumpay.clearRequests();
    await Promise.all([salesSeen(a.teammate, "Alpha Club"), salesSeen(b.teammate, "Bravo Club")]);
    expect(visible(a.teammate)).not.toMatch(/Bravo|950071|950072/);
    expect(visible(b.teammate)).not.toMatch(/Alpha|950061|950062/);
    expect(visible(a.teammate)).not.toContain(bravo.clientId);
    expect(visible(b.teammate)).not.toContain(alpha.clientId);
    const listA = await a.owner.send("/team", /Team of account/);
    // Both teammates are called Tess: their ids, in the list's buttons, tell them apart.
    const listedA = `${listA.text}${JSON.stringify(listA.replyMarkup)}`;
    expect(listedA).toContain("950062");
    expect(listedA).not.toContain("950072");
    // A forged /team button naming the other team's teammate changes nothing there.
    await a.owner.clickData(
      listA.messageId,
      stampedLike(listA, "tm1:remove-yes:950072:-"),
      /not on your team/,
      {
        force: true,
      },
    );
    expect(await h.app.deps.store.getMember(950_072)).toMatchObject({ ownerId: 950_071 });
    expect(h.premiumpay.requests.every((request) => request.tokenMatched)).toBe(true);
  });
});
