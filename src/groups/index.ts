/**
 * The team group: the one Telegram group an account's owner connected with /connect, which also gets the daily
 * digest and/or the sales alerts. Shared by the bot (connecting, the group's own updates), the digest and the
 * alerts, so none of them imports another. Read-only: nothing sent here carries a button.
 */
import { type Api, GrammyError } from "grammy";
import type { Locale } from "../config.js";
import type { DeliveryJob, DeliveryResult } from "../delivery/queue.js";
import { type Translations, translate } from "../i18n/index.js";
import type { Logger } from "../logger.js";
import type { Store, TeamGroup } from "../store/index.js";

export type TeamGroupKind = "digest" | "alerts";
/** Why a group stopped getting messages; each has a note to the owner (`team-group-off-<reason>`). */
export type SwitchOffReason = "bot-removed" | "admin-lost";

/** Who may connect a group: its creator or an administrator, as Telegram says. */
export const isGroupAdmin = (status: string) => status === "creator" || status === "administrator";

export interface TeamGroupDeps {
  store: Pick<Store, "getTeamGroup" | "getOperator" | "moveTeamGroup" | "disconnectTeamGroup">;
  i18n: Translations;
  defaultLocale: Locale;
  logger: Logger;
}

/**
 * Disconnects the group, recorded in the audit log in the same write (keyed by the connection, so two replicas or
 * a retry record it once), and tells the owner in their language why. `actor` is who caused it (the person who
 * removed the bot) or the owner.
 */
export async function switchOffTeamGroup(
  deps: TeamGroupDeps,
  group: TeamGroup,
  reason: SwitchOffReason,
  actor: number,
  tellOwner: (chatId: number, html: string) => Promise<unknown>,
): Promise<void> {
  const removed = await deps.store.disconnectTeamGroup(group.account, {
    key: `group-off:${group.chatId}:${group.connectedAt}`,
    account: group.account,
    actor,
    action: "group_disconnected",
    details: { groupId: group.chatId, groupTitle: group.title, reason },
  });
  if (!removed) return;
  deps.logger.info({ userId: group.account, chatId: group.chatId, reason }, "team group switched off");
  const locale = (await deps.store.getOperator(group.account))?.locale ?? deps.defaultLocale;
  const note = translate(deps.i18n, locale, `team-group-off-${reason}`, { group: group.title });
  await tellOwner(group.account, note).catch((error: unknown) =>
    deps.logger.warn({ err: error, userId: group.account }, "could not tell the owner about the team group"),
  );
}

export interface TeamGroupDeliveryDeps extends TeamGroupDeps {
  /** For getChatMember: the owner must still administer the group at each delivery. */
  api: Api;
  /** The shared rate-limited queue (the digest's). */
  deliver: (job: DeliveryJob) => Promise<DeliveryResult>;
}

export type TeamGroupDelivery = (
  account: number,
  kind: TeamGroupKind,
  messages: readonly string[],
) => Promise<void>;

/**
 * Sends what the owner just got (their digest, a sales alert) to their team group too, when the group takes that
 * kind. Before each send, the owner must still be an administrator there (getChatMember): a group that migrated to
 * a supergroup is followed, one the bot was removed from or the owner no longer administers is switched off with a
 * note to the owner. Never throws: the owner's own delivery has already happened.
 */
export function createTeamGroupDelivery(deps: TeamGroupDeliveryDeps): TeamGroupDelivery {
  const tellOwner = (chatId: number, html: string) => deps.deliver({ chatId, messages: [html] });

  async function ownerStatus(group: TeamGroup): Promise<{ group: TeamGroup; status: string } | "removed"> {
    try {
      const member = await deps.api.getChatMember(group.chatId, group.account);
      return { group, status: member.status };
    } catch (error) {
      if (!(error instanceof GrammyError)) throw error;
      const movedTo = error.parameters.migrate_to_chat_id;
      if (movedTo !== undefined) {
        const moved = await deps.store.moveTeamGroup(group.chatId, movedTo);
        if (moved) return ownerStatus(moved);
      }
      if (error.error_code === 403 || /chat not found/i.test(error.description)) return "removed";
      throw error;
    }
  }

  return async (account, kind, messages) => {
    try {
      const connected = await deps.store.getTeamGroup(account);
      if (!connected?.[kind] || messages.length === 0) return;
      const checked = await ownerStatus(connected);
      if (checked === "removed") {
        await switchOffTeamGroup(deps, connected, "bot-removed", account, tellOwner);
        return;
      }
      const { group, status } = checked;
      if (!isGroupAdmin(status)) {
        await switchOffTeamGroup(deps, group, "admin-lost", account, tellOwner);
        return;
      }
      const result = await deps.deliver({ chatId: group.chatId, messages });
      if (result.status === "blocked")
        await switchOffTeamGroup(deps, group, "bot-removed", account, tellOwner);
      else if (result.status === "failed")
        deps.logger.warn({ userId: account, chatId: group.chatId, kind }, "team group delivery failed");
    } catch (error) {
      deps.logger.error({ err: error, userId: account, kind }, "team group delivery failed");
    }
  };
}
