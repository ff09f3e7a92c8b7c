import type { ChatMember, User } from "grammy/types";
import { ApiError, badRequest } from "./params.js";

/** A member's standing in a group, as getChatMember reports it. */
export type MemberStatus = "creator" | "administrator" | "member" | "left" | "kicked";

/**
 * Who is in which emulated group, the bot included, and which groups became supergroups: what getChatMember
 * answers and what decides whether the bot may still write to a group.
 */
export class GroupMemberships {
  private readonly members = new Map<number, Map<number, MemberStatus>>();
  /** Old group id → the supergroup it became. */
  private readonly migrated = new Map<number, number>();

  constructor(private readonly botId: number) {}

  status(chatId: number, userId: number): MemberStatus {
    return this.members.get(chatId)?.get(userId) ?? "left";
  }

  set(chatId: number, userId: number, status: MemberStatus): MemberStatus {
    const before = this.status(chatId, userId);
    const group = this.members.get(chatId) ?? new Map<number, MemberStatus>();
    group.set(userId, status);
    this.members.set(chatId, group);
    return before;
  }

  /** The supergroup takes every member of the group; the old id refuses messages from now on. */
  migrate(fromChatId: number, toChatId: number): void {
    this.members.set(toChatId, new Map(this.members.get(fromChatId)));
    this.migrated.set(fromChatId, toChatId);
  }

  /** Throws what Telegram answers a bot writing to a group it left, was removed from, or that migrated. */
  assertBotCanWrite(chatId: number): void {
    // A group written in without addBotToGroup (older tests) has no member list: the bot may write there.
    if (!this.members.has(chatId)) return;
    const to = this.migrated.get(chatId);
    if (to !== undefined) {
      throw new ApiError(400, "Bad Request: group chat was upgraded to a supergroup chat", undefined, to);
    }
    const status = this.status(chatId, this.botId);
    if (status === "kicked") throw new ApiError(403, "Forbidden: bot was kicked from the group chat");
    if (status === "left") throw new ApiError(403, "Forbidden: bot is not a member of the group chat");
  }

  /** getChatMember's answer; the bot must be in the group to ask. */
  chatMember(chatId: number, user: User): ChatMember {
    if (!this.members.has(chatId)) throw badRequest("chat not found");
    this.assertBotCanWrite(chatId);
    return memberOf(user, this.status(chatId, user.id));
  }
}

export function memberOf(user: User, status: MemberStatus): ChatMember {
  switch (status) {
    case "creator":
      return { status, user, is_anonymous: false };
    case "administrator":
      return {
        status,
        user,
        can_be_edited: false,
        is_anonymous: false,
        can_manage_chat: true,
        can_delete_messages: true,
        can_manage_video_chats: false,
        can_restrict_members: true,
        can_promote_members: false,
        can_change_info: true,
        can_invite_users: true,
        can_post_stories: false,
        can_edit_stories: false,
        can_delete_stories: false,
        can_send_welcome_messages: false,
      } as ChatMember;
    case "kicked":
      return { status, user, until_date: 0 };
    default:
      return { status, user };
  }
}
