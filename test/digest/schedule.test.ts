import { describe, expect, it } from "vitest";
import { dueInstant, pendingDigestDate, upcomingDigest } from "../../src/digest/schedule.js";
import { localDate, localTime } from "../../src/time.js";

const HOUR = 3_600_000;
const MINUTE = 60_000;

/** Every minute from `from` to `to`, like the cron turn, recording each send and the stored date. */
function simulate(from: string, to: string, time: string, zone: string, sentBefore: string | null = null) {
  const sends: { at: string; date: string; local: string }[] = [];
  let lastSentLocalDate = sentBefore;
  const catchUpHours = 6;
  for (let at = Date.parse(from); at <= Date.parse(to); at += MINUTE) {
    const now = new Date(at);
    const date = pendingDigestDate(now, { time, lastSentLocalDate }, zone, catchUpHours * HOUR);
    if (date === undefined) continue;
    sends.push({ at: now.toISOString(), date, local: `${localDate(now, zone)} ${localTime(now, zone)}` });
    lastSentLocalDate = date;
  }
  return sends;
}

describe("digest schedule", () => {
  it.each([
    ["Europe/Madrid", "09:00", "2025-06-11T07:00:00.000Z"],
    ["America/Sao_Paulo", "09:00", "2025-06-11T12:00:00.000Z"],
    ["Asia/Kolkata", "09:00", "2025-06-11T03:30:00.000Z"],
    ["Asia/Kolkata", "23:45", "2025-06-11T18:15:00.000Z"],
  ])("sends once a day at the local time in %s (%s)", (zone, time, firstSend) => {
    const sends = simulate("2025-06-10T22:00:00Z", "2025-06-13T21:59:00Z", time, zone, "2025-06-10");
    expect(sends[0]?.at).toBe(firstSend);
    expect(sends.map((send) => send.local.slice(11))).toEqual([time, time, time].slice(0, sends.length));
    expect(new Set(sends.map((send) => send.date)).size).toBe(sends.length);
    expect(sends.length).toBeGreaterThanOrEqual(2);
  });

  it("Madrid spring-forward day: a 02:30 that does not exist goes out once, at 03:00", () => {
    const sends = simulate("2025-03-29T00:00:00Z", "2025-03-31T23:00:00Z", "02:30", "Europe/Madrid");
    expect(sends.map((send) => [send.date, send.local])).toEqual([
      ["2025-03-29", "2025-03-29 02:30"],
      ["2025-03-30", "2025-03-30 03:00"],
      ["2025-03-31", "2025-03-31 02:30"],
    ]);
  });

  it("Madrid fall-back day: a 02:30 that happens twice goes out once, the first time", () => {
    const sends = simulate("2025-10-25T00:00:00Z", "2025-10-27T23:00:00Z", "02:30", "Europe/Madrid");
    expect(sends.map((send) => [send.date, send.at])).toEqual([
      ["2025-10-25", "2025-10-25T00:30:00.000Z"],
      ["2025-10-26", "2025-10-26T00:30:00.000Z"],
      ["2025-10-27", "2025-10-27T01:30:00.000Z"],
    ]);
  });

  it.each(["2025-03-30", "2025-10-26"])("Madrid DST day %s at 09:00: neither skipped nor doubled", (day) => {
    const sends = simulate(`${day}T00:00:00Z`, `${day}T23:59:00Z`, "09:00", "Europe/Madrid");
    expect(sends.map((send) => send.local)).toEqual([`${day} 09:00`]);
  });

  it("the spring-forward due instant is the first minute after the gap", () => {
    expect(dueInstant("2025-03-30", "02:30", "Europe/Madrid").toISOString()).toBe("2025-03-30T01:00:00.000Z");
    expect(dueInstant("2025-03-30", "02:30", "America/Sao_Paulo").toISOString()).toBe(
      "2025-03-30T05:30:00.000Z",
    );
  });

  describe("catch-up after downtime", () => {
    const schedule = { time: "09:00", lastSentLocalDate: "2025-06-10" };
    const zone = "Europe/Madrid";
    it("sends today's digest when its time passed less than the window ago", () => {
      expect(pendingDigestDate(new Date("2025-06-11T12:59:00Z"), schedule, zone, 6 * HOUR)).toBe(
        "2025-06-11",
      );
    });
    it("skips it when the time passed longer ago than the window", () => {
      expect(pendingDigestDate(new Date("2025-06-11T13:01:00Z"), schedule, zone, 6 * HOUR)).toBeUndefined();
    });
    it("sends yesterday's digest after midnight when it was missed within the window", () => {
      const late = { time: "22:30", lastSentLocalDate: "2025-06-09" };
      expect(pendingDigestDate(new Date("2025-06-10T23:00:00Z"), late, zone, 6 * HOUR)).toBe("2025-06-10");
    });
    it("never returns a date already sent", () => {
      const sent = { time: "09:00", lastSentLocalDate: "2025-06-11" };
      expect(pendingDigestDate(new Date("2025-06-11T07:30:00Z"), sent, zone, 6 * HOUR)).toBeUndefined();
    });
    it("a zero window still sends on the minute turn", () => {
      expect(pendingDigestDate(new Date("2025-06-11T07:00:30Z"), schedule, zone, 0)).toBe("2025-06-11");
    });
  });
});

describe("digest built ahead (upcomingDigest)", () => {
  const window = 15 * MINUTE;
  const schedule = (time: string, lastSentLocalDate: string | null = null) => ({ time, lastSentLocalDate });

  it("is today's digest only within the window before its minute, never at or after it", () => {
    const zone = "Asia/Kolkata";
    // 09:00 in Kolkata is 03:30Z.
    expect(upcomingDigest(new Date("2025-06-11T03:14:00Z"), schedule("09:00"), zone, window)).toBeUndefined();
    expect(upcomingDigest(new Date("2025-06-11T03:15:00Z"), schedule("09:00"), zone, window)).toEqual({
      date: "2025-06-11",
      dueAt: Date.parse("2025-06-11T03:30:00Z"),
    });
    expect(upcomingDigest(new Date("2025-06-11T03:30:00Z"), schedule("09:00"), zone, window)).toBeUndefined();
    expect(
      upcomingDigest(new Date("2025-06-11T03:20:00Z"), schedule("09:00", "2025-06-11"), zone, window),
    ).toBeUndefined();
  });

  it("never before local midnight: the day the digest reports on must be over", () => {
    const zone = "Europe/Madrid";
    // 23:55 on the 10th in Madrid; the 00:05 digest of the 11th reports on the 10th, not over yet.
    expect(upcomingDigest(new Date("2025-06-10T21:55:00Z"), schedule("00:05"), zone, window)).toBeUndefined();
    expect(upcomingDigest(new Date("2025-06-10T22:00:00Z"), schedule("00:05"), zone, window)?.date).toBe(
      "2025-06-11",
    );
  });

  it("on the day the clocks go forward, a time that does not exist is built ahead for the minute it falls due", () => {
    // Madrid, 29 March 2026: 02:00 → 03:00 at 01:00Z; a 02:30 digest falls due at 03:00 local.
    const upcoming = upcomingDigest(
      new Date("2026-03-29T00:50:00Z"),
      schedule("02:30"),
      "Europe/Madrid",
      window,
    );
    expect(upcoming).toEqual({ date: "2026-03-29", dueAt: Date.parse("2026-03-29T01:00:00Z") });
    expect(pendingDigestDate(new Date(upcoming!.dueAt), schedule("02:30"), "Europe/Madrid", 6 * HOUR)).toBe(
      "2026-03-29",
    );
  });
});
