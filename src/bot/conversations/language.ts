import { InlineKeyboard } from "grammy";
import { SUPPORTED_LOCALES } from "../../i18n/index.js";
import { resolveActor, roleOf } from "../../team/acting.js";
import { languageCallback } from "../callback-data/index.js";
import { setChatCommands } from "../commands.js";
import type { FlowContext } from "../context.js";
import type { Screen } from "../screens/index.js";

function languageKeyboard(ctx: FlowContext): InlineKeyboard {
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

/** /language: the operator picks a language; the menu and their own command menu follow it. */
export async function languageFlow(screen: Screen): Promise<void> {
  await screen.show(screen.ctx.html("language-choose"), languageKeyboard(screen.ctx));
  const { ctx, value } = await screen.button(languageCallback);
  const [locale] = value;
  const userId = ctx.from!.id;
  const { store } = ctx.deps;
  const role = await screen.conversation.external(async () => {
    await store.updateOperator(userId, { locale });
    return roleOf(await resolveActor(store, userId));
  });
  ctx.locale = locale;
  await ctx.i18n.renegotiateLocale();
  await screen.close(ctx.html("language-set"));
  await ctx.reply(ctx.html("menu-title"), { reply_markup: await screen.mainMenu(ctx) });
  // Last: the choice is saved and shown even if Telegram refuses the menu.
  await setChatCommands(ctx.api, screen.chatId, locale, ctx.deps.i18n, role);
}
