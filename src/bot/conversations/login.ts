import { InlineKeyboard } from "grammy";
import { z } from "zod";
import { acknowledge } from "../callback-data/acknowledge.js";
import { cancelCallback, loginRetryCallback } from "../callback-data/index.js";
import type { FlowContext } from "../context.js";
import { failureMessageKey, outcomeOf } from "../errors.js";
import { cancelKeyboard, mainMenuKeyboard } from "../keyboards/index.js";
import type { Flow } from "./types.js";

export const LOGIN = "login";

/** premiumpay's header allows at most 50 characters; spaces would never be part of a pasted id. */
export const clientIdSchema = z
  .string()
  .trim()
  .min(1)
  .max(50)
  .regex(/^[^\s\p{C}]+$/u);

/**
 * A JWT has three base64url parts. Tokens pasted from e-mails often carry line breaks or spaces, and no JWT
 * contains white space, so it is removed before checking.
 */
export const tokenSchema = z
  .string()
  .transform((value) => value.replace(/\s+/g, ""))
  .pipe(
    z
      .string()
      .max(8192)
      .regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/),
  );

/** A question that was answered keeps no Cancel button: only the current step's can be pressed. */
async function retireCancelButton(ctx: FlowContext, promptId: number): Promise<void> {
  await ctx.api.editMessageReplyMarkup(ctx.chat!.id, promptId).catch(() => undefined);
}

async function askClientId(conversation: Flow, ctx: FlowContext): Promise<string> {
  let prompt = await ctx.reply(ctx.html("login-ask-client-id"), { reply_markup: cancelKeyboard(ctx) });
  for (;;) {
    const answer = await conversation.waitFor("message:text", {
      otherwise: (other) => other.reply(other.html("login-need-text")),
    });
    await retireCancelButton(answer, prompt.message_id);
    const parsed = clientIdSchema.safeParse(answer.message.text);
    if (parsed.success) return parsed.data;
    prompt = await answer.reply(answer.html("login-invalid-client-id"), {
      reply_markup: cancelKeyboard(answer),
    });
  }
}

async function askToken(conversation: Flow, ctx: FlowContext): Promise<string> {
  let prompt = await ctx.reply(ctx.html("login-ask-token"), { reply_markup: cancelKeyboard(ctx) });
  for (;;) {
    const answer = await conversation.waitFor("message:text", {
      otherwise: (other) => other.reply(other.html("login-need-text")),
    });
    // The token must not stay in the chat history; a failed delete (message too old, already gone) is harmless.
    await answer.deleteMessage().catch(() => undefined);
    await retireCancelButton(answer, prompt.message_id);
    const parsed = tokenSchema.safeParse(answer.message.text);
    if (parsed.success) return parsed.data;
    prompt = await answer.reply(answer.html("login-invalid-token"), { reply_markup: cancelKeyboard(answer) });
  }
}

/** Asks for the client id and token, checks them with premiumpay's status endpoint, and only then stores them. */
export async function loginConversation(conversation: Flow, ctx: FlowContext): Promise<void> {
  const { deps } = ctx;
  const userId = ctx.from!.id;
  const current = await conversation.external(
    async () => (await deps.store.getOperator(userId))?.clientId ?? null,
  );
  await ctx.reply(current ? ctx.html("login-replace", { clientId: current }) : ctx.html("login-intro"));
  let clientId = await askClientId(conversation, ctx);
  for (;;) {
    const token = await askToken(conversation, ctx);
    const checking = await ctx.reply(ctx.html("login-checking"));
    const outcome = await conversation.external(() =>
      outcomeOf(() => deps.premiumpay({ clientId, token }).status()),
    );
    if (outcome.ok) {
      const saved = await conversation.external(async () => {
        const operator = await deps.store.saveCredentials(
          userId,
          { clientId, token },
          { timezone: deps.config.defaultTimezone, digestTime: deps.config.digest.defaultTime },
        );
        return { time: operator.digest.time, timezone: operator.timezone ?? deps.config.defaultTimezone };
      });
      await ctx.api.editMessageText(
        ctx.chat!.id,
        checking.message_id,
        ctx.html("login-success", { clientId, ...saved }),
      );
      await ctx.reply(ctx.html("menu-title"), { reply_markup: mainMenuKeyboard(ctx) });
      return;
    }
    const text =
      outcome.kind === "auth"
        ? ctx.html("login-refused")
        : outcome.kind === "unavailable" || outcome.kind === "rate_limited"
          ? ctx.html("login-unavailable")
          : `${ctx.html(failureMessageKey(outcome.kind), { seconds: 0, message: outcome.message })}\n${ctx.html("login-failed")}`;
    const choices = new InlineKeyboard()
      .text(ctx.t("login-retry-token"), loginRetryCallback.pack("token"))
      .row()
      .text(ctx.t("login-retry-client"), loginRetryCallback.pack("client"))
      .row()
      .text(ctx.t("button-cancel"), cancelCallback.pack());
    await ctx.api.editMessageText(ctx.chat!.id, checking.message_id, text, { reply_markup: choices });
    const choice = await conversation.waitForCallbackQuery(loginRetryCallback.pattern, {
      otherwise: (other) => other.reply(other.html("login-need-text")),
    });
    await acknowledge(choice);
    await choice.editMessageReplyMarkup({ reply_markup: undefined }).catch(() => undefined);
    if (loginRetryCallback.unpack(choice.callbackQuery.data)?.[0] === "client") {
      clientId = await askClientId(conversation, choice);
    }
  }
}
