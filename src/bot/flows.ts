import { mayDo, type Permission, type Role } from "../team/roles.js";
import type { ScreenOptions } from "./screens/screen.js";

/**
 * One command of the bot's private chat. `command` names its texts in every locale: `commands.<command>` in the
 * command menu, `help-line-<command>` in /help and, with `menu`, `menu-<command>` on its main-menu button.
 */
export interface CommandEntry {
  /** Without the slash. */
  command: string;
  /**
   * The conversation the command starts, on a Screen (its steps: flow-registry.ts). Stored with a flow in progress:
   * never rename one that has shipped. Absent: a one-off answer, no conversation.
   */
  flow?: string;
  /** A main-menu button (`m:<command>`) starts it too. */
  menu?: true;
  needsLogin: boolean;
  /**
   * What it needs by the role policy (team/roles.ts), checked at entry; confirmed actions check again when they act.
   * Absent: owner only when it needs a login, anyone otherwise.
   */
  permission?: Permission;
  /** The flow checks the permission itself, in its own words; the table only keeps it out of others' menus. */
  checkedByFlow?: true;
  screen?: ScreenOptions;
}

/**
 * Every command, in command-menu order; the main menu shows the `menu` ones in this order too. The one table:
 * createBot registers conversations, commands and menu buttons from it (flow-registry.ts), the command menu
 * (commands.ts), /help and the main menu read it. It holds data only, so that anything may import it: the
 * conversations, which show menus, are attached to their ids where they are registered.
 */
export const COMMAND_TABLE = [
  { command: "start", needsLogin: false },
  { command: "menu", needsLogin: false },
  { command: "channels", menu: true, needsLogin: true, permission: "view" },
  {
    command: "link",
    flow: "public-link",
    menu: true,
    needsLogin: true,
    permission: "publish",
    screen: { buried: "delete" },
  },
  { command: "welcome", flow: "welcome", menu: true, needsLogin: true, permission: "publish" },
  { command: "sales", flow: "sales", menu: true, needsLogin: true, permission: "view" },
  { command: "results", flow: "results", needsLogin: true, permission: "view" },
  { command: "report", flow: "report", menu: true, needsLogin: true, permission: "view" },
  { command: "links", flow: "links", menu: true, needsLogin: true, permission: "view" },
  { command: "digest", flow: "digest-settings", menu: true, needsLogin: true, permission: "view" },
  { command: "alerts", flow: "alerts-settings", menu: true, needsLogin: true, permission: "view" },
  { command: "group", flow: "team-group", needsLogin: true },
  { command: "audit", flow: "audit", needsLogin: true, permission: "publish" },
  { command: "account", menu: true, needsLogin: true, permission: "view" },
  { command: "language", flow: "language", menu: true, needsLogin: false },
  { command: "timezone", flow: "timezone", needsLogin: false },
  { command: "login", flow: "login", needsLogin: false, permission: "account" },
  // The owner manages the team; a teammate comes here to leave it (the flow checks each change itself).
  { command: "team", flow: "team", needsLogin: false },
  // A teammate is told they have no login of their own to end, rather than refused.
  { command: "logout", flow: "logout", needsLogin: false, permission: "account", checkedByFlow: true },
  { command: "help", needsLogin: false },
  { command: "cancel", needsLogin: false },
] as const satisfies readonly CommandEntry[];

type TableEntry = (typeof COMMAND_TABLE)[number];
export type Command = TableEntry["command"];

/** Accepting an invitation (/start <code>): a flow entered by /start, not by a command of its own. */
export const INVITATION_FLOW = "join";

/** Every conversation's id: the table's flows and the invitation. */
export type FlowId = Extract<TableEntry, { flow: string }>["flow"] | typeof INVITATION_FLOW;

export type MenuItem = Extract<TableEntry, { menu: true }>["command"];

const entries: readonly CommandEntry[] = COMMAND_TABLE;

/** The main-menu buttons, in table order (typed as a non-empty tuple for the callback codec's enum). */
export const MENU_ITEMS = entries.filter((entry) => entry.menu).map((entry) => entry.command) as [
  MenuItem,
  ...MenuItem[],
];

/** The table's entry of `command`. */
export const entryOf = (command: Command): CommandEntry =>
  entries.find((entry) => entry.command === command)!;

/** The commands that start a flow. */
export type FlowCommand = Extract<TableEntry, { flow: string }>["command"];

/** The conversation `command` starts (/start enters the login flow for a guest). */
export const flowOf = (command: FlowCommand): FlowId => entryOf(command).flow as FlowId;

/** What starting `entry` needs: its permission, or the owner's when it needs a login and names none. */
export const entryPermission = (entry: CommandEntry): Permission | undefined =>
  entry.permission ?? (entry.needsLogin ? "account" : undefined);

/** Whether `role` may start what `entry` starts, so menus list only that (a guest sees everything, and is asked to log in). */
function offered(role: Role | undefined, entry: CommandEntry): boolean {
  const needed = entryPermission(entry);
  return role === undefined || needed === undefined || mayDo(role, needed);
}

/** The commands `role` may start, in table order: the command menu and the lines of /help. */
export const commandsOf = (role: Role | undefined): Command[] =>
  COMMAND_TABLE.filter((entry) => offered(role, entry)).map((entry) => entry.command);

/** The main-menu buttons `role` may use, in menu order. */
export const menuItemsOf = (role: Role | undefined): MenuItem[] =>
  MENU_ITEMS.filter((item) => offered(role, entryOf(item)));
