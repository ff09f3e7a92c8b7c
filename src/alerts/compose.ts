import type { Locale } from "../config.js";
import { escapeHtml, trusted } from "../format/html.js";
import { formatMoney, formatTotals } from "../format/numbers.js";
import type { Translate } from "../format/translate.js";
import { localTime } from "../time.js";
import { totalsOf } from "./poller.js";
import type { AlertBatch, AlertSale } from "./types.js";

/** How many sales a grouped message lists one by one. */
const LARGEST_SHOWN = 3;

export interface ComposeOptions {
  locale: Locale;
  /** The operator's time zone, for the sales' local time. */
  zone: string;
  t: Translate;
}

/** "€9.99 · Trading VIP · instagram · ES · card · 14:32": amount, channel (when asked), link, details, local time. */
function saleLine(sale: AlertSale, withChannel: boolean, { locale, zone, t }: ComposeOptions): string {
  const amount = formatMoney(sale.amount, sale.currency, locale);
  const link = sale.linkName ?? t("alerts-direct");
  const head = withChannel
    ? t("alerts-sale-in", { amount, channel: sale.channelName, link })
    : t("alerts-sale", { amount, link });
  const details = [sale.country, sale.paymentMethod].flatMap((value) => (value ? [escapeHtml(value)] : []));
  return [head, ...details, localTime(new Date(sale.date), zone)].join(" · ");
}

function title(batch: Extract<AlertBatch, { kind: "sales" }>, channels: number, t: Translate): string {
  const count = batch.sales.length;
  if (batch.mode === "quiet") return t("alerts-title-quiet", { count });
  if (batch.mode === "catch-up") return t("alerts-title-catch-up", { count });
  const channel = batch.sales[0]!.channelName;
  if (count === 1) return t("alerts-title-one", { channel });
  return channels === 1
    ? t("alerts-title-channel", { count, channel })
    : t("alerts-title-channels", { count, channels });
}

/**
 * One alert message as Telegram HTML: a pure function of the batch, so the settings screen can preview it and
 * tests can check it without a bot. premiumpay's strings are escaped (through `t` or `escapeHtml`).
 */
export function composeAlert(batch: AlertBatch, options: ComposeOptions): string {
  const { locale, t } = options;
  if (batch.kind === "notice") return t(`alerts-${batch.notice}`);
  const channels = new Set(batch.sales.map((sale) => sale.channelId)).size;
  const lines = [title(batch, channels, t)];
  if (batch.sales.length === 1 && batch.mode === "live") {
    lines.push(saleLine(batch.sales[0]!, false, options));
  } else {
    lines.push(t("alerts-total", { totals: formatTotals(totalsOf(batch.sales).totals, locale) }));
    const largest = [...batch.sales].sort((a, b) => b.amount - a.amount).slice(0, LARGEST_SHOWN);
    lines.push(t("alerts-largest"));
    for (const sale of largest)
      lines.push(t("alerts-largest-item", { sale: trusted(saleLine(sale, channels > 1, options)) }));
  }
  lines.push(
    t("alerts-today", {
      count: batch.today.count,
      totals: formatTotals(batch.today.totals, locale),
    }),
  );
  return lines.join("\n");
}
