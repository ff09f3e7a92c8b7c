import type { MiddlewareFn } from "grammy";
import { type Actor, type Denial, denialOf, resolveActor } from "../team/acting.js";
import { sameName, telegramName } from "../team/names.js";
import type { Permission } from "../team/roles.js";
import type { FlowContext } from "./context.js";

/** The localized reason an action is refused: log in, a role that does not cover it, or the owner away. */
export function denialText(ctx: FlowContext, denial: Denial): string {
  return ctx.html(denial === "login" ? "need-login" : `team-denied-${denial}`);
}

/** Tells the user why they may not, answering a pressed button first. */
export async function refuse(ctx: FlowContext, denial: Denial): Promise<void> {
  if (ctx.callbackQuery) await ctx.answerCallbackQuery().catch(() => undefined);
  await ctx.reply(denialText(ctx, denial));
}

/**
 * Who acts for this update; a teammate whose Telegram name changed since it was stored gets the new one (the read
 * is made for the permission check anyway, so an unchanged name costs nothing).
 */
async function actorOf(ctx: FlowContext, from: NonNullable<FlowContext["from"]>): Promise<Actor> {
  const actor = await resolveActor(ctx.deps.store, from.id);
  const name = telegramName(from);
  if (actor.kind === "teammate" && !sameName(actor.name, name))
    await ctx.deps.store.renameMember(from.id, name);
  return actor;
}

/**
 * Lets through only whoever may do what `permission` covers, checked when the update arrives (a forged button,
 * or a menu shown before a demotion, is refused here); a guest is told to log in.
 */
export function requirePermission(permission: Permission): MiddlewareFn<FlowContext> {
  return async (ctx, next) => {
    if (!ctx.from) return;
    const denial = denialOf(await actorOf(ctx, ctx.from), permission);
    if (!denial) return next();
    await refuse(ctx, denial);
  };
}

/** For what a guest may do (log in): a teammate whose role does not cover `permission` is refused. */
export function refuseTeammatesWithout(permission: Permission): MiddlewareFn<FlowContext> {
  return async (ctx, next) => {
    if (!ctx.from) return;
    const actor = await actorOf(ctx, ctx.from);
    if (actor.kind !== "teammate") return next();
    const denial = denialOf(actor, permission);
    if (!denial) return next();
    await refuse(ctx, denial);
  };
}
