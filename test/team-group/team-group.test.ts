import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { DEFAULT_ALERT_SETTINGS } from "../../src/alerts/index.js";
import type { SimChat, SimUser, StoredMessage } from "../../src/sandbox/telegram/index.js";
import { buttonsOf, type Harness, type OperatorDriver, startHarness } from "../support/harness.js";

// The team group end to end: the real bot, its digest and its alert pollers, on the emulator and the sandbox.
let h: Harness;
let owner: OperatorDriver;
let colleague: OperatorDriver;
const group: SimChat = { id: -5001, type: "group", title: "Sales team" };
const SUPERGROUP_ID = -1_000_000_005_001;
let channelId: number;

beforeAll(async () => {
  h = await startHarness({
    alertSchedule: true,
    env: { ALERTS_POLL_SECONDS: "1", ALERTS_GROUP_SECONDS: "0" },
  });
  owner = h.operator({ account: h.premiumpay.addClient({ channels: 2 }), firstName: "Olivia" });
  colleague = h.operator({ account: h.premiumpay.addClient({ channels: 1 }), firstName: "Carl" });
  await owner.login();
  await colleague.login();
  channelId = h.premiumpay.data(owner.account.clientId).channels[0]!.id;
});
afterAll(async () => {
  await h?.stop();
});

/** Every message the bot sent to a group chat (the group, and the supergroup it became). */
const groupMessages = (chatId: number): StoredMessage[] => {
  try {
    return h.telegram.chat(chatId).botMessages();
  } catch {
    return [];
  }
};

/** A user writes in the group; resolves with the bot's next message there that matches. */
function inGroup(chat: SimChat, user: SimUser, text: string, expected: RegExp): Promise<StoredMessage> {
  const reply = h.telegram.waitForBotMessage(chat.id, (message) => expected.test(message.text), 8000);
  h.telegram.sendText(user, text, { chat });
  return reply;
}

const teamGroup = () => h.app.deps.store.getTeamGroup(owner.chatId);
const auditActions = async () =>
  (await h.app.deps.store.listAudit(owner.chatId, { offset: 0, limit: 100 })).entries.map((entry) => [
    entry.action,
    entry.details.reason ?? null,
  ]);

async function sell(amount: number): Promise<void> {
  const response = await fetch(`${h.premiumpay.url}/_sandbox/sales`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ clientId: owner.account.clientId, channelId, amount, currency: "EUR" }),
  });
  expect(response.ok).toBe(true);
}

describe("connecting a group", () => {
  it("the group menu offers /connect only; the private menu does not", () => {
    const groupMenu = h.telegram.commands({ scope: { type: "all_group_chats" }, languageCode: "es" });
    expect(groupMenu.map((command) => command.command)).toEqual(["connect"]);
    expect(groupMenu[0]!.description).toContain("Conectar este grupo");
    expect(h.telegram.menuCommandsFor(owner.user).map((command) => command.command)).not.toContain("connect");
    expect(h.telegram.menuCommandsFor(owner.user).map((command) => command.command)).toEqual(
      expect.arrayContaining(["group", "audit"]),
    );
  });

  it("/connect in a private chat says to send it in the group", async () => {
    const reply = await owner.send("/connect", /in the group/);
    expect(buttonsOf(reply)).toEqual([]);
    expect(await teamGroup()).toBeUndefined();
  });

  it("added to a group, the bot explains /connect there, without buttons", async () => {
    const hello = h.telegram.waitForBotMessage(group.id, (message) =>
      /send \/connect here/.test(message.text),
    );
    h.telegram.addBotToGroup(group, owner.user, [
      { user: owner.user, status: "creator" },
      { user: colleague.user, status: "member" },
    ]);
    expect(buttonsOf(await hello)).toEqual([]);
  });

  it("refuses /connect by a member who is not an administrator, and by an administrator without an account", async () => {
    await inGroup(group, colleague.user, "/connect", /Only an administrator of this group/);
    const stranger: SimUser = { id: 777_001, first_name: "Sam", language_code: "en" };
    h.telegram.setMemberStatus(group.id, stranger, "administrator");
    await inGroup(group, stranger, "/connect", /Only the owner of a premiumpay account/);
    expect(await h.app.deps.store.getTeamGroup(colleague.chatId)).toBeUndefined();
    expect(await h.app.deps.store.findTeamGroup(group.id)).toBeUndefined();
  });

  it("the owner, an administrator, connects it: the group and the owner are told; the audit log records it", async () => {
    const privateNote = owner.nextBotMessage(/The group Sales team is connected/);
    const connected = await inGroup(
      group,
      owner.user,
      "/connect",
      /now connected to the premiumpay account of Olivia/,
    );
    expect(buttonsOf(connected)).toEqual([]);
    await privateNote;
    expect(await teamGroup()).toMatchObject({
      chatId: group.id,
      title: "Sales team",
      digest: true,
      alerts: true,
    });
    expect(await auditActions()).toContainEqual(["group_connected", null]);
    // One group belongs to one account: the colleague, even made an administrator, cannot take it.
    h.telegram.setMemberStatus(group.id, colleague.user, "administrator");
    await inGroup(
      group,
      colleague.user,
      "/connect@emulated_bot",
      /already connected to another premiumpay account/,
    );
  });

  it("in the group the bot says nothing to any other command", async () => {
    const before = groupMessages(group.id).length;
    h.telegram.sendText(owner.user, "/sales", { chat: group });
    h.telegram.sendText(owner.user, "/audit", { chat: group });
    h.telegram.sendText(owner.user, "/link", { chat: group });
    // A private message after them is answered once they were handled (updates go in order per chat only, so
    // this waits on the group's own last update through its answer or silence).
    await owner.send("/help", /What I can do/);
    await vi.waitFor(() => expect(h.telegram.pendingUpdates()).toBe(0));
    expect(groupMessages(group.id).slice(before)).toEqual([]);
  });
});

