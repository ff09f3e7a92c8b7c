import dayjs, { type Dayjs } from "dayjs";
import timezone from "dayjs/plugin/timezone.js";
import utc from "dayjs/plugin/utc.js";

dayjs.extend(utc);
dayjs.extend(timezone);

export { type Dayjs, dayjs };

/*
 * The functions below answer with one cached Intl.DateTimeFormat per zone instead of dayjs' zone plugin, which
 * builds a new formatter on every call (a few hundred microseconds): reports and the digest ask for local days
 * many times per update and per digest, and that was the largest single cost in their CPU profiles.
 */

const DAY_MS = 86_400_000;

const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(zone: string): Intl.DateTimeFormat {
  let format = formats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
    });
    formats.set(zone, format);
  }
  return format;
}

/** en-US with two-digit fields and h23: "01/15/2026, 10:20:30". */
const EN_US_DATE_TIME = /^(\d{2})\/(\d{2})\/(\d{4}), (\d{2}):(\d{2}):(\d{2})$/;

interface WallClock {
  /** YYYY-MM-DD */
  date: string;
  /** HH:mm */
  time: string;
  /** The wall-clock time written as if it were UTC, whole seconds: Date.UTC of the fields. */
  asUtcMs: number;
  seconds: string;
}

function wallClock(at: number, zone: string): WallClock {
  const match = EN_US_DATE_TIME.exec(formatFor(zone).format(at));
  if (!match) throw new RangeError(`unexpected date format for time zone ${zone}`);
  const [month = "", day = "", year = "", hour = "", minute = "", second = ""] = match.slice(1);
  return {
    date: `${year}-${month}-${day}`,
    time: `${hour}:${minute}`,
    asUtcMs: Date.UTC(+year, +month - 1, +day, +hour, +minute, +second),
    seconds: second,
  };
}

/** How far the wall clock of `zone` is ahead of UTC at `at`, in milliseconds. */
function offsetMs(at: number, zone: string): number {
  const wholeSecond = at - (((at % 1000) + 1000) % 1000);
  return wallClock(at, zone).asUtcMs - wholeSecond;
}

/**
 * The instant at which the wall clock of `zone` shows `localMs` (a wall-clock time written as if UTC). A time
 * shown twice (clocks going back) resolves to the earlier instant; a time skipped (clocks going forward) is
 * moved forward by the gap (02:30 on the spring-forward day in Madrid is 03:30 CEST), as JavaScript and dayjs do.
 */
function instantOfWallTime(localMs: number, zone: string): number {
  const key = `${zone}|${localMs}`;
  let instant = instants.get(key);
  if (instant === undefined) {
    instant = resolveWallTime(localMs, zone);
    if (instants.size >= INSTANT_CACHE_LIMIT) instants.clear();
    instants.set(key, instant);
  }
  return instant;
}

/** Local midnights and due times repeat across operators and updates: remembered, up to a bound. */
const instants = new Map<string, number>();
const INSTANT_CACHE_LIMIT = 10_000;

function resolveWallTime(localMs: number, zone: string): number {
  // The offsets a day either side cover any single transition near this wall time.
  const before = offsetMs(localMs - DAY_MS, zone);
  const after = offsetMs(localMs + DAY_MS, zone);
  if (before === after) return localMs - before;
  const shows = (instant: number, offset: number) => offsetMs(instant, zone) === offset;
  const candidates = [localMs - before, localMs - after].filter((instant, index) =>
    shows(instant, index === 0 ? before : after),
  );
  return candidates.length > 0 ? Math.min(...candidates) : localMs - before;
}

export function isValidTimezone(zone: string): boolean {
  if (zone.length === 0 || zone.length > 64) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** `at` seen on the wall clock of `zone`, as a dayjs object (for formatting; slower than the functions below). */
export function inZone(at: Date, zone: string): Dayjs {
  return dayjs(at).tz(zone);
}

/** Local midnight of the day containing `at` in `zone`, as an instant (correct on DST change days). */
export function startOfLocalDay(at: Date, zone: string): Date {
  return startOfLocalDayOffset(at, zone, 0);
}

/**
 * Local midnight `days` days before the local day containing `at`: calendar arithmetic on the local date, then
 * back to an instant, so a DST change in between never shifts it by an hour. Where midnight does not exist (a
 * zone that springs forward at 00:00) the day starts when the clock jumps.
 */
export function startOfLocalDayOffset(at: Date, zone: string, days: number): Date {
  const { asUtcMs } = wallClock(at.getTime(), zone);
  const localMidnight = asUtcMs - (((asUtcMs % DAY_MS) + DAY_MS) % DAY_MS) - days * DAY_MS;
  return new Date(instantOfWallTime(localMidnight, zone));
}

/** The instant `time` (HH:mm, HH:mm:ss or HH:mm:ss.SSS) of local `date` (YYYY-MM-DD) in `zone`. */
export function zonedInstant(date: string, time: string, zone: string): Date {
  const localMs = Date.parse(`${date}T${time}Z`);
  if (Number.isNaN(localMs)) throw new RangeError(`not a local date and time: ${date} ${time}`);
  return new Date(instantOfWallTime(localMs, zone));
}

export function localDate(at: Date, zone: string): string {
  return wallClock(at.getTime(), zone).date;
}

export function localTime(at: Date, zone: string): string {
  return wallClock(at.getTime(), zone).time;
}

/** Local date and HH:mm together, from one formatting. */
export function localDateTime(at: Date, zone: string): { date: string; time: string } {
  const { date, time } = wallClock(at.getTime(), zone);
  return { date, time };
}

/** HH:mm:ss.SSS of `at` on the wall clock of `zone`. */
export function localTimeWithMilliseconds(at: Date, zone: string): string {
  const { time, seconds } = wallClock(at.getTime(), zone);
  const milliseconds = (((at.getTime() % 1000) + 1000) % 1000).toString().padStart(3, "0");
  return `${time}:${seconds}.${milliseconds}`;
}
