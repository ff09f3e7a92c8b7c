import { InlineKeyboard, InputFile } from "grammy";
import {
  ExportPeriodError,
  ExportTooLargeError,
  exportSales,
  type SalesExportRequest,
} from "../../export/index.js";
import { INTL_LOCALE } from "../../format/numbers.js";
import {
  type ExportPeriodKind,
  exportPeriodOf,
  localBounds,
  type Period,
  type PeriodKind,
} from "../../reports/periods.js";
import { cancelCallback } from "../callback-data/index.js";
import { exportPeriodCallback } from "../callback-data/sales.js";
import type { BotContext, FlowContext } from "../context.js";
import { withPremiumpay } from "../operator.js";
import { flowNow } from "./clock.js";
import { type PeriodScreenAction, periodLine } from "./periods.js";
import { fetchWithRetry } from "./retry.js";
import type { Screen } from "./screen.js";

/** An export still running after this long shows a progress line; a quick one just sends the file. */
export const EXPORT_PROGRESS_AFTER_MS = 2_000;
/** Telegram allows about one edit a second per message; the progress line is updated no faster. */
const PROGRESS_EDIT_EVERY_MS = 1_000;

/** A progress line in the chat, sent only once the export has taken a while and edited as rows are written. */
function progressLine(outside: BotContext, chatId: number, text: (rows: number) => string) {
  let rows = 0;
  let messageId: number | undefined;
  let lastEdit = 0;
  let sending: Promise<unknown> = Promise.resolve();
  const timer = setTimeout(() => {
    sending = outside.api
      .sendMessage(chatId, text(rows))
      .then((message) => {
        messageId = message.message_id;
        lastEdit = Date.now();
      })
      .catch(() => undefined);
  }, EXPORT_PROGRESS_AFTER_MS);
  return {
    update(written: number) {
      rows = written;
      if (messageId === undefined || Date.now() - lastEdit < PROGRESS_EDIT_EVERY_MS) return;
      lastEdit = Date.now();
      outside.api.editMessageText(chatId, messageId, text(rows)).catch(() => undefined);
    },
    async end() {
      clearTimeout(timer);
      await sending;
      if (messageId !== undefined) await outside.api.deleteMessage(chatId, messageId).catch(() => undefined);
    },
  };
}

/** What a file holds: one channel's sales (optionally one link's only), or every channel's (optionally one gateway's). */
export type ExportScope = Pick<SalesExportRequest, "channel" | "link" | "gateway">;

/** "50 MB", "2 kB": the largest file the bot sends, in the operator's language. */
function sizeText(ctx: FlowContext, bytes: number): string {
  const megabytes = bytes / (1024 * 1024);
  const [value, unit] = megabytes >= 1 ? [megabytes, "megabyte"] : [bytes / 1024, "kilobyte"];
  return new Intl.NumberFormat(INTL_LOCALE[ctx.locale], {
    style: "unit",
    unit,
    maximumFractionDigits: 1,
  }).format(value);
}

/**
 * Sends the sales of the period in `scope` as a CSV document below the screen. Built and sent in
 * `conversation.external` (a replay sends nothing again); a premiumpay failure is shown with Retry, a period too
 * long or too large for one file is explained in a message.
 */
export async function sendSalesExport(
  screen: Screen,
  scope: ExportScope,
  period: Period,
  zone: string,
  retryStep: string,
): Promise<void> {
  const { ctx, chatId } = screen;
  const { deps } = ctx;
  const userId = ctx.from!.id;
  await fetchWithRetry(screen, retryStep, (outside) =>
    withPremiumpay(deps, userId, async (client) => {
      const progress = progressLine(outside, chatId, (count) => ctx.html("export-progress", { count }));
      const limitBytes = deps.config.exportMaxBytes;
      try {
        const file = await exportSales({
          client,
          ...scope,
          period,
          zone,
          t: (key, variables) => ctx.t(key, variables),
          onProgress: (rows) => progress.update(rows),
          limitBytes,
        });
        try {
          await progress.end();
          // A file of column names alone would only have to be opened to learn that there is nothing in it.
          if (file.rows === 0) await outside.api.sendMessage(chatId, ctx.html("export-empty"));
          else await outside.api.sendDocument(chatId, new InputFile(file.path, file.fileName));
        } finally {
          await file.dispose();
        }
      } catch (error) {
        await progress.end();
        const refusal =
          error instanceof ExportTooLargeError
            ? ctx.html("export-too-large", { size: sizeText(ctx, limitBytes) })
            : error instanceof ExportPeriodError
              ? ctx.html("export-period-too-long")
              : undefined;
        if (!refusal) throw error;
        await outside.api.sendMessage(chatId, refusal);
      }
      return true;
    }),
  );
}

/** Who the file is about, for the export's own screen: "VIP · Promo", "VIP", "PayPal", "all channels". */
function subjectOf(ctx: FlowContext, scope: ExportScope): string {
  if (scope.channel && scope.link) return `${scope.channel.name} · ${scope.link.name || scope.link.url}`;
  return scope.channel?.name ?? scope.gateway?.name ?? ctx.t("export-all-channels");
}

/** The period on screen first, then the longer ones only an export offers, then Back and Cancel. */
function exportPeriodKeyboard(ctx: FlowContext, shownKind: PeriodKind): InlineKeyboard {
  return new InlineKeyboard()
    .text(ctx.t(`period-button-${shownKind}`), exportPeriodCallback.pack("shown"))
    .row()
    .text(ctx.t("export-period-last90"), exportPeriodCallback.pack("last90"))
    .text(ctx.t("export-period-last12m"), exportPeriodCallback.pack("last12m"))
    .row()
    .text(ctx.t("button-back"), exportPeriodCallback.pack("back"))
    .text(ctx.t("button-cancel"), cancelCallback.pack());
}

/** "Last 90 days: 2025-12-30 – 2026-03-29 10:15 (Europe/Madrid)", "Last 12 months: …". */
function exportPeriodLine(ctx: FlowContext, kind: ExportPeriodKind, period: Period, zone: string): string {
  const bounds = localBounds(period, zone);
  const range = { from: bounds.fromDate, to: bounds.toDate, time: bounds.toTime, zone };
  return kind === "last90"
    ? ctx.html("period-line-days", { days: 90, ...range })
    : ctx.html("export-line-months", { months: 12, ...range });
}

/**
 * "📤 Export" under a period screen: asks which period the file covers (the one on screen, or a longer one up to
 * a year, in the operator's zone), says which on the screen's message, and sends the sales in `scope` below it.
 */
export function exportAction<T>(scope: ExportScope, zone: string, retryStep: string): PeriodScreenAction<T> {
  return {
    action: "export",
    labelKey: "export-button",
    run: async (screen, _figures, shownKind, shownPeriod) => {
      const title = screen.ctx.html("export-title", { subject: subjectOf(screen.ctx, scope) });
      await screen.show(
        `${title}\n${screen.ctx.html("export-choose")}`,
        exportPeriodKeyboard(screen.ctx, shownKind),
      );
      const { ctx, value } = await screen.button(exportPeriodCallback, { hintKey: "sales-use-buttons" });
      const [choice] = value;
      if (choice === "back") return "back";
      let period = shownPeriod;
      let line = periodLine(ctx, shownKind, shownPeriod, zone);
      if (choice !== "shown") {
        period = exportPeriodOf(choice, await flowNow(screen.conversation, ctx.deps), zone);
        line = exportPeriodLine(ctx, choice, period, zone);
      }
      await screen.show(`${title}\n${line}`);
      await sendSalesExport(screen, scope, period, zone, retryStep);
      return "sent";
    },
  };
}
