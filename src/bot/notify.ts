import type { Api } from "grammy";
import type { BotDeps } from "./context.js";
import type { TranslationVariables } from "./format/html.js";
import { negotiateLocale, translate } from "./i18n.js";

/**
 * Tells the operator of a flow (its storage key is their private chat id) something outside any update: a flow
 * expired or dropped. A failed send is logged, not thrown: one blocked chat must not stop the others' notes.
 */
export async function notifyFlowOwner(
  deps: BotDeps,
  api: Api,
  flowKey: string,
  key: string,
  variables?: TranslationVariables,
): Promise<void> {
  const chatId = Number(flowKey);
  if (!Number.isSafeInteger(chatId) || chatId <= 0) return;
  const locale = await negotiateLocale(deps.store, deps.config.defaultLocale, chatId, undefined);
  await api.sendMessage(chatId, translate(deps.i18n, locale, key, variables)).catch((error: unknown) => {
    deps.logger.warn({ err: error, chatId, note: key }, "could not send a note to an operator");
  });
}

/**
 * At start: every stored token is checked (an operator whose token is damaged is told to /login at their next
 * command), and each flow found damaged was dropped by the store: log it and tell its operator.
 */
export async function reportStorageDamage(deps: BotDeps, api: Api): Promise<void> {
  const { store, logger } = deps;
  const damagedTokens = await store.verifyCredentials();
  if (damagedTokens.length > 0) {
    logger.warn(
      { operators: damagedTokens },
      `${damagedTokens.length} stored premiumpay token(s) cannot be decrypted; those operators must /login again`,
    );
  }
  for (const key of await store.conversations.takeDamaged()) {
    logger.warn({ flow: key }, "dropped a damaged flow in progress; its operator is told to start it again");
    await notifyFlowOwner(deps, api, key, "flow-damaged");
  }
}
