import { localDateTime, zonedInstant } from "../time.js";

/** The scheduler wakes once a minute: a digest found this late is on time, whatever the catch-up setting. */
export const ON_TIME_GRACE_MS = 5 * 60_000;

export interface DigestSchedule {
  /** HH:MM on the operator's wall clock. */
  time: string;
  lastSentLocalDate: string | null;
}

const DAY_MS = 86_400_000;

/** The calendar day before a YYYY-MM-DD date (plain calendar arithmetic: no zone is involved). */
export function previousLocalDate(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - DAY_MS).toISOString().slice(0, 10);
}

/** Noon of a local date: it exists in every zone on every day, so it anchors day arithmetic safely. */
export function localNoon(date: string, zone: string): Date {
  return zonedInstant(date, "12:00", zone);
}

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
/** Wider than any DST jump, so the search below always finds the moment the clock passes `time`. */
const SEARCH_SPAN_MS = 3 * HOUR_MS;

const dueCache = new Map<string, number>();
const DUE_CACHE_LIMIT = 10_000;

/**
 * The instant the digest of local `date` falls due: `time` on that day's wall clock. On the day the clocks go
 * forward a time that does not exist (02:30 in Madrid) falls due at the first minute after it (03:00); on the
 * day they go back, at the first of the two moments the clock shows it. Cached: operators share zones and times.
 */
export function dueInstant(date: string, time: string, zone: string): Date {
  const key = `${zone}|${date}|${time}`;
  let due = dueCache.get(key);
  if (due === undefined) {
    due = computeDueInstant(date, time, zone);
    if (dueCache.size >= DUE_CACHE_LIMIT) dueCache.clear();
    dueCache.set(key, due);
  }
  return new Date(due);
}

function computeDueInstant(date: string, time: string, zone: string): number {
  const guess = zonedInstant(date, time, zone).getTime();
  const shows = (at: number) => {
    const clock = localDateTime(new Date(at), zone);
    return clock.date === date && clock.time === time;
  };
  // On the fall-back day the same wall-clock time comes twice; the earlier one counts.
  if (shows(guess)) return shows(guess - HOUR_MS) ? guess - HOUR_MS : guess;
  // The time does not exist that day: the first minute whose wall clock is past it.
  const start = guess - SEARCH_SPAN_MS;
  for (let at = start - (start % MINUTE_MS); at <= guess + SEARCH_SPAN_MS; at += MINUTE_MS) {
    const clock = localDateTime(new Date(at), zone);
    if (clock.date === date && clock.time >= time) return at;
  }
  return guess;
}

/**
 * The local date whose digest should go out at `now`, if any: today's once its time has come, or yesterday's
 * when it was missed (the bot was down) less than `catchUpMs` ago. Never a date already sent (the stored
 * lastSentLocalDate), so a restart or the repeated hour on the fall-back day cannot send a day twice.
 */
export function pendingDigestDate(
  now: Date,
  schedule: DigestSchedule,
  zone: string,
  catchUpMs: number,
): string | undefined {
  const allowedLateness = Math.max(catchUpMs, ON_TIME_GRACE_MS);
  const clock = localDateTime(now, zone);
  const today = clock.date;
  for (const date of [today, previousLocalDate(today)]) {
    if (schedule.lastSentLocalDate !== null && schedule.lastSentLocalDate >= date) return undefined;
    // Cheap check first: before its time on the wall clock, today's digest is not due.
    if (date === today && clock.time < schedule.time) continue;
    const due = dueInstant(date, schedule.time, zone).getTime();
    if (due > now.getTime()) continue;
    return now.getTime() - due < allowedLateness ? date : undefined;
  }
  return undefined;
}

/**
 * Today's digest when it falls due after `now` but within `windowMs`, so it can be built ahead: only today's,
 * because the day it reports on (yesterday) is over once the local day has begun; never a date already sent.
 */
export function upcomingDigest(
  now: Date,
  schedule: DigestSchedule,
  zone: string,
  windowMs: number,
): { date: string; dueAt: number } | undefined {
  const clock = localDateTime(now, zone);
  const today = clock.date;
  if (schedule.lastSentLocalDate !== null && schedule.lastSentLocalDate >= today) return undefined;
  // Cheap check first: once the wall clock shows its time, the digest is due (pendingDigestDate's business).
  if (clock.time >= schedule.time) return undefined;
  const dueAt = dueInstant(today, schedule.time, zone).getTime();
  const untilDue = dueAt - now.getTime();
  return untilDue > 0 && untilDue <= windowMs ? { date: today, dueAt } : undefined;
}
