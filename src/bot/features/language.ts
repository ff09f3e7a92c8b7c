import { Composer, InlineKeyboard } from "grammy";
import { SUPPORTED_LOCALES } from "../../i18n/index.js";
import { resolveActor, roleOf } from "../../team/acting.js";
import { languageCallback, menuCallback } from "../callback-data/index.js";
import { setChatCommands } from "../commands.js";
import type { BotContext } from "../context.js";
import { ownMainMenu } from "../keyboards/index.js";

export const languageFeature = new Composer<BotContext>();

function languageKeyboard(ctx: BotContext): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const locale of SUPPORTED_LOCALES) {
    const mark = locale === ctx.locale ? "✓ " : "";
    keyboard.text(
      `${mark}${ctx.i18n.fluent.translate(locale, "language-name")}`,
      languageCallback.pack(locale),
    );
  }
  return keyboard;
}

languageFeature.command("language", (ctx) =>
  ctx.reply(ctx.html("language-choose"), { reply_markup: languageKeyboard(ctx) }),
);

languageFeature.callbackQuery(menuCallback.pack("language"), async (ctx) => {
  await ctx.answerCallbackQuery();
  await ctx.reply(ctx.html("language-choose"), { reply_markup: languageKeyboard(ctx) });
});

languageFeature.callbackQuery(languageCallback.pattern, async (ctx) => {
  const choice = languageCallback.unpack(ctx.callbackQuery.data);
  if (!choice) return ctx.answerCallbackQuery({ text: ctx.t("button-expired") });
  const [locale] = choice;
  await ctx.deps.store.updateOperator(ctx.from.id, { locale });
  ctx.locale = locale;
  await ctx.i18n.renegotiateLocale();
  await ctx.answerCallbackQuery({ text: ctx.t("language-set") });
  await ctx.editMessageText(ctx.html("language-set"));
  await ctx.reply(ctx.html("menu-title"), { reply_markup: await ownMainMenu(ctx) });
  // Last: the choice is saved and shown even if Telegram refuses the menu.
  const role = roleOf(await resolveActor(ctx.deps.store, ctx.from.id));
  if (ctx.chat) await setChatCommands(ctx.api, ctx.chat.id, locale, ctx.deps.i18n, role);
});
