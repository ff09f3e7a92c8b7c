import { Composer } from "grammy";
import type { BotContext } from "../context.js";
import { TIMEZONE } from "../conversations/timezone.js";

export const timezoneFeature = new Composer<BotContext>();

timezoneFeature.command("timezone", (ctx) => ctx.conversation.enter(TIMEZONE));