describe("what the group receives", () => {
  it("the daily digest, as the owner gets it, without any button", async () => {
    const inTheGroup = h.telegram.waitForBotMessage(group.id, (message) =>
      /Your sales on/.test(message.text),
    );
    const toOwner = owner.nextBotMessage(/Your sales on/);
    await h.app.digest.runNow({ userId: owner.chatId });
    const [mine, theirs] = await Promise.all([toOwner, inTheGroup]);
    expect(theirs.text).toBe(mine.text);
    expect(buttonsOf(theirs)).toEqual([]);
  });

  it("sales alerts while the owner's alerts are on; /group turns them off for the group only", async () => {
    await h.app.deps.store.setAlertSettings(owner.chatId, { ...DEFAULT_ALERT_SETTINGS, enabled: true });
    await h.app.alerts.service.refresh();
    await vi.waitFor(
      () => expect(h.app.alerts.service.pollers.get(owner.account.clientId)?.loaded).toBe(true),
      { timeout: 10_000, interval: 50 },
    );
    const groupAlert = h.telegram.waitForBotMessage(
      group.id,
      (message) => message.text.includes("12.34"),
      15_000,
    );
    await sell(12.34);
    expect(buttonsOf(await groupAlert)).toEqual([]);

    const screen = await owner.send("/group", /Team group: Sales team/);
    expect(screen.text).toContain("Sales alerts: on");
    await owner.click("Stop alerts in the group", /Sales alerts: off/);
    await owner.click("Done", (message) => buttonsOf(message).length === 0);
    expect(await teamGroup()).toMatchObject({ alerts: false, digest: true });
    const ownerAlert = owner.nextBotMessage((message) => message.text.includes("55.55"), 15_000);
    await sell(55.55);
    await ownerAlert;
    // Back on: the next sale reaches the group, and the one sold while it was off never did.
    await owner.send("/group", /Sales alerts: off/);
    await owner.click("Send alerts to the group", /Sales alerts: on/);
    await owner.click("Done", (message) => buttonsOf(message).length === 0);
    const next = h.telegram.waitForBotMessage(group.id, (message) => message.text.includes("66.66"), 15_000);
    await sell(66.66);
    await next;
    expect(groupMessages(group.id).some((message) => message.text.includes("55.55"))).toBe(false);
    await h.app.deps.store.setAlertSettings(owner.chatId, DEFAULT_ALERT_SETTINGS);
    await h.app.alerts.service.refresh();
  });
});

