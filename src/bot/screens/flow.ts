import type { Conversation } from "@grammyjs/conversations";
import type { BotContext, FlowContext } from "../context.js";

/** The conversation handle every flow receives. */
export type Flow = Conversation<BotContext, FlowContext>;
