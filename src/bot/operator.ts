import type { MiddlewareFn } from "grammy";
import type { PremiumpayCredentials } from "../deps.js";
import type { PremiumpayClient } from "../premiumpay/index.js";
import { type Actor, actingCredentials, denialOf, resolveActor } from "../team/acting.js";
import type { Permission } from "../team/roles.js";
import { denialText, requirePermission } from "./access.js";
import { type AuditNote, recordAudit } from "./audit.js";
import type { BotDeps, FlowContext } from "./context.js";
import { failureMessageKey, type Outcome, outcomeOf } from "./errors.js";
import { credentialsRefused } from "./team-changes.js";

/**
 * The premiumpay client `userId` acts with for an action that needs `permission`: their own account's, or as a
 * teammate their owner's. Checked at every call, so a role changed or a teammate removed meanwhile is refused here.
 */
async function premiumpayFor(
  deps: BotDeps,
  userId: number,
  permission: Permission,
): Promise<{ client: PremiumpayClient; actor: Actor } | { denied: Outcome<never> }> {
  const actor = await resolveActor(deps.store, userId);
  const denial = denialOf(actor, permission);
  // A guest reads as refused credentials, as before teams: the message says to /login.
  if (denial === "login") return { denied: { ok: false, kind: "auth" } };
  if (denial) return { denied: { ok: false, kind: "auth", denied: denial } };
  const credentials = await actingCredentials(deps.store, actor, permission);
  if (!credentials) return { denied: { ok: false, kind: "auth" } };
  return { client: deps.premiumpay(credentials), actor };
}

/** premiumpay refused the account's credentials: the owner's team loses access (told once) until a new login. */
async function afterCall<T>(deps: BotDeps, actor: Actor, outcome: Outcome<T>): Promise<Outcome<T>> {
  if (outcome.ok || outcome.kind !== "auth" || actor.kind === "guest") return outcome;
  await credentialsRefused(deps, actor.accountId);
  // A teammate cannot log in again for the account: only its owner can.
  return actor.kind === "teammate" ? { ...outcome, denied: "owner-away" } : outcome;
}

/**
 * A call with the premiumpay client the operator acts with, as a JSON-safe outcome: what conversations pass to
 * `conversation.external`. An operator logged out meanwhile reads as refused credentials; a teammate whose role
 * does not cover `permission` (default: viewing) is refused with the reason.
 */
export async function withPremiumpay<T>(
  deps: BotDeps,
  userId: number,
  call: (client: PremiumpayClient) => Promise<T>,
  permission: Permission = "view",
): Promise<Outcome<T>> {
  const acting = await premiumpayFor(deps, userId, permission);
  if ("denied" in acting) return acting.denied;
  return afterCall(deps, acting.actor, await outcomeOf(() => call(acting.client)));
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
  permission: Permission,
  call: (client: PremiumpayClient) => Promise<T>,
  audit?: (value: T) => AuditNote,
): Promise<Confirmed<T>> {
  const acting = await premiumpayFor(deps, userId, permission);
  if ("denied" in acting) return { state: "done", outcome: acting.denied, replayed: false };
  const { client, actor } = acting;
  const run = await deps.store.runOnce(actionId, userId, async () => {
    const outcome = await afterCall(deps, actor, await outcomeOf(() => call(client)));
    if (outcome.ok && audit) await recordAudit(deps, userId, actionId, audit(outcome.value));
    return outcome;
  });
  if (run.state === "unknown") return { state: "unknown" };
  return { state: "done", outcome: run.result, replayed: run.replayed };
}

/** Lets through only those who may view the account (its owner, or a teammate); the others are told why not. */
export const requireLogin: MiddlewareFn<FlowContext> = requirePermission("view");

/** The localized explanation of a failed premiumpay call. */
export function failureText(ctx: FlowContext, failure: Extract<Outcome<unknown>, { ok: false }>): string {
  if (failure.denied) return denialText(ctx, failure.denied);
  return ctx.html(failureMessageKey(failure.kind), {
    seconds: failure.retryAfterSeconds ?? 0,
    message: failure.message ?? "",
  });
}
