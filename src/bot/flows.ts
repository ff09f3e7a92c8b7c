import { createConversation } from "@grammyjs/conversations";
import { Composer, type MiddlewareFn } from "grammy";
import { refuseTeammatesWithout, requirePermission } from "./access.js";
import { menuCallback } from "./callback-data/index.js";
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
import { entryPermission, FLOW_ACCESS, type FlowAccess } from "./flow-access.js";
import { Screen, type ScreenOptions } from "./screens/index.js";

/** One flow of the bot: a conversation and the command that starts it (who may start it: flow-access.ts). */
export interface FlowEntry {
  /** The conversation's id, stored with a flow in progress: never rename one that has shipped. */
  id: string;
  /** The flow's own steps, on the screen it is given (see screens/screen.ts). */
  run: (screen: Screen) => Promise<void>;
  /** Without the slash: its FLOW_ACCESS entry says who may start it, and its main-menu button. */
  command: string;
  screen?: ScreenOptions;
}

/** Every flow started by a command. createBot registers conversations, commands and menu buttons from here. */
export const FLOWS: readonly FlowEntry[] = [
  { id: PUBLIC_LINK, run: publicLinkFlow, command: "link", screen: { buried: "delete" } },
  { id: WELCOME, run: welcomeFlow, command: "welcome" },
  { id: SALES, run: salesFlow, command: "sales" },
  { id: RESULTS, run: resultsFlow, command: "results" },
  { id: REPORT, run: reportFlow, command: "report" },
  { id: LINKS, run: linksFlow, command: "links" },
  { id: DIGEST_SETTINGS, run: digestSettingsFlow, command: "digest" },
  { id: ALERTS_SETTINGS, run: alertsSettingsFlow, command: "alerts" },
  { id: TEAM_GROUP, run: teamGroupFlow, command: "group" },
  { id: AUDIT, run: auditFlow, command: "audit" },
  { id: TIMEZONE, run: timezoneFlow, command: "timezone" },
  { id: LOGIN, run: loginFlow, command: "login" },
  { id: TEAM, run: teamFlow, command: "team" },
];

/** A flow's access entry; the two tables name the same commands, or the bot does not load. */
function accessOf(flow: FlowEntry): FlowAccess {
  const access = FLOW_ACCESS.find((entry) => entry.command === flow.command);
  if (!access) throw new Error(`flow ${flow.id}: no FLOW_ACCESS entry for /${flow.command}`);
  return access;
}
if (FLOW_ACCESS.length !== FLOWS.length) throw new Error("FLOW_ACCESS and FLOWS name different commands");

/** Flows entered by another handler, not by a command of their own: accepting an invitation (/start <code>). */
const ENTERED_ELSEWHERE: readonly FlowEntry[] = [{ id: JOIN, run: joinFlow, command: "start" }];

export interface FlowRegistration {
  plugins: MiddlewareFn<FlowContext>[];
  maxMillisecondsToWait: number;
}

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
  const access = accessOf(flow);
  const guard: MiddlewareFn<BotContext>[] = access.needsLogin
    ? [requirePermission(entryPermission(access) ?? "account")]
    : access.permission
      ? [refuseTeammatesWithout(access.permission)]
      : [];
  flowStarters.command(flow.command, ...guard, (ctx) => ctx.conversation.enter(flow.id));
  if (access.menuItem === undefined) continue;
  flowStarters.callbackQuery(menuCallback.pack(access.menuItem), ...guard, async (ctx) => {
    await ctx.answerCallbackQuery();
    await ctx.conversation.enter(flow.id);
  });
}
