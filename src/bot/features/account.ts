import { rateLimitMessage } from "../../format/rate-limit.js";
import { resolveActor } from "../../team/acting.js";
import type { BotContext } from "../context.js";
import { failureText, withPremiumpay } from "../operator.js";
import { actorAccount } from "../team-changes.js";

/** /account and its menu button: the account, its API status and the operator's settings. */
export async function showAccount(ctx: BotContext): Promise<void> {
  const userId = ctx.from!.id;
  const actor = await resolveActor(ctx.deps.store, userId);
  if (actor.kind === "guest") return;
  // A teammate sees the account they act for and their role, never its credentials; their settings stay their own.
  const operator =
    (await ctx.deps.store.getOperator(userId)) ?? (await ctx.deps.store.updateOperator(userId, {}));
  const account = await actorAccount(ctx.deps, actor);
  await ctx.replyWithChatAction("typing").catch(() => undefined);
  const [status, version] = await Promise.all([
    withPremiumpay(ctx.deps, userId, (client) => client.status()),
    withPremiumpay(ctx.deps, userId, (client) => client.version()),
  ]);
  const lines = [
    ctx.html("account-title"),
    ctx.html("account-client-id", { clientId: account }),
    ctx.html("account-role", { role: actor.role }),
  ];
  if (status.ok) {
    const key = status.value.ok ? "account-status-ok" : "account-status-ko";
    lines.push(ctx.html(key, { status: status.value.status }));
    const rateLimit = rateLimitMessage(status.value.rateLimit, ctx.locale, ctx.deps.now().getTime());
    lines.push(ctx.html(rateLimit.key, rateLimit.variables));
  } else {
    lines.push(ctx.html("account-status-failed"));
    lines.push(failureText(ctx, status));
  }
  lines.push(
    version.ok
      ? ctx.html("account-version", { version: version.value.version })
      : ctx.html("account-version-unknown"),
  );
  lines.push(
    ctx.html("account-settings", {
      language: ctx.t("language-name"),
      timezone: operator.timezone ?? ctx.deps.config.defaultTimezone,
    }),
  );
  await ctx.reply(lines.join("\n"));
}
