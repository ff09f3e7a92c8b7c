import type { StoredMessage } from "../../src/sandbox/telegram/index.js";
import { type Harness, hasButton, type OperatorDriver } from "../support/harness.js";

/** The owner invites a teammate through /team; resolves with the code of the t.me link the bot shows. */
export async function inviteCode(owner: OperatorDriver, role: "Viewer" | "Manager"): Promise<string> {
  await owner.send("/team", /Team of account/);
  await owner.click("Invite a teammate", /Which role/);
  const created = await owner.click(role, /valid 24 hours/);
  const code = /\?start=([A-Za-z0-9_-]+)/.exec(created.text)?.[1];
  if (!code) throw new Error(`no invitation link in: ${created.text}`);
  await owner.send("/cancel", /cancel/i);
  return code;
}

/** The invitee opens the link and accepts; resolves with the main menu shown to them. */
export async function join(teammate: OperatorDriver, code: string): Promise<StoredMessage> {
  await teammate.send(`/start ${code}`, /Accept\?/);
  await teammate.click("Accept", /Welcome!/);
  return teammate.nextBotMessage(hasButton("m:sales"));
}

/** A logged-in owner (with a premiumpay account of their own) and a teammate who joined them with `role`. */
export async function team(
  h: Harness,
  ids: { owner: number; teammate: number },
  role: "Viewer" | "Manager",
  account = h.premiumpay.addClient({ channels: 3 }),
): Promise<{ owner: OperatorDriver; teammate: OperatorDriver; account: typeof account }> {
  const owner = h.operator({ id: ids.owner, account, firstName: "Owner" });
  await owner.login();
  const teammate = h.operator({ id: ids.teammate, firstName: "Tess" });
  const menu = join(teammate, await inviteCode(owner, role));
  await menu;
  return { owner, teammate, account };
}

/** The owner opens a teammate (by the name /team shows) and presses `action` there (then `confirm`, when given). */
export async function ownerActsOn(owner: OperatorDriver, teammate: string, action: RegExp, confirm?: string) {
  await owner.send("/team", /Team of account/);
  await owner.click(`👤 ${teammate}`, /is a/);
  const done = await owner.click(action, confirm ? /Remove .* from the team\?/ : /is now a/);
  if (confirm) await owner.click(confirm, /was removed from the team/);
  return done;
}

/** Everything a user was shown: every bot message's text and buttons. */
export function visible(op: OperatorDriver): string {
  return op
    .botMessages()
    .map((message) => `${message.text}\n${JSON.stringify(message.replyMarkup ?? {})}`)
    .join("\n");
}
