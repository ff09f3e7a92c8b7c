import type { TeamRole } from "../store/index.js";

/** The owner logged in with the account's premiumpay credentials; teammates joined by invitation. */
export type Role = TeamRole | "owner";

/**
 * What an action needs: `view` sales, results, reports, link performance, exports, and one's own digest and
 * alerts; `publish` public links and welcome messages; `team` the team itself; `account` login and logout.
 */
export type Permission = "view" | "publish" | "team" | "account";

/** The role policy, in one table: every check in the bot asks it. */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  viewer: ["view"],
  manager: ["view", "publish"],
  owner: ["view", "publish", "team", "account"],
};

export const mayDo = (role: Role, permission: Permission): boolean =>
  ROLE_PERMISSIONS[role].includes(permission);
