import type { MiddlewareFn } from "grammy";
import type { PremiumpayClient } from "../premiumpay/index.js";
import type { BotDeps, FlowContext } from "./context.js";
import { failureMessageKey, type Outcome, outcomeOf } from "./errors.js";

/** The operator's premiumpay client, or undefined when they are not logged in. */
export async function premiumpayOf(deps: BotDeps, userId: number): Promise<PremiumpayClient | undefined> {
  const credentials = await deps.store.getCredentials(userId);
  return credentials ? deps.premiumpay(credentials) : undefined;
}

/**
 * A call with the operator's own premiumpay client, as a JSON-safe outcome: what conversations pass to
 * `conversation.external`. An operator logged out meanwhile reads as refused credentials.
 */
export async function withPremiumpay<T>(
  deps: BotDeps,
  userId: number,
  call: (client: PremiumpayClient) => Promise<T>,
): Promise<Outcome<T>> {
  const client = await premiumpayOf(deps, userId);
  if (!client) return { ok: false, kind: "auth" };
  return outcomeOf(() => call(client));
}

/** Lets only logged-in operators through; the others are told how to log in. */
export const requireLogin: MiddlewareFn<FlowContext> = async (ctx, next) => {
  if (ctx.from && (await ctx.deps.store.getOperator(ctx.from.id))?.hasCredentials) return next();
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
