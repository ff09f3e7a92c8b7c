import { createConversation } from "@grammyjs/conversations";
import { Composer, type MiddlewareFn } from "grammy";
import { type MenuItem, menuCallback } from "./callback-data/index.js";
import type { BotContext, FlowContext } from "./context.js";
import { ALERTS_SETTINGS, alertsSettingsFlow } from "./conversations/alerts-settings.js";
import { AUDIT, auditFlow } from "./conversations/audit.js";
import { DIGEST_SETTINGS, digestSettingsFlow } from "./conversations/digest-settings.js";
import { LINKS, linksFlow } from "./conversations/links.js";
import { LOGIN, loginFlow } from "./conversations/login.js";
import { PUBLIC_LINK, publicLinkFlow } from "./conversations/public-link.js";
import { REPORT, reportFlow } from "./conversations/report.js";
import { RESULTS, resultsFlow } from "./conversations/results.js";
import { SALES, salesFlow } from "./conversations/sales.js";
import { TEAM_GROUP, teamGroupFlow } from "./conversations/team-group.js";
import { TIMEZONE, timezoneFlow } from "./conversations/timezone.js";
import { WELCOME, welcomeFlow } from "./conversations/welcome.js";
import { requireLogin } from "./operator.js";
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
    screen: { buried: "delete" },
  },
  { id: WELCOME, run: welcomeFlow, command: "welcome", menuItem: "welcome", needsLogin: true },
  { id: SALES, run: salesFlow, command: "sales", menuItem: "sales", needsLogin: true },
  { id: RESULTS, run: resultsFlow, command: "results", needsLogin: true },
  { id: REPORT, run: reportFlow, command: "report", menuItem: "report", needsLogin: true },
  { id: LINKS, run: linksFlow, command: "links", menuItem: "links", needsLogin: true },
  { id: DIGEST_SETTINGS, run: digestSettingsFlow, command: "digest", menuItem: "digest", needsLogin: true },
  { id: ALERTS_SETTINGS, run: alertsSettingsFlow, command: "alerts", menuItem: "alerts", needsLogin: true },
  { id: TEAM_GROUP, run: teamGroupFlow, command: "group", needsLogin: true },
  { id: AUDIT, run: auditFlow, command: "audit", needsLogin: true },
  { id: TIMEZONE, run: timezoneFlow, command: "timezone", needsLogin: false },
  { id: LOGIN, run: loginFlow, command: "login", needsLogin: false },
];

export interface FlowRegistration {
  plugins: MiddlewareFn<FlowContext>[];
  maxMillisecondsToWait: number;
}

/** The conversation of each flow: its steps run on a screen, whose last buttons go when the flow ends. */
export function flowConversations(options: FlowRegistration): MiddlewareFn<BotContext>[] {
  return FLOWS.map((flow) =>
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
  const guard: MiddlewareFn<BotContext>[] = flow.needsLogin ? [requireLogin] : [];
  flowStarters.command(flow.command, ...guard, (ctx) => ctx.conversation.enter(flow.id));
  if (flow.menuItem === undefined) continue;
  flowStarters.callbackQuery(menuCallback.pack(flow.menuItem), ...guard, async (ctx) => {
    await ctx.answerCallbackQuery();
    await ctx.conversation.enter(flow.id);
  });
}
