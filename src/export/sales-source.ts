import type { PremiumpayClient, Sale } from "../premiumpay/index.js";
import type { Period } from "../reports/periods.js";
import { salesWithin } from "../reports/sales-summary.js";

const SECOND_MS = 1000;
const DAY_MS = 86_400_000;

/** Exports cover at most a year (a leap year's 366 days, plus the hour a DST change can add). */
export const MAX_EXPORT_DAYS = 366;
/**
 * premiumpay answers a period in one list, without pages, so a long period is asked for window by window: one
 * window's sales are all that is held in memory at once, whatever the length of the period.
 */
export const DEFAULT_WINDOW_DAYS = 7;

export class ExportPeriodError extends Error {
  override readonly name = "ExportPeriodError";
  readonly kind = "period_too_long" as const;
  constructor(readonly days: number) {
    super(`an export covers at most ${MAX_EXPORT_DAYS} days; this period has ${days}`);
  }
}

export interface SalesSourceOptions {
  /** One channel (channel sales), or every channel of the account (sales) when absent. */
  channelId?: number | undefined;
  /** With a channel: only the sales through this invitation link. */
  invitationLink?: string | undefined;
  /** Without a channel: one gateway's sales (and one of its services'). */
  gatewayId?: number | undefined;
  serviceId?: number | undefined;
  period: Period;
  windowDays?: number;
  signal?: AbortSignal;
}

/** The windows of a period: consecutive, whole seconds, inclusive, never sharing an instant. */
export function exportWindows(period: Period, windowDays = DEFAULT_WINDOW_DAYS): Period[] {
  const span = period.to.getTime() - period.from.getTime();
  if (span < 0) return [];
  if (span > MAX_EXPORT_DAYS * DAY_MS + 3_600_000) throw new ExportPeriodError(Math.ceil(span / DAY_MS));
  const windows: Period[] = [];
  for (let from = period.from.getTime(); from <= period.to.getTime(); from += windowDays * DAY_MS) {
    const to = Math.min(from + windowDays * DAY_MS - SECOND_MS, period.to.getTime());
    windows.push({ from: new Date(from), to: new Date(to) });
  }
  return windows;
}

/**
 * Sales of the period in time order, one premiumpay request per window, each asked for only when needed. A sale
 * is in the window its own timestamp falls in (salesWithin), so one premiumpay sends for a neighbouring window is
 * written once, not twice, and one without a timestamp not at all.
 */
export async function* salesByWindow(
  client: PremiumpayClient,
  options: SalesSourceOptions,
): AsyncGenerator<Sale[]> {
  for (const window of exportWindows(options.period, options.windowDays)) {
    options.signal?.throwIfAborted();
    const sales =
      options.channelId === undefined
        ? await client.sales({
            ...window,
            ...(options.gatewayId !== undefined ? { gatewayId: options.gatewayId } : {}),
            ...(options.serviceId !== undefined ? { serviceId: options.serviceId } : {}),
          })
        : await client.channelSales({
            ...window,
            channelId: options.channelId,
            ...(options.invitationLink !== undefined ? { invitationLink: options.invitationLink } : {}),
          });
    yield salesWithin(sales, window).sort((a, b) => (a.date?.getTime() ?? 0) - (b.date?.getTime() ?? 0));
  }
}
