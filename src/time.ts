import dayjs, { type Dayjs } from "dayjs";
import timezone from "dayjs/plugin/timezone.js";
import utc from "dayjs/plugin/utc.js";

dayjs.extend(utc);
dayjs.extend(timezone);

export { type Dayjs, dayjs };

export function isValidTimezone(zone: string): boolean {
  if (zone.length === 0 || zone.length > 64) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** `at` seen on the wall clock of `zone`. */
export function inZone(at: Date, zone: string): Dayjs {
  return dayjs(at).tz(zone);
}

/** Local midnight of the day containing `at` in `zone`, as an instant (correct on DST change days). */
export function startOfLocalDay(at: Date, zone: string): Date {
  return startOfLocalDayOffset(at, zone, 0);
}

/** Local midnight `days` days before the local day containing `at`. */
export function startOfLocalDayOffset(at: Date, zone: string, days: number): Date {
  // Calendar arithmetic on the date string, not on the zoned instant: dayjs keeps the old UTC offset when adding
  // days across a DST change.
  const day = dayjs.utc(localDate(at, zone)).subtract(days, "day").format("YYYY-MM-DD");
  return dayjs.tz(day, zone).toDate();
}

export function localDate(at: Date, zone: string): string {
  return inZone(at, zone).format("YYYY-MM-DD");
}

export function localTime(at: Date, zone: string): string {
  return inZone(at, zone).format("HH:mm");
}
