import { mayDo, type Permission, type Role } from "../team/roles.js";
import { MENU_ITEMS, type MenuItem } from "./callback-data/index.js";

/**
 * Who may start each flow's command and its main-menu button. Kept apart from the flow table (flows.ts), which
 * imports every conversation: menus, /help and the command menu read this, and conversations show menus, so
 * reading the flow table itself would make a conversation import itself before it is defined.
 */
export interface FlowAccess {
  /** Without the slash; its description in the command menu is `commands.<command>` in every locale. */
  command: string;
  menuItem?: MenuItem;
  needsLogin: boolean;
  /**
   * What the flow needs by the role policy (team/roles.ts), checked at entry; confirmed actions check again when
   * they act. Absent: owner only when it needs a login, anyone otherwise.
   */
  permission?: Permission;
}

/** Every flow started by a command, in command-menu order. flows.ts refuses to load if a flow is missing here. */
export const FLOW_ACCESS: readonly FlowAccess[] = [
  { command: "link", menuItem: "link", needsLogin: true, permission: "publish" },
  { command: "welcome", menuItem: "welcome", needsLogin: true, permission: "publish" },
  { command: "sales", menuItem: "sales", needsLogin: true, permission: "view" },
  { command: "results", needsLogin: true, permission: "view" },
  { command: "report", menuItem: "report", needsLogin: true, permission: "view" },
  { command: "links", menuItem: "links", needsLogin: true, permission: "view" },
  { command: "digest", menuItem: "digest", needsLogin: true, permission: "view" },
  { command: "alerts", menuItem: "alerts", needsLogin: true, permission: "view" },
  { command: "group", needsLogin: true },
  { command: "audit", needsLogin: true, permission: "publish" },
  { command: "timezone", needsLogin: false },
  { command: "login", needsLogin: false, permission: "account" },
  // The owner manages the team; a teammate comes here to leave it (the flow checks each change itself).
  { command: "team", needsLogin: false },
];

/** What starting a flow needs: its permission, or the owner's when it needs a login and names none. */
export const entryPermission = (flow: FlowAccess): Permission | undefined =>
  flow.permission ?? (flow.needsLogin ? "account" : undefined);

/** Commands of no flow that need more than a login: logging out is the owner's (features/logout.ts). */
const OTHER_COMMAND_PERMISSIONS: Readonly<Record<string, Permission>> = { logout: "account" };

/**
 * Whether `role` may start what `command` starts, so menus list only that (a guest sees everything and is asked to
 * log in). Commands and buttons of no flow need at most a login.
 */
export function offeredTo(role: Role | undefined, command: string): boolean {
  const flow = FLOW_ACCESS.find((entry) => entry.command === command);
  const needed = flow ? entryPermission(flow) : OTHER_COMMAND_PERMISSIONS[command];
  return role === undefined || needed === undefined || mayDo(role, needed);
}

/** The main-menu buttons `role` may use, in menu order. */
export const menuItemsOf = (role: Role | undefined): MenuItem[] =>
  MENU_ITEMS.filter((item) => {
    const flow = FLOW_ACCESS.find((entry) => entry.menuItem === item);
    return flow === undefined || offeredTo(role, flow.command);
  });
