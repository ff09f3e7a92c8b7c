import { InlineKeyboard, InputFile } from "grammy";
import { type AuditNames, auditCsv, auditFileName } from "../../export/index.js";
import { AUDIT_MAX_PER_ACCOUNT, type AuditEntry } from "../../store/index.js";
import { type Denial, denialOf, resolveActor } from "../../team/acting.js";
import { memberName, telegramName } from "../../team/names.js";
import { localDate, localTime } from "../../time.js";
import { denialText } from "../access.js";
import { auditCallback } from "../callback-data/audit.js";
import type { FlowContext } from "../context.js";
import { entryOf, entryPermission } from "../flows.js";
import { flowNow, operatorZone, type Screen } from "../screens/index.js";

export const AUDIT_PAGE_SIZE = 20;

/** What reading the log needs, as the flow table says; checked again at every page and export. */
const READ_PERMISSION = entryPermission(entryOf("audit"))!;

/** The variables every action's text may use: each detail as text, "—" where the entry has none. */
function detailVariables(entry: AuditEntry, names: AuditNames): Record<string, string | number> {
  const { details } = entry;
  return {
    clientId: details.clientId ?? "—",
    channel: details.channelName ?? (details.channelId === undefined ? "—" : String(details.channelId)),
    linkName: details.linkName ?? "—",
    hours: details.durationHours ?? 0,
    group: details.groupTitle ?? (details.groupId === undefined ? "—" : String(details.groupId)),
    reason: details.reason ?? "owner",
    member: details.memberId === undefined ? "—" : (names[details.memberId] ?? String(details.memberId)),
    role: details.role ?? "—",
    previousRole: details.previousRole ?? "—",
  };
}

function entryLine(ctx: FlowContext, entry: AuditEntry, zone: string, names: AuditNames): string {
  const at = new Date(entry.at);
  const viewer = ctx.from!.id;
  return ctx.html("audit-line", {
    date: localDate(at, zone),
    time: localTime(at, zone),
    who: entry.actor === viewer ? ctx.t("audit-you") : (names[entry.actor] ?? String(entry.actor)),
    what: ctx.t(`audit-action-${entry.action}`, detailVariables(entry, names)),
  });
}

interface AuditPage {
  entries: AuditEntry[];
  total: number;
  names: AuditNames;
}

function pageView(ctx: FlowContext, { entries, total, names }: AuditPage, page: number, zone: string) {
  const pages = Math.ceil(total / AUDIT_PAGE_SIZE);
  const text = [
    ctx.html("audit-title", { page: page + 1, pages, total, timezone: zone }),
    "",
    ...entries.map((entry) => entryLine(ctx, entry, zone, names)),
  ].join("\n");
  const keyboard = new InlineKeyboard();
  if (page > 0) keyboard.text(ctx.t("audit-newer"), auditCallback.pack("p", page - 1));
  if (page + 1 < pages) keyboard.text(ctx.t("audit-older"), auditCallback.pack("p", page + 1));
  if (page > 0 || page + 1 < pages) keyboard.row();
  keyboard
    .text(ctx.t("audit-csv"), auditCallback.pack("csv", 0))
    .text(ctx.t("audit-close"), auditCallback.pack("close", 0));
  return { text, keyboard };
}

/** The account's audit log, 20 entries a page, newest first, in the viewer's zone; the whole log as CSV on demand. */
export async function auditFlow(screen: Screen): Promise<void> {
  const { deps } = screen.ctx;
  const userId = screen.ctx.from!.id;
  /**
   * The entries `userId` may read now, or why not: the role is checked at every read, so a manager demoted or a
   * teammate whose owner logged out since the log was shown is refused at their next page or export. The owner reads
   * the whole account's log; a manager (the flow table lets no viewer in) only their own entries.
   */
  const entriesOf = async (offset: number, limit: number): Promise<AuditPage | { denial: Denial }> => {
    const actor = await resolveActor(deps.store, userId);
    const denial = denialOf(actor, READ_PERMISSION);
    if (denial || actor.kind === "guest") return { denial: denial ?? "login" };
    const names = await namesOf(actor.accountId);
    if (actor.kind === "owner")
      return { ...(await deps.store.listAudit(actor.accountId, { offset, limit })), names };
    const { entries } = await deps.store.listAudit(actor.accountId, {
      offset: 0,
      limit: AUDIT_MAX_PER_ACCOUNT,
    });
    const own = entries.filter((entry) => entry.actor === userId);
    return { entries: own.slice(offset, offset + limit), total: own.length, names };
  };
  /**
   * Who the log can name: the reader, as Telegram names them now, and the account's teammates by the names they
   * joined with (a teammate who has left since is shown by id).
   */
  const viewerName = memberName(telegramName(screen.ctx.from!));
  const namesOf = async (account: number): Promise<AuditNames> => {
    const names: Record<string, string> = {};
    for (const member of await deps.store.listMembers(account)) {
      const name = memberName(member);
      if (name !== undefined) names[member.telegramId] = name;
    }
    if (viewerName !== undefined) names[userId] = viewerName;
    return names;
  };
  const zone = await operatorZone(screen);
  let page = 0;
  /** After the CSV went below the screen, the screen comes back under it. */
  let fileBelow = false;
  for (;;) {
    const read = await screen.conversation.external(() => entriesOf(page * AUDIT_PAGE_SIZE, AUDIT_PAGE_SIZE));
    if ("denial" in read) {
      await screen.close(denialText(screen.ctx, read.denial));
      return;
    }
    const { entries, total } = read;
    if (total === 0) {
      await screen.show(screen.ctx.html("audit-empty"));
      return;
    }
    // The log may have shrunk (retention) since the page was asked for: show its last page instead of nothing.
    if (entries.length === 0) {
      page = Math.max(0, Math.ceil(total / AUDIT_PAGE_SIZE) - 1);
      continue;
    }
    const view = pageView(screen.ctx, read, page, zone);
    if (fileBelow) await screen.send(view.text, view.keyboard);
    else await screen.show(view.text, view.keyboard);
    fileBelow = false;
    const { value } = await screen.button(auditCallback);
    const [action, target] = value;
    if (action === "p") page = target;
    else if (action === "close") {
      await screen.close();
      return;
    } else {
      const today = localDate(await flowNow(screen.conversation, deps), zone);
      const { ctx } = screen;
      // Sent from `external` with the outside context: a replay does not send the file again.
      const denial = await screen.conversation.external(async (outside) => {
        const all = await entriesOf(0, AUDIT_MAX_PER_ACCOUNT);
        if ("denial" in all) return all.denial;
        const csv = auditCsv(all.entries, {
          zone,
          t: (key, variables) => ctx.t(key, variables),
          names: all.names,
        });
        await outside.api.sendDocument(screen.chatId, new InputFile(csv, auditFileName(today)));
        return null;
      });
      if (denial) {
        await screen.close(denialText(ctx, denial));
        return;
      }
      fileBelow = true;
    }
  }
}
