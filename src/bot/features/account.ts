import { Composer } from "grammy";
import { menuCallback } from "../callback-data/index.js";
import type { BotContext } from "../context.js";
import { outcomeOf } from "../errors.js";
import { failureText, premiumpayOf, requireLogin } from "../operator.js";

export const accountFeature = new Composer<BotContext>();

function describeRateLimit(rateLimit: Record<string, unknown>): string {
  return Object.entries(rateLimit)
    .map(([name, value]) => `${name}: ${String(value)}`)
    .join(", ");
}

async function showAccount(ctx: BotContext): Promise<void> {
  const userId = ctx.from!.id;
  const operator = (await ctx.deps.store.getOperator(userId))!;
  const client = (await premiumpayOf(ctx.deps, userId))!;
  await ctx.replyWithChatAction("typing").catch(() => undefined);
  const [status, version] = await Promise.all([
    outcomeOf(() => client.status()),
    outcomeOf(() => client.version()),
  ]);
  const lines = [
    ctx.html("account-title"),
    ctx.html("account-client-id", { clientId: operator.clientId ?? "" }),
  ];
  if (status.ok) {
    const key = status.value.ok ? "account-status-ok" : "account-status-ko";
    lines.push(ctx.html(key, { status: status.value.status }));
    lines.push(
      status.value.rateLimit && Object.keys(status.value.rateLimit).length > 0
        ? ctx.html("account-rate-limit", { details: describeRateLimit(status.value.rateLimit) })
        : ctx.html("account-rate-limit-unknown"),
    );
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

accountFeature.command("account", requireLogin, showAccount);
accountFeature.callbackQuery(menuCallback.pack("account"), requireLogin, async (ctx) => {
  await ctx.answerCallbackQuery();
  await showAccount(ctx);
});