describe("when the group changes", () => {
  it("the owner no longer an administrator: the next delivery switches the group off and tells the owner", async () => {
    h.telegram.setMemberStatus(group.id, owner.user, "member");
    const note = owner.nextBotMessage(/no longer an administrator of the group Sales team/);
    const before = groupMessages(group.id).length;
    await h.app.digest.runNow({ userId: owner.chatId });
    expect(buttonsOf(await note)).toEqual([]);
    expect(groupMessages(group.id)).toHaveLength(before);
    expect(await teamGroup()).toBeUndefined();
    expect(await auditActions()).toContainEqual(["group_disconnected", "admin-lost"]);
    // An administrator again, the owner reconnects it.
    h.telegram.setMemberStatus(group.id, owner.user, "creator");
    await inGroup(group, owner.user, "/connect", /now connected/);
  });

  it("a group turned supergroup: the link and its settings follow the new chat id", async () => {
    await h.app.deps.store.updateTeamGroup(owner.chatId, { alerts: false });
    h.telegram.migrateGroup(group.id, SUPERGROUP_ID, owner.user);
    await vi.waitFor(async () => expect((await teamGroup())?.chatId).toBe(SUPERGROUP_ID), { timeout: 8000 });
    expect(await teamGroup()).toMatchObject({ digest: true, alerts: false, title: "Sales team" });
    const digest = h.telegram.waitForBotMessage(SUPERGROUP_ID, (message) =>
      /Your sales on/.test(message.text),
    );
    await h.app.digest.runNow({ userId: owner.chatId });
    expect(buttonsOf(await digest)).toEqual([]);
  });

  it("a migration the bot missed is found at the next delivery (Telegram answers with the new id)", async () => {
    const other: SimChat = { id: -5002, type: "group", title: "Night shift" };
    h.telegram.addBotToGroup(other, owner.user);
    await inGroup(other, owner.user, "/connect", /now connected/);
    // The bot is stopped while the group migrates, and the service messages are taken by someone else (dropped).
    await h.stopBot();
    h.telegram.migrateGroup(other.id, -1_000_000_005_002, owner.user);
    const api = `${h.telegram.apiRoot}/bot${h.telegram.token}/getUpdates?timeout=0`;
    const { result } = (await (await fetch(api)).json()) as { result: { update_id: number }[] };
    await fetch(`${api}&offset=${result.at(-1)!.update_id + 1}`);
    expect(h.telegram.pendingUpdates()).toBe(0);
    await h.restart();
    const digest = h.telegram.waitForBotMessage(-1_000_000_005_002, (message) =>
      /Your sales on/.test(message.text),
    );
    await h.app.digest.runNow({ userId: owner.chatId });
    await digest;
    expect((await teamGroup())?.chatId).toBe(-1_000_000_005_002);
  });

  it("the bot removed from the group: disconnected at once, the owner told, the audit log says why", async () => {
    const supergroup = (await teamGroup())!.chatId;
    const note = owner.nextBotMessage(/I was removed from the group Night shift/);
    h.telegram.removeBotFromGroup(supergroup, owner.user);
    expect(buttonsOf(await note)).toEqual([]);
    expect(await teamGroup()).toBeUndefined();
    expect(await auditActions()).toContainEqual(["group_disconnected", "bot-removed"]);
    await owner.send("/group", /No group is connected/);
  });

  it("the owner disconnects it from /group: the group is told once, the audit log records it", async () => {
    const third: SimChat = { id: -5003, type: "supergroup", title: "Managers" };
    h.telegram.addBotToGroup(third, owner.user);
    await inGroup(third, owner.user, "/connect", /now connected/);
    const screen = await owner.send("/group", /Team group: Managers/);
    const told = h.telegram.waitForBotMessage(third.id, (message) => /was disconnected/.test(message.text));
    await owner.click("Disconnect", /The group Managers is disconnected/);
    expect(buttonsOf(await told)).toEqual([]);
    expect(await teamGroup()).toBeUndefined();
    expect(await auditActions()).toContainEqual(["group_disconnected", "owner"]);
    // Its old buttons are expired: pressing one again changes nothing.
    const [first] = buttonsOf(screen);
    const answer = await owner.answerTo(
      screen.messageId,
      first && "callback_data" in first ? first.callback_data : "",
    );
    expect(answer.answer?.text).toContain("expired");
    expect(await teamGroup()).toBeUndefined();
  });

  it("no premiumpay secret in any group message or audit entry", async () => {
    const chats = [group.id, SUPERGROUP_ID, -5002, -1_000_000_005_002, -5003];
    const texts = chats.flatMap((chatId) => groupMessages(chatId).map((message) => message.html));
    expect(texts.length).toBeGreaterThan(5);
    const audit = JSON.stringify(await h.app.deps.store.listAudit(owner.chatId, { offset: 0, limit: 100 }));
    for (const secret of [owner.account.token, h.config.botToken, h.config.credentialsKey.toString("hex")]) {
      expect(texts.join("\n")).not.toContain(secret);
      expect(audit).not.toContain(secret);
    }
    expect(
      chats.flatMap((chatId) => groupMessages(chatId)).every((message) => buttonsOf(message).length === 0),
    ).toBe(true);
  });
});
