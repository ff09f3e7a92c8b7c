import { InputFile } from "grammy";
import {
  ExportPeriodError,
  ExportTooLargeError,
  exportSales,
  type SalesExportRequest,
} from "../../export/index.js";
import type { Period } from "../../reports/periods.js";
import type { BotContext } from "../context.js";
import { withPremiumpay } from "../operator.js";
import type { PeriodScreenAction } from "./periods.js";
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

/** What a file holds: one channel's sales, or every channel's (optionally one gateway's only). */
export type ExportScope = Pick<SalesExportRequest, "channel" | "gateway">;

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
      try {
        const file = await exportSales({
          client,
          ...scope,
          period,
          zone,
          t: (key, variables) => ctx.t(key, variables),
          onProgress: (rows) => progress.update(rows),
        });
        try {
          await progress.end();
          await outside.api.sendDocument(chatId, new InputFile(file.path, file.fileName));
        } finally {
          await file.dispose();
        }
      } catch (error) {
        await progress.end();
        const refusal =
          error instanceof ExportTooLargeError
            ? "export-too-large"
            : error instanceof ExportPeriodError
              ? "export-period-too-long"
              : undefined;
        if (!refusal) throw error;
        await outside.api.sendMessage(chatId, ctx.html(refusal));
      }
      return true;
    }),
  );
}

/** "📤 Export" under a period screen: the sales in `scope` of the period shown, whatever the screen's figures are. */
export function exportAction<T>(scope: ExportScope, zone: string, retryStep: string): PeriodScreenAction<T> {
  return {
    action: "export",
    labelKey: "export-button",
    run: (screen, _figures, _kind, period) => sendSalesExport(screen, scope, period, zone, retryStep),
  };
}
