import {
  localDate,
  localDateTime,
  localTimeWithMilliseconds,
  shiftDate,
  startOfLocalDay,
  startOfLocalDayOffset,
  zonedInstant,
} from "../time.js";

/**
 * Report periods as instants, computed on the operator's wall clock so that "today" starts at their local
 * midnight, including on the days their clock jumps for daylight saving time.
 *
 * premiumpay takes inclusive ranges in whole seconds, so a whole day ends at its last second (local midnight
 * minus one second): consecutive days never share an instant and a sale is never counted twice.
 */
export interface Period {
  from: Date;
  to: Date;
}

/** The periods an operator can choose; the rolling ones end now and include today so far. */
export const PERIOD_KINDS = ["today", "yesterday", "last7", "last30"] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];

/** Longer periods offered for a CSV export only: their figures would not fit a chat screen. */
export const EXPORT_PERIOD_KINDS = ["last90", "last12m"] as const;
export type ExportPeriodKind = (typeof EXPORT_PERIOD_KINDS)[number];

const SECOND_MS = 1000;

/** The last whole second before `instant`. */
function secondBefore(instant: Date): Date {
  return new Date(instant.getTime() - SECOND_MS);
}

/** From local midnight of the current day until `now`. */
export function todaySoFar(now: Date, zone: string): Period {
  return { from: startOfLocalDay(now, zone), to: now };
}

/** The whole previous local day (23, 24 or 25 hours long). */
export function wholeYesterday(now: Date, zone: string): Period {
  return { from: startOfLocalDayOffset(now, zone, 1), to: secondBefore(startOfLocalDay(now, zone)) };
}

/**
 * Yesterday from local midnight until the same wall-clock time as `now`, for "compared with yesterday at this
 * hour". When that time did not exist yesterday (a DST change) it resolves forward by the gap; when it existed
 * twice, to the first; either way kept inside yesterday.
 */
export function yesterdayUntilSameTime(now: Date, zone: string): Period {
  const yesterday = wholeYesterday(now, zone);
  const sameTime = zonedInstant(localDate(yesterday.from, zone), localTimeWithMilliseconds(now, zone), zone);
  const clamped = Math.min(Math.max(sameTime.getTime(), yesterday.from.getTime()), yesterday.to.getTime());
  return { from: yesterday.from, to: new Date(clamped) };
}

/** The last `days` local days, today so far included: `lastDays(now, zone, 7)` starts six midnights ago. */
export function lastDays(now: Date, zone: string, days: number): Period {
  if (!Number.isInteger(days) || days < 1)
    throw new RangeError(`lastDays needs a whole number of days ≥ 1, got ${days}`);
  return { from: startOfLocalDayOffset(now, zone, days - 1), to: now };
}

/**
 * The last `months` calendar months, today so far included: from the day after the same date `months` months ago
 * (2025-03-30 – 2026-03-29 for twelve), so a year holds 365 local dates, or 366 with a 29 February.
 */
export function lastMonths(now: Date, zone: string, months: number): Period {
  if (!Number.isInteger(months) || months < 1)
    throw new RangeError(`lastMonths needs a whole number of months ≥ 1, got ${months}`);
  const firstDay = shiftDate(localDate(now, zone), { months: -months, days: 1 });
  return { from: zonedInstant(firstDay, "00:00", zone), to: now };
}

export function exportPeriodOf(kind: ExportPeriodKind, now: Date, zone: string): Period {
  switch (kind) {
    case "last90":
      return lastDays(now, zone, 90);
    case "last12m":
      return lastMonths(now, zone, 12);
  }
}

export function periodOf(kind: PeriodKind, now: Date, zone: string): Period {
  switch (kind) {
    case "today":
      return todaySoFar(now, zone);
    case "yesterday":
      return wholeYesterday(now, zone);
    case "last7":
      return lastDays(now, zone, 7);
    case "last30":
      return lastDays(now, zone, 30);
  }
}

/** How a period reads on the operator's wall clock, e.g. for "2026-03-28 00:00 – 2026-03-29 10:15". */
export function localBounds(
  period: Period,
  zone: string,
): { fromDate: string; fromTime: string; toDate: string; toTime: string } {
  const from = localDateTime(period.from, zone);
  const to = localDateTime(period.to, zone);
  return { fromDate: from.date, fromTime: from.time, toDate: to.date, toTime: to.time };
}
