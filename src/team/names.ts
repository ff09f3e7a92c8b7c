import { escapeHtml, type TrustedHtml, trusted } from "../format/html.js";
import type { MemberName } from "../store/index.js";

/** The name a teammate is shown by, "Ana (@ana)", from what Telegram told at their join; undefined when unknown. */
export function memberName(member: { firstName?: string; username?: string }): string | undefined {
  const { firstName, username } = member;
  if (firstName === undefined) return username === undefined ? undefined : `@${username}`;
  return username === undefined ? firstName : `${firstName} (@${username})`;
}

/** The name a Telegram user gives: first name and, when they have one, their @username. */
export function telegramName(user: { first_name: string; username?: string }): MemberName {
  return { firstName: user.first_name, ...(user.username ? { username: user.username } : {}) };
}

/** Whether `member` is stored with the name `name` already (a teammate's later updates refresh it when it is not). */
export function sameName(member: { firstName?: string; username?: string }, name: MemberName): boolean {
  return member.firstName === name.firstName && member.username === name.username;
}

type NamedMember = { telegramId: number; firstName?: string; username?: string };

/** A teammate in plain text (buttons, CSV): their name, else their id. */
export const memberLabel = (member: NamedMember): string => memberName(member) ?? String(member.telegramId);

/** A teammate in a Telegram HTML message: their name escaped (they chose it, in Telegram), else their id. */
export function memberHtml(member: NamedMember): TrustedHtml {
  const name = memberName(member);
  return trusted(name === undefined ? `<code>${member.telegramId}</code>` : escapeHtml(name));
}
