import dayjs from "dayjs";
import timezone from "dayjs/plugin/timezone.js";
import utc from "dayjs/plugin/utc.js";

dayjs.extend(utc);
dayjs.extend(timezone);

/*
 * Zone conversions go through dayjs' utc/timezone plugins. Each costs tens of microseconds, and the same ones
 * repeat a great deal (the digest's scheduler reads every operator's zone at the same instant each minute; reports
 * ask for the same local midnights on every update), so results are remembered in small bounded caches.
 */
const CACHE_LIMIT = 10_000;

function remembered<T>(cache: Map<string, T>, key: string, compute: () => T): T {
  let value = cache.get(key);
  if (value === undefined) {
    value = compute();
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(key, value);
  }
  return value;
}

interface WallClock {
  /** YYYY-MM-DD */
  date: string;
  /** HH:mm */
  time: string;
  /** ss */
  seconds: string;
}

const wallClocks = new Map<string, WallClock>();
const instants = new Map<string, number>();

/** What the wall clock of `zone` shows at `at` (to the second). */
function wallClock(at: number, zone: string): WallClock {
  const second = Math.floor(at / 1000);
  return remembered(wallClocks, `${zone}|${second}`, () => {
    const [date = "", time = "", seconds = ""] = dayjs(second * 1000)
      .tz(zone)
      .format("YYYY-MM-DD HH:mm ss")
      .split(" ");
    return { date, time, seconds };
  });
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** The UTC offset of `zone` at `at`, in milliseconds. */
function offsetAt(at: number, zone: string): number {
  return dayjs(at).tz(zone).utcOffset() * MINUTE_MS;
}

/**
 * The instant at which the wall clock of `zone` shows local `date` and `time`. A time shown twice (clocks going
 * back) is the first of the two; a time skipped (clocks going forward) is moved forward by the gap (02:30 on the
 * spring-forward day in Madrid is 03:30 CEST).
 */
function instantOf(date: string, time: string, zone: string): number {
  return remembered(instants, `${zone}|${date}T${time}`, () => {
    const wall = Date.parse(`${date}T${time}Z`);
    // The offsets a day either side cover any single change near this wall time.
    const before = offsetAt(wall - DAY_MS, zone);
    const after = offsetAt(wall + DAY_MS, zone);
    if (before === after) return dayjs.tz(`${date}T${time}`, zone).valueOf();
    const shows = (instant: number) => offsetAt(instant, zone) === wall - instant;
    const candidates = [wall - before, wall - after].filter(shows);
    // No candidate shows the wall time: it was skipped, and the offset before the change puts it past the jump.
    return candidates.length > 0 ? Math.min(...candidates) : wall - before;
  });
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

/** Local midnight of the day containing `at` in `zone`, as an instant (correct on DST change days). */
export function startOfLocalDay(at: Date, zone: string): Date {
  return startOfLocalDayOffset(at, zone, 0);
}

/**
 * Local midnight `days` days before the local day containing `at`: calendar arithmetic on the local date (dayjs
 * keeps the old UTC offset when adding days to a zoned instant across a DST change), then back to an instant.
 * Where midnight does not exist (a zone that springs forward at 00:00) the day starts when the clock jumps.
 */
export function startOfLocalDayOffset(at: Date, zone: string, days: number): Date {
  const today = wallClock(at.getTime(), zone).date;
  const day = days === 0 ? today : dayjs.utc(today).subtract(days, "day").format("YYYY-MM-DD");
  return new Date(instantOf(day, "00:00:00", zone));
}

/** A calendar date (YYYY-MM-DD) moved by whole months, then days; a day past a month's end becomes its last day. */
export function shiftDate(date: string, shift: { months?: number; days?: number }): string {
  return dayjs
    .utc(date)
    .add(shift.months ?? 0, "month")
    .add(shift.days ?? 0, "day")
    .format("YYYY-MM-DD");
}

/** The instant `time` (HH:mm, HH:mm:ss or HH:mm:ss.SSS) of local `date` (YYYY-MM-DD) in `zone`. */
export function zonedInstant(date: string, time: string, zone: string): Date {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !/^\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/.test(time)) {
    throw new RangeError(`not a local date and time: ${date} ${time}`);
  }
  return new Date(instantOf(date, time, zone));
}

export function localDate(at: Date, zone: string): string {
  return wallClock(at.getTime(), zone).date;
}

export function localTime(at: Date, zone: string): string {
  return wallClock(at.getTime(), zone).time;
}

/** Local date and HH:mm together, from one conversion. */
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

/**
 * ICU's canonical ids that IANA has since renamed: ICU (and so Intl) still answers the old name. Hand-kept
 * because Intl offers no way to the current name and these renames are rare.
 */
const IANA_NAME_OF_ICU_ID: Readonly<Record<string, string>> = {
  "Africa/Asmera": "Africa/Asmara",
  "America/Buenos_Aires": "America/Argentina/Buenos_Aires",
  "America/Catamarca": "America/Argentina/Catamarca",
  "America/Coral_Harbour": "America/Atikokan",
  "America/Cordoba": "America/Argentina/Cordoba",
  "America/Godthab": "America/Nuuk",
  "America/Indianapolis": "America/Indiana/Indianapolis",
  "America/Jujuy": "America/Argentina/Jujuy",
  "America/Louisville": "America/Kentucky/Louisville",
  "America/Mendoza": "America/Argentina/Mendoza",
  "Asia/Calcutta": "Asia/Kolkata",
  "Asia/Katmandu": "Asia/Kathmandu",
  "Asia/Rangoon": "Asia/Yangon",
  "Asia/Saigon": "Asia/Ho_Chi_Minh",
  "Atlantic/Faeroe": "Atlantic/Faroe",
  "Europe/Kiev": "Europe/Kyiv",
  "Pacific/Enderbury": "Pacific/Kanton",
  "Pacific/Ponape": "Pacific/Pohnpei",
  "Pacific/Truk": "Pacific/Chuuk",
};

/**
 * The canonical IANA name of a zone as an operator may type it ("europe/madrid", " america/new york ",
 * "US/Eastern", "asia/calcutta"), or undefined when it names no zone. Store this, never the typed text.
 */
export function canonicalTimezone(input: string): string | undefined {
  const typed = input.trim().replace(/\s+/g, "_");
  if (!isValidTimezone(typed)) return undefined;
  const icuId = new Intl.DateTimeFormat("en-US", { timeZone: typed }).resolvedOptions().timeZone;
  return IANA_NAME_OF_ICU_ID[icuId] ?? icuId;
}
