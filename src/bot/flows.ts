import { createConversation } from "@grammyjs/conversations";
import { Composer, type MiddlewareFn } from "grammy";
import { mayDo, type Permission, type Role } from "../team/roles.js";
import { refuseTeammatesWithout, requirePermission } from "./access.js";
import { MENU_ITEMS, type MenuItem, menuCallback } from "./callback-data/index.js";
import type { BotContext, FlowContext } from "./context.js";
import { ALERTS_SETTINGS, alertsSettingsFlow } from "./conversations/alerts-settings.js";
import { AUDIT, auditFlow } from "./conversations/audit.js";
import { DIGEST_SETTINGS, digestSettingsFlow } from "./conversations/digest-settings.js";
import { JOIN, joinFlow } from "./conversations/join.js";
import { LINKS, linksFlow } from "./conversations/links.js";
import { LOGIN, loginFlow } from "./conversations/login.js";
import { PUBLIC_LINK, publicLinkFlow } from "./conversations/public-link.js";
import { REPORT, reportFlow } from "./conversations/report.js";
import { RESULTS, resultsFlow } from "./conversations/results.js";
import { SALES, salesFlow } from "./conversations/sales.js";
import { TEAM, teamFlow } from "./conversations/team.js";
import { TEAM_GROUP, teamGroupFlow } from "./conversations/team-group.js";
import { TIMEZONE, timezoneFlow } from "./conversations/timezone.js";
import { WELCOME, welcomeFlow } from "./conversations/welcome.js";
import { Screen, type ScreenOptions } from "./screens/index.js";

/** One flow of the bot: a conversation, the command and (optionally) the main-menu button that start it. */
export interface FlowEntry {
  /** The conversation's id, stored with a flow in progress: never rename one that has shipped. */
  id: string;
  /** The flow's own steps, on the screen it is given (see screens/screen.ts). */
  run: (screen: Screen) => Promise<void>;
  /** Without the slash; its description in the command menu is `commands.<command>` in every locale. */
  command: string;
  menuItem?: MenuItem;
  needsLogin: boolean;
  /**
   * What the flow needs by the role policy (team/roles.ts), checked at entry; confirmed actions check again when
   * they act. Absent: owner only when it needs a login, anyone otherwise.
   */
  permission?: Permission;
  screen?: ScreenOptions;
}

/** Every flow, in command-menu order. createBot registers conversations, commands and menu buttons from here. */
export const FLOWS: readonly FlowEntry[] = [
  {
    id: PUBLIC_LINK,
    run: publicLinkFlow,
    command: "link",
    menuItem: "link",
    needsLogin: true,
    permission: "publish",
    screen: { buried: "delete" },
  },
  {
    id: WELCOME,
    run: welcomeFlow,
    command: "welcome",
    menuItem: "welcome",
    needsLogin: true,
    permission: "publish",
  },
  { id: SALES, run: salesFlow, command: "sales", menuItem: "sales", needsLogin: true, permission: "view" },
  { id: RESULTS, run: resultsFlow, command: "results", needsLogin: true, permission: "view" },
  {
    id: REPORT,
    run: reportFlow,
    command: "report",
    menuItem: "report",
    needsLogin: true,
    permission: "view",
  },
  { id: LINKS, run: linksFlow, command: "links", menuItem: "links", needsLogin: true, permission: "view" },
  {
    id: DIGEST_SETTINGS,
    run: digestSettingsFlow,
    command: "digest",
    menuItem: "digest",
    needsLogin: true,
    permission: "view",
  },
  {
    id: ALERTS_SETTINGS,
    run: alertsSettingsFlow,
    command: "alerts",
    menuItem: "alerts",
    needsLogin: true,
    permission: "view",
  },
  { id: TEAM_GROUP, run: teamGroupFlow, command: "group", needsLogin: true },
  { id: AUDIT, run: auditFlow, command: "audit", needsLogin: true, permission: "publish" },
  { id: TIMEZONE, run: timezoneFlow, command: "timezone", needsLogin: false },
  { id: LOGIN, run: loginFlow, command: "login", needsLogin: false, permission: "account" },
  // The owner manages the team; a teammate comes here to leave it (the flow checks each change itself).
  { id: TEAM, run: teamFlow, command: "team", needsLogin: false },
];

/** Flows entered by another handler, not by a command of their own: accepting an invitation (/start <code>). */
const ENTERED_ELSEWHERE: readonly FlowEntry[] = [
  { id: JOIN, run: joinFlow, command: "start", needsLogin: false },
];

export interface FlowRegistration {
  plugins: MiddlewareFn<FlowContext>[];
  maxMillisecondsToWait: number;
}

/** What starting `flow` needs: its permission, or the owner's when it needs a login and names none. */
const entryPermission = (flow: FlowEntry): Permission | undefined =>
  flow.permission ?? (flow.needsLogin ? "account" : undefined);

/** Commands of no flow that need more than a login: logging out is the owner's (features/logout.ts). */
const OTHER_COMMAND_PERMISSIONS: Readonly<Record<string, Permission>> = { logout: "account" };

/**
 * Whether `role` may start what `command` starts, so menus list only that (a guest sees everything and is asked to
 * log in). Commands and buttons of no flow need at most a login.
 */
export function offeredTo(role: Role | undefined, command: string): boolean {
  const flow = FLOWS.find((entry) => entry.command === command);
  const needed = flow ? entryPermission(flow) : OTHER_COMMAND_PERMISSIONS[command];
  return role === undefined || needed === undefined || mayDo(role, needed);
}

/** The main-menu buttons `role` may use, in menu order. */
export const menuItemsOf = (role: Role | undefined): MenuItem[] =>
  MENU_ITEMS.filter((item) => {
    const flow = FLOWS.find((entry) => entry.menuItem === item);
    return flow === undefined || offeredTo(role, flow.command);
  });

/** The conversation of each flow: its steps run on a screen, whose last buttons go when the flow ends. */
export function flowConversations(options: FlowRegistration): MiddlewareFn<BotContext>[] {
  return [...FLOWS, ...ENTERED_ELSEWHERE].map((flow) =>
    createConversation<BotContext, FlowContext>(
      async (conversation, ctx) => {
        const screen = new Screen(conversation, ctx, flow.screen);
        await flow.run(screen);
        await screen.retire();
      },
      { id: flow.id, plugins: options.plugins, maxMillisecondsToWait: options.maxMillisecondsToWait },
    ),
  );
}

/** The command and the menu button of each flow; logged-out operators are told to log in first where needed. */
export const flowStarters = new Composer<BotContext>();
for (const flow of FLOWS) {
  const guard: MiddlewareFn<BotContext>[] = flow.needsLogin
    ? [requirePermission(entryPermission(flow) ?? "account")]
    : flow.permission
      ? [refuseTeammatesWithout(flow.permission)]
      : [];
  flowStarters.command(flow.command, ...guard, (ctx) => ctx.conversation.enter(flow.id));
  if (flow.menuItem === undefined) continue;
  flowStarters.callbackQuery(menuCallback.pack(flow.menuItem), ...guard, async (ctx) => {
    await ctx.answerCallbackQuery();
    await ctx.conversation.enter(flow.id);
  });
}
