import { InlineKeyboard } from "grammy";
import { z } from "zod";
import { recordAudit } from "../audit.js";
import { cancelCallback, loginRetryCallback, menuCallback } from "../callback-data/index.js";
import type { FlowContext } from "../context.js";
import { failureMessageKey } from "../errors.js";
import { cancelKeyboard } from "../keyboards/index.js";
import { checkCredentials } from "../operator.js";
import type { Screen } from "../screens/index.js";
import { ownerLoggedIn } from "../team-changes.js";

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

async function askClientId(screen: Screen): Promise<string> {
  await screen.send(screen.ctx.html("login-ask-client-id"), cancelKeyboard(screen.ctx));
  const { value } = await screen.text(
    clientIdSchema,
    ({ ctx }) => ({ text: ctx.html("login-invalid-client-id"), keyboard: cancelKeyboard(ctx) }),
    "login-need-text",
  );
  await screen.retire();
  return value;
}

async function askToken(screen: Screen): Promise<string> {
  await screen.send(screen.ctx.html("login-ask-token"), cancelKeyboard(screen.ctx));
  for (;;) {
    const answer = await screen.next();
    if (answer.kind === "button") {
      await screen.refuse(answer.ctx);
      continue;
    }
    // The token must not stay in the chat history; a failed delete (message too old, already gone) is harmless.
    await answer.ctx.deleteMessage().catch(() => undefined);
    if (answer.kind === "other") {
      await screen.hint(answer.ctx, "login-need-text");
      continue;
    }
    const parsed = tokenSchema.safeParse(answer.text);
    await screen.retire();
    if (parsed.success) return parsed.data;
    await screen.send(answer.ctx.html("login-invalid-token"), cancelKeyboard(answer.ctx));
  }
}

function failureChoices(ctx: FlowContext): InlineKeyboard {
  return new InlineKeyboard()
    .text(ctx.t("login-retry-token"), loginRetryCallback.pack("token"))
    .row()
    .text(ctx.t("login-retry-client"), loginRetryCallback.pack("client"))
    .row()
    .text(ctx.t("button-cancel"), cancelCallback.pack());
}

/** Asks for the client id and token, checks them with premiumpay's status endpoint, and only then stores them. */
export async function loginFlow(screen: Screen): Promise<void> {
  const { deps } = screen.ctx;
  const userId = screen.ctx.from!.id;
  const { current, firstLogin } = await screen.conversation.external(async () => {
    const operator = await deps.store.getOperator(userId);
    return { current: operator?.clientId ?? null, firstLogin: !operator?.clientId };
  });
  await screen.ctx.reply(
    current ? screen.ctx.html("login-replace", { clientId: current }) : screen.ctx.html("login-intro"),
  );
  let clientId = await askClientId(screen);
  for (;;) {
    const token = await askToken(screen);
    await screen.send(screen.ctx.html("login-checking"));
    const outcome = await screen.conversation.external(() => checkCredentials(deps, { clientId, token }));
    const { ctx } = screen;
    if (outcome.ok) {
      // Keyed by the update that brought the token: a replay of this step records the login once.
      const auditKey = `login:${ctx.update.update_id}`;
      const saved = await screen.conversation.external(async () => {
        const operator = await deps.store.saveCredentials(
          userId,
          { clientId, token },
          { timezone: deps.config.defaultTimezone, digestTime: deps.config.digest.defaultTime },
        );
        await recordAudit(deps, userId, auditKey, { action: "login", details: { clientId } });
        await ownerLoggedIn(deps, userId, current);
        return { time: operator.digest.time, timezone: operator.timezone ?? deps.config.defaultTimezone };
      });
      await screen.show(ctx.html("login-success", { clientId, ...saved }));
      // Offered once, to operators logging in for the first time; alerts stay off until they turn them on. Before the
      // main menu, so the menu is the last message and the login ends with it.
      if (firstLogin && deps.alertSettings) {
        await ctx.reply(ctx.html("alerts-offer"), {
          reply_markup: new InlineKeyboard().text(ctx.t("alerts-offer-button"), menuCallback.pack("alerts")),
        });
      }
      await ctx.reply(ctx.html("menu-title"), { reply_markup: await screen.mainMenu(ctx) });
      return;
    }
    const text =
      outcome.kind === "auth"
        ? ctx.html("login-refused")
        : outcome.kind === "unavailable" || outcome.kind === "rate_limited"
          ? ctx.html("login-unavailable")
          : `${ctx.html(failureMessageKey(outcome.kind), { seconds: 0, message: outcome.message })}\n${ctx.html("login-failed")}`;
    await screen.show(text, failureChoices(ctx));
    const { value } = await screen.button(loginRetryCallback, { hintKey: "login-need-text" });
    await screen.retire();
    if (value[0] === "client") clientId = await askClientId(screen);
  }
}
