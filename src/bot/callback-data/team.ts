import { cbEnum, cbWord, defineCallback } from "./codec.js";

export const TEAM_ACTIONS = [
  "invite",
  "invite-as",
  "member",
  "set-role",
  "remove",
  "remove-yes",
  "revoke",
  "leave",
  "leave-yes",
  "back",
  "close",
] as const;
export type TeamAction = (typeof TEAM_ACTIONS)[number];

/**
 * /team's buttons: `tm1:<action>:<a>:<b>` (a member's id, an invitation's id or a role; `-` when unused). Every
 * change they ask for is checked again where it is made (team-changes.ts), so a forged one is refused there.
 */
export const teamCallback = defineCallback("tm1", cbEnum(TEAM_ACTIONS), cbWord, cbWord);

/** Accepting an invitation (/start <code>): `jn1:yes` or `jn1:no`. */
export const joinCallback = defineCallback("jn1", cbEnum(["yes", "no"]));
