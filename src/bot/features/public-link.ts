import { Composer } from "grammy";
import { menuCallback } from "../callback-data/index.js";
import {
  linkActionCallback,
  linkDurationCallback,
  linkEditCallback,
  linkYesNoCallback,
} from "../callback-data/public-link.js";
import type { BotContext } from "../context.js";
import { PUBLIC_LINK } from "../conversations/public-link.js";
import { requireLogin } from "../operator.js";

/** /link and the menu's "New public link" (also the "Create another" button under a created link). */
export const publicLinkFeature = new Composer<BotContext>();

publicLinkFeature.command("link", requireLogin, (ctx) => ctx.conversation.enter(PUBLIC_LINK));
publicLinkFeature.callbackQuery(menuCallback.pack("link"), requireLogin, async (ctx) => {
  await ctx.answerCallbackQuery();
  await ctx.conversation.enter(PUBLIC_LINK);
});

/**
 * A button of a link flow that is over: an old message, or the same click delivered twice (Telegram redelivers
 * updates a crashed bot did not confirm). It never creates anything; the answer may fail for a click already
 * answered, which is harmless.
 */
publicLinkFeature.callbackQuery(
  [
    linkActionCallback.pattern,
    linkDurationCallback.pattern,
    linkEditCallback.pattern,
    linkYesNoCallback.pattern,
  ],
  (ctx) => ctx.answerCallbackQuery({ text: ctx.t("link-flow-over") }).catch(() => undefined),
);
