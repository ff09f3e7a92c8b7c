import { dayjs, localDate, localTime } from "../time.js";

/** The scheduler wakes once a minute: a digest found this late is on time, whatever the catch-up setting. */
export const ON_TIME_GRACE_MS = 5 * 60_000;

export interface DigestSchedule {
  /** HH:MM on the operator's wall clock. */
  time: string;
  lastSentLocalDate: string | null;
}

export function previousLocalDate(date: string): string {
  return dayjs.utc(date).subtract(1, "day").format("YYYY-MM-DD");
}

/** Noon of a local date: it exists in every zone on every day, so it anchors day arithmetic safely. */
export function localNoon(date: string, zone: string): Date {
  return dayjs.tz(`${date} 12:00`, zone).toDate();
}

const MINUTE_MS = 60_000;
/** Wider than any DST jump, so the search below always finds the moment the clock passes `time`. */
const SEARCH_SPAN_MS = 3 * 60 * MINUTE_MS;

/**
 * The instant the digest of local `date` falls due: `time` on that day's wall clock. On the day the clocks go
 * forward a time that does not exist (02:30 in Madrid) falls due at the first minute after it (03:00); on the
 * day they go back, at the first of the two moments the clock shows it.
 */
export function dueInstant(date: string, time: string, zone: string): Date {
  const guess = dayjs.tz(`${date} ${time}`, zone).valueOf();
  const start = guess - SEARCH_SPAN_MS;
  for (let at = start - (start % MINUTE_MS); at <= guess + SEARCH_SPAN_MS; at += MINUTE_MS) {
    const instant = new Date(at);
    if (localDate(instant, zone) === date && localTime(instant, zone) >= time) return instant;
  }
  return new Date(guess);
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
  const today = localDate(now, zone);
  for (const date of [today, previousLocalDate(today)]) {
    if (schedule.lastSentLocalDate !== null && schedule.lastSentLocalDate >= date) return undefined;
    const due = dueInstant(date, schedule.time, zone).getTime();
    if (due > now.getTime()) continue;
    return now.getTime() - due < allowedLateness ? date : undefined;
  }
  return undefined;
}
