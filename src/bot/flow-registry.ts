import { createConversation } from "@grammyjs/conversations";
import { Composer, type MiddlewareFn } from "grammy";
import { refuseTeammatesWithout, requirePermission } from "./access.js";
import { menuCallback } from "./callback-data/index.js";
import type { BotContext, FlowContext } from "./context.js";
import { alertsSettingsFlow } from "./conversations/alerts-settings.js";
import { auditFlow } from "./conversations/audit.js";
import { digestSettingsFlow } from "./conversations/digest-settings.js";
import { joinFlow } from "./conversations/join.js";
import { languageFlow } from "./conversations/language.js";
import { linksFlow } from "./conversations/links.js";
import { loginFlow } from "./conversations/login.js";
import { logoutFlow } from "./conversations/logout.js";
import { publicLinkFlow } from "./conversations/public-link.js";
import { reportFlow } from "./conversations/report.js";
import { resultsFlow } from "./conversations/results.js";
import { salesFlow } from "./conversations/sales.js";
import { teamFlow } from "./conversations/team.js";
import { teamGroupFlow } from "./conversations/team-group.js";
import { timezoneFlow } from "./conversations/timezone.js";
import { welcomeFlow } from "./conversations/welcome.js";
import { showAccount } from "./features/account.js";
import { nothingToCancel } from "./features/cancel.js";
import { listChannels } from "./features/channels.js";
import { help, showMenu, start } from "./features/start.js";
import {
  COMMAND_TABLE,
  type Command,
  type CommandEntry,
  entryPermission,
  type FlowCommand,
  type FlowId,
  INVITATION_FLOW,
} from "./flows.js";
import { Screen } from "./screens/index.js";

/** Each flow's own steps, on the screen it is given (see screens/screen.ts); one for every flow id of the table. */
const FLOW_STEPS: Readonly<Record<FlowId, (screen: Screen) => Promise<void>>> = {
  "public-link": publicLinkFlow,
  welcome: welcomeFlow,
  sales: salesFlow,
  results: resultsFlow,
  report: reportFlow,
  links: linksFlow,
  "digest-settings": digestSettingsFlow,
  "alerts-settings": alertsSettingsFlow,
  "team-group": teamGroupFlow,
  audit: auditFlow,
  language: languageFlow,
  timezone: timezoneFlow,
  login: loginFlow,
  team: teamFlow,
  logout: logoutFlow,
  [INVITATION_FLOW]: joinFlow,
};

/** The commands that start no flow: one answer each. */
type AnswerCommand = Exclude<Command, FlowCommand>;
const ANSWERS: Readonly<Record<AnswerCommand, (ctx: BotContext) => Promise<void>>> = {
  start,
  menu: showMenu,
  channels: listChannels,
  account: showAccount,
  help,
  cancel: nothingToCancel,
};

export interface FlowRegistration {
  plugins: MiddlewareFn<FlowContext>[];
  maxMillisecondsToWait: number;
}

const entries: readonly CommandEntry[] = COMMAND_TABLE;

/** The conversation of each flow: its steps run on a screen, whose last buttons go when the flow ends. */
export function flowConversations(options: FlowRegistration): MiddlewareFn<BotContext>[] {
  return (Object.keys(FLOW_STEPS) as FlowId[]).map((id) => {
    const screenOptions = entries.find((entry) => entry.flow === id)?.screen;
    return createConversation<BotContext, FlowContext>(
      async (conversation, ctx) => {
        const screen = new Screen(conversation, ctx, screenOptions);
        await FLOW_STEPS[id](screen);
        await screen.retire();
      },
      { id, plugins: options.plugins, maxMillisecondsToWait: options.maxMillisecondsToWait },
    );
  });
}

/** Who may start `entry`: logged-out operators are told to log in first where needed, teammates refused by role. */
function guardOf(entry: CommandEntry): MiddlewareFn<BotContext>[] {
  if (entry.needsLogin) return [requirePermission(entryPermission(entry) ?? "account")];
  if (entry.permission && !entry.checkedByFlow) return [refuseTeammatesWithout(entry.permission)];
  return [];
}

/** The command and the main-menu button of every entry of the table, with no flow in progress. */
export const commandHandlers = new Composer<BotContext>();
for (const entry of entries) {
  const { flow } = entry;
  const act = flow
    ? (ctx: BotContext) => ctx.conversation.enter(flow)
    : ANSWERS[entry.command as AnswerCommand];
  const guard = guardOf(entry);
  commandHandlers.command(entry.command, ...guard, (ctx) => act(ctx));
  if (!entry.menu) continue;
  commandHandlers.callbackQuery(menuCallback.pack(entry.command), ...guard, async (ctx) => {
    await ctx.answerCallbackQuery();
    await act(ctx);
  });
}
