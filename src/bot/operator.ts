import type { MiddlewareFn } from "grammy";
import type { PremiumpayClient } from "../premiumpay/index.js";
import type { BotDeps, FlowContext, PremiumpayCredentials } from "./context.js";
import { failureMessageKey, type Outcome, outcomeOf } from "./errors.js";

function credentialsOf(deps: BotDeps, userId: number): PremiumpayCredentials | undefined {
  return deps.store.getCredentials(userId);
}

/** The operator's premiumpay client, or undefined when they are not logged in. */
export function premiumpayOf(deps: BotDeps, userId: number): PremiumpayClient | undefined {
  const credentials = credentialsOf(deps, userId);
  return credentials ? deps.premiumpay(credentials) : undefined;
}

/**
 * A call with the operator's own premiumpay client, as a JSON-safe outcome: what conversations pass to
 * `conversation.external`. An operator logged out meanwhile reads as refused credentials.
 */
export function withPremiumpay<T>(
  deps: BotDeps,
  userId: number,
  call: (client: PremiumpayClient) => Promise<T>,
): Promise<Outcome<T>> {
  const client = premiumpayOf(deps, userId);
  if (!client) return Promise.resolve({ ok: false, kind: "auth" });
  return outcomeOf(() => call(client));
}

/** Lets only logged-in operators through; the others are told how to log in. */
export const requireLogin: MiddlewareFn<FlowContext> = async (ctx, next) => {
  if (ctx.from && ctx.deps.store.getOperator(ctx.from.id)?.hasCredentials) return next();
  if (ctx.callbackQuery) await ctx.answerCallbackQuery();
  await ctx.reply(ctx.html("need-login"));
};

/** The localized explanation of a failed premiumpay call. */
export function failureText(ctx: FlowContext, failure: Extract<Outcome<unknown>, { ok: false }>): string {
  return ctx.html(failureMessageKey(failure.kind), {
    seconds: failure.retryAfterSeconds ?? 0,
    message: failure.message ?? "",
  });
}
