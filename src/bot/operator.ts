import type { MiddlewareFn } from "grammy";
import type { PremiumpayCredentials } from "../deps.js";
import type { PremiumpayClient } from "../premiumpay/index.js";
import { type AuditNote, recordAudit } from "./audit.js";
import type { BotDeps, FlowContext } from "./context.js";
import { failureMessageKey, type Outcome, outcomeOf } from "./errors.js";

/** The operator's premiumpay client, or undefined when they are not logged in. */
async function premiumpayOf(deps: BotDeps, userId: number): Promise<PremiumpayClient | undefined> {
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

/** Checks credentials the operator typed (not stored yet) with premiumpay's status endpoint. */
export function checkCredentials(
  deps: BotDeps,
  credentials: PremiumpayCredentials,
): Promise<Outcome<unknown>> {
  return outcomeOf(() => deps.premiumpay(credentials).status());
}

/** How a confirmed call ended: its outcome, or `unknown` when an earlier run of it was cut off mid-call. */
export type Confirmed<T> = { state: "done"; outcome: Outcome<T>; replayed: boolean } | { state: "unknown" };

/**
 * The one shape of exactly-once for a confirmed premiumpay call: run at most once per action id (the confirming
 * click's), its outcome recorded whatever it is. A failure is recorded too: a call that timed out may have worked,
 * so the same click delivered again never sends it a second time; Retry is a new click, so a new action.
 * A success is written to the audit log (`audit`) within the same once-only run, keyed by the action id.
 */
export async function confirmOnce<T>(
  deps: BotDeps,
  userId: number,
  actionId: string,
  call: (client: PremiumpayClient) => Promise<T>,
  audit?: (value: T) => AuditNote,
): Promise<Confirmed<T>> {
  const client = await premiumpayOf(deps, userId);
  if (!client) return { state: "done", outcome: { ok: false, kind: "auth" }, replayed: false };
  const run = await deps.store.runOnce(actionId, userId, async () => {
    const outcome = await outcomeOf(() => call(client));
    if (outcome.ok && audit) await recordAudit(deps, userId, actionId, audit(outcome.value));
    return outcome;
  });
  if (run.state === "unknown") return { state: "unknown" };
  return { state: "done", outcome: run.result, replayed: run.replayed };
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
