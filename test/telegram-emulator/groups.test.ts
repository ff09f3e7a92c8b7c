import type { Update } from "grammy/types";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type BotApiEmulator, startBotApiEmulator } from "../../src/sandbox/telegram/index.js";
import { ann, bob, callApi } from "./support.js";

let emu: BotApiEmulator;
beforeEach(async () => {
  emu = await startBotApiEmulator({ botUsername: "premium_test_bot" });
});
afterEach(async () => {
  await emu.close();
});

const GROUP = { id: -4001, type: "group" as const, title: "Sales team" };

async function updates(): Promise<Update[]> {
  const answer = await callApi<Update[]>(emu, "getUpdates", { timeout: 0 });
  const list = answer.result;
  if (list.length > 0) await callApi(emu, "getUpdates", { offset: list.at(-1)!.update_id + 1, timeout: 0 });
  return list;
}

describe("groups", () => {
  it("adding the bot sends my_chat_member; getChatMember tells each member's standing", async () => {
    emu.addBotToGroup(GROUP, ann, [
      { user: ann, status: "creator" },
      { user: bob, status: "member" },
    ]);
    const [added] = await updates();
    expect(added?.my_chat_member).toMatchObject({
      chat: { id: GROUP.id, type: "group", title: "Sales team" },
      from: { id: ann.id },
      old_chat_member: { status: "left" },
      new_chat_member: { status: "member", user: { id: emu.botInfo.id } },
    });
    const member = (userId: number) =>
      callApi<{ status: string }>(emu, "getChatMember", { chat_id: GROUP.id, user_id: userId });
    expect((await member(ann.id)).result.status).toBe("creator");
    expect((await member(bob.id)).result.status).toBe("member");
    emu.setMemberStatus(GROUP.id, bob, "administrator");
    expect((await member(bob.id)).result.status).toBe("administrator");
    expect((await member(emu.botInfo.id)).result.status).toBe("member");
    expect((await callApi(emu, "getChatMember", { chat_id: -999, user_id: ann.id })).description).toBe(
      "Bad Request: chat not found",
    );
  });

  it("a bot removed from the group is told, and cannot write there any more", async () => {
    emu.addBotToGroup(GROUP, ann);
    expect((await callApi(emu, "sendMessage", { chat_id: GROUP.id, text: "hello" })).ok).toBe(true);
    emu.removeBotFromGroup(GROUP.id, ann);
    const [, removed] = await updates();
    expect(removed?.my_chat_member?.new_chat_member.status).toBe("kicked");
    const refused = await callApi(emu, "sendMessage", { chat_id: GROUP.id, text: "still here?" });
    expect(refused).toMatchObject({
      status: 403,
      error_code: 403,
      description: "Forbidden: bot was kicked from the group chat",
    });
    expect((await callApi(emu, "getChatMember", { chat_id: GROUP.id, user_id: ann.id })).status).toBe(403);
  });

  it("a group turned supergroup sends both service messages, and the old id answers with the new one", async () => {
    emu.addBotToGroup(GROUP, ann);
    emu.migrateGroup(GROUP.id, -1_000_000_004_001, ann);
    const [, from, to] = await updates();
    expect(from?.message).toMatchObject({ chat: { id: GROUP.id }, migrate_to_chat_id: -1_000_000_004_001 });
    expect(from?.message && "text" in from.message).toBe(false);
    expect(to?.message).toMatchObject({
      chat: { id: -1_000_000_004_001, type: "supergroup", title: "Sales team" },
      migrate_from_chat_id: GROUP.id,
    });
    const old = await callApi(emu, "sendMessage", { chat_id: GROUP.id, text: "hello" });
    expect(old).toMatchObject({
      status: 400,
      description: "Bad Request: group chat was upgraded to a supergroup chat",
      parameters: { migrate_to_chat_id: -1_000_000_004_001 },
    });
    expect((await callApi(emu, "sendMessage", { chat_id: -1_000_000_004_001, text: "hello" })).ok).toBe(true);
    const member = await callApi<{ status: string }>(emu, "getChatMember", {
      chat_id: -1_000_000_004_001,
      user_id: ann.id,
    });
    expect(member.result.status).toBe("creator");
  });
});
