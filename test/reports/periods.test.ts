import dayjs from "dayjs";
import timezone from "dayjs/plugin/timezone.js";
import utc from "dayjs/plugin/utc.js";
import { describe, expect, it } from "vitest";
import {
  EXPORT_PERIOD_KINDS,
  exportPeriodOf,
  lastDays,
  lastMonths,
  localBounds,
  PERIOD_KINDS,
  periodOf,
  todaySoFar,
  wholeYesterday,
  yesterdayUntilSameTime,
} from "../../src/reports/periods.js";
import {
  localDate,
  localTime,
  startOfLocalDay,
  startOfLocalDayOffset,
  zonedInstant,
} from "../../src/time.js";

dayjs.extend(utc);
dayjs.extend(timezone);

const at = (iso: string) => new Date(iso);
const iso = (period: { from: Date; to: Date }) => ({
  from: period.from.toISOString(),
  to: period.to.toISOString(),
});

describe("todaySoFar", () => {
  it("starts at local midnight, not UTC midnight, and ends now", () => {
    const now = at("2026-01-15T10:20:30.000Z");
    expect(iso(todaySoFar(now, "Europe/Madrid"))).toEqual({
      from: "2026-01-14T23:00:00.000Z",
      to: "2026-01-15T10:20:30.000Z",
    });
  });

  it("uses the local date when it differs from the UTC date (west of UTC)", () => {
    // 23:30 on the 14th in São Paulo (UTC−3, no DST since 2019) is already the 15th in UTC.
    const now = at("2026-01-15T02:30:00.000Z");
    expect(todaySoFar(now, "America/Sao_Paulo").from.toISOString()).toBe("2026-01-14T03:00:00.000Z");
  });

  it("uses the local date when it differs from the UTC date (east of UTC, half-hour offset)", () => {
    // 01:30 on the 16th in Kolkata (UTC+5:30) is still the 15th in UTC.
    const now = at("2026-01-15T20:00:00.000Z");
    expect(todaySoFar(now, "Asia/Kolkata").from.toISOString()).toBe("2026-01-15T18:30:00.000Z");
  });

  it("starts at midnight CET on the spring-forward day (a 23-hour day)", () => {
    const now = at("2026-03-29T10:15:00.000Z"); // 12:15 CEST
    expect(todaySoFar(now, "Europe/Madrid").from.toISOString()).toBe("2026-03-28T23:00:00.000Z");
  });

  it("starts at midnight CEST on the fall-back day (a 25-hour day)", () => {
    const now = at("2026-10-25T12:00:00.000Z"); // 13:00 CET
    expect(todaySoFar(now, "Europe/Madrid").from.toISOString()).toBe("2026-10-24T22:00:00.000Z");
  });

  it("is empty but valid exactly at local midnight", () => {
    const now = at("2026-10-24T22:00:00.000Z");
    const period = todaySoFar(now, "Europe/Madrid");
    expect(period.from.getTime()).toBe(period.to.getTime());
  });
});

describe("wholeYesterday", () => {
  it("covers the previous local day to its last second", () => {
    const now = at("2026-01-15T10:00:00.000Z");
    expect(iso(wholeYesterday(now, "Europe/Madrid"))).toEqual({
      from: "2026-01-13T23:00:00.000Z",
      to: "2026-01-14T22:59:59.000Z",
    });
  });

  it("is 23 hours long the day after spring forward", () => {
    const period = wholeYesterday(at("2026-03-30T08:00:00.000Z"), "Europe/Madrid");
    expect(iso(period)).toEqual({ from: "2026-03-28T23:00:00.000Z", to: "2026-03-29T21:59:59.000Z" });
    expect(period.to.getTime() + 1000 - period.from.getTime()).toBe(23 * 3_600_000);
  });

  it("is 25 hours long the day after fall back", () => {
    const period = wholeYesterday(at("2026-10-26T08:00:00.000Z"), "Europe/Madrid");
    expect(iso(period)).toEqual({ from: "2026-10-24T22:00:00.000Z", to: "2026-10-25T22:59:59.000Z" });
    expect(period.to.getTime() + 1000 - period.from.getTime()).toBe(25 * 3_600_000);
  });

  it("ends one second before today starts, so no instant is in both", () => {
    for (const zone of ["Europe/Madrid", "America/Sao_Paulo", "Asia/Kolkata", "UTC"]) {
      for (const now of [
        at("2026-03-29T10:15:00.000Z"),
        at("2026-10-25T12:00:00.000Z"),
        at("2026-07-01T00:00:01.000Z"),
      ]) {
        expect(wholeYesterday(now, zone).to.getTime() + 1000).toBe(todaySoFar(now, zone).from.getTime());
      }
    }
  });
});

describe("yesterdayUntilSameTime", () => {
  it("ends yesterday at the same local time as now", () => {
    const now = at("2026-01-15T10:20:30.500Z"); // 11:20:30.5 in Madrid
    expect(iso(yesterdayUntilSameTime(now, "Europe/Madrid"))).toEqual({
      from: "2026-01-13T23:00:00.000Z",
      to: "2026-01-14T10:20:30.500Z",
    });
  });

  it("compares by wall clock on the spring-forward day: 12:15 CEST today against 12:15 CET yesterday", () => {
    const now = at("2026-03-29T10:15:00.000Z");
    const period = yesterdayUntilSameTime(now, "Europe/Madrid");
    expect(iso(period)).toEqual({ from: "2026-03-27T23:00:00.000Z", to: "2026-03-28T11:15:00.000Z" });
    expect(localTime(period.to, "Europe/Madrid")).toBe("12:15");
  });

  it("compares by wall clock on the fall-back day: 13:00 CET today against 13:00 CEST yesterday", () => {
    const now = at("2026-10-25T12:00:00.000Z");
    const period = yesterdayUntilSameTime(now, "Europe/Madrid");
    expect(iso(period)).toEqual({ from: "2026-10-23T22:00:00.000Z", to: "2026-10-24T11:00:00.000Z" });
  });

  it("stays inside yesterday when that time did not exist yesterday (02:30 the day after spring forward)", () => {
    const now = at("2026-03-30T00:30:00.000Z"); // 02:30 CEST on the 30th; 02:30 never happened on the 29th
    const period = yesterdayUntilSameTime(now, "Europe/Madrid");
    const yesterday = wholeYesterday(now, "Europe/Madrid");
    expect(period.from.toISOString()).toBe("2026-03-28T23:00:00.000Z");
    expect(period.to.getTime()).toBeGreaterThanOrEqual(yesterday.from.getTime());
    expect(period.to.getTime()).toBeLessThanOrEqual(yesterday.to.getTime());
    // 02:00 CET was 03:00 CEST, so the gap resolves forward to 03:30 local.
    expect(localTime(period.to, "Europe/Madrid")).toBe("03:30");
  });

  it("uses the repeated hour once when the time happened twice yesterday (02:30 the day after fall back)", () => {
    const now = at("2026-10-26T01:30:00.000Z"); // 02:30 CET on the 26th
    const period = yesterdayUntilSameTime(now, "Europe/Madrid");
    expect(localTime(period.to, "Europe/Madrid")).toBe("02:30");
    expect(["2026-10-25T00:30:00.000Z", "2026-10-25T01:30:00.000Z"]).toContain(period.to.toISOString());
  });

  it("is empty at local midnight", () => {
    const now = at("2026-01-14T18:30:00.000Z"); // 00:00 in Kolkata on the 15th
    const period = yesterdayUntilSameTime(now, "Asia/Kolkata");
    expect(iso(period)).toEqual({ from: "2026-01-13T18:30:00.000Z", to: "2026-01-13T18:30:00.000Z" });
  });

  it("works west of UTC when the UTC date is already tomorrow", () => {
    const now = at("2026-01-15T02:30:00.000Z"); // 23:30 on the 14th in São Paulo
    expect(iso(yesterdayUntilSameTime(now, "America/Sao_Paulo"))).toEqual({
      from: "2026-01-13T03:00:00.000Z",
      to: "2026-01-14T02:30:00.000Z",
    });
  });
});

describe("lastDays", () => {
  it("includes today so far and starts days−1 local midnights ago", () => {
    const now = at("2026-01-15T10:00:00.000Z");
    expect(iso(lastDays(now, "Europe/Madrid", 7))).toEqual({
      from: "2026-01-08T23:00:00.000Z",
      to: "2026-01-15T10:00:00.000Z",
    });
  });

  it("starts at local midnight across a DST change (CET start, CEST end)", () => {
    const now = at("2026-03-31T10:00:00.000Z");
    expect(lastDays(now, "Europe/Madrid", 7).from.toISOString()).toBe("2026-03-24T23:00:00.000Z");
  });

  it("reaches 30 days back in the operator's zone", () => {
    const now = at("2026-11-05T12:00:00.000Z");
    expect(lastDays(now, "Europe/Madrid", 30).from.toISOString()).toBe("2026-10-06T22:00:00.000Z");
    expect(lastDays(now, "Asia/Kolkata", 30).from.toISOString()).toBe("2026-10-06T18:30:00.000Z");
  });

  it("is today for one day and refuses nonsense", () => {
    const now = at("2026-01-15T10:00:00.000Z");
    expect(iso(lastDays(now, "UTC", 1))).toEqual(iso(todaySoFar(now, "UTC")));
    expect(() => lastDays(now, "UTC", 0)).toThrow(RangeError);
    expect(() => lastDays(now, "UTC", 1.5)).toThrow(RangeError);
  });
});

describe("lastMonths", () => {
  it("starts the day after the same date a year ago, at local midnight, and ends now", () => {
    const now = at("2026-03-29T10:15:00.000Z");
    // Madrid's clocks sprang forward at 02:00 on 2025-03-30: its midnight was still CET.
    expect(iso(lastMonths(now, "Europe/Madrid", 12))).toEqual({
      from: "2025-03-29T23:00:00.000Z",
      to: "2026-03-29T10:15:00.000Z",
    });
    expect(localDate(lastMonths(now, "America/Mexico_City", 12).from, "America/Mexico_City")).toBe(
      "2025-03-30",
    );
  });

  it("covers 366 local dates with a 29 February, and stays within an export's year", () => {
    const now = at("2024-02-29T23:30:00.000Z");
    const period = lastMonths(now, "UTC", 12);
    expect(period.from.toISOString()).toBe("2023-03-01T00:00:00.000Z");
    const days = (period.to.getTime() - period.from.getTime()) / 86_400_000;
    expect(days).toBeGreaterThan(365);
    expect(days).toBeLessThan(366);
  });

  it("clamps a month's end (31 May minus three months is the last of February) and refuses nonsense", () => {
    expect(localDate(lastMonths(at("2026-05-31T12:00:00.000Z"), "UTC", 3).from, "UTC")).toBe("2026-03-01");
    expect(() => lastMonths(at("2026-05-31T12:00:00.000Z"), "UTC", 0)).toThrow(RangeError);
  });
});

describe("exportPeriodOf", () => {
  it("maps the export-only kinds to 90 days and 12 months in the operator's zone", () => {
    const now = at("2026-03-29T10:15:00.000Z");
    const zone = "Europe/Madrid";
    expect(EXPORT_PERIOD_KINDS).toEqual(["last90", "last12m"]);
    expect(exportPeriodOf("last90", now, zone)).toEqual(lastDays(now, zone, 90));
    expect(exportPeriodOf("last12m", now, zone)).toEqual(lastMonths(now, zone, 12));
  });
});

describe("periodOf", () => {
  it("maps every kind to its period", () => {
    const now = at("2026-03-29T10:15:00.000Z");
    const zone = "Europe/Madrid";
    expect(PERIOD_KINDS).toEqual(["today", "yesterday", "last7", "last30"]);
    expect(periodOf("today", now, zone)).toEqual(todaySoFar(now, zone));
    expect(periodOf("yesterday", now, zone)).toEqual(wholeYesterday(now, zone));
    expect(periodOf("last7", now, zone)).toEqual(lastDays(now, zone, 7));
    expect(periodOf("last30", now, zone)).toEqual(lastDays(now, zone, 30));
  });
});

describe("localBounds", () => {
  it("reads a period on the operator's wall clock", () => {
    const now = at("2026-03-29T10:15:00.000Z");
    expect(localBounds(lastDays(now, "Europe/Madrid", 7), "Europe/Madrid")).toEqual({
      fromDate: "2026-03-23",
      fromTime: "00:00",
      toDate: "2026-03-29",
      toTime: "12:15",
    });
  });
});

describe("local days without dayjs (time.ts), checked against the definition and against dayjs", () => {
  // Zones whose clocks jump at midnight (Havana, Santiago), by 30 minutes (Lord Howe), or not at all (Kolkata).
  const zones = [
    "Europe/Madrid",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "America/Havana",
    "America/Santiago",
    "Australia/Lord_Howe",
    "America/New_York",
    "UTC",
  ];
  // Every 193 minutes over a year: crosses every transition of 2026 at many wall-clock times.
  const instants = Array.from(
    { length: 2_725 },
    (_, index) => new Date(Date.parse("2026-01-01T00:00:00Z") + index * 193 * 60_000 + 123),
  );

  it("startOfLocalDay is the first instant whose local date is the day's, on every day of 2026", () => {
    for (const zone of zones) {
      for (const now of instants) {
        const start = startOfLocalDay(now, zone);
        expect(localDate(start, zone)).toBe(localDate(now, zone));
        expect(localDate(new Date(start.getTime() - 1), zone)).not.toBe(localDate(now, zone));
        const previous = startOfLocalDayOffset(now, zone, 1);
        expect(localDate(new Date(start.getTime() - 1), zone)).toBe(localDate(previous, zone));
      }
    }
    // 21,800 checks through dayjs' zone plugin: seconds of CPU, far more when the machine is busy.
  }, 90_000);

  it("localDate and localTime agree with dayjs' zone plugin", () => {
    for (const zone of zones) {
      for (const now of instants.filter((_, index) => index % 10 === 0)) {
        expect(`${localDate(now, zone)} ${localTime(now, zone)}`).toBe(
          dayjs(now).tz(zone).format("YYYY-MM-DD HH:mm"),
        );
      }
    }
  });

  it("zonedInstant: a repeated time is the first, a skipped one moves forward by the gap", () => {
    expect(zonedInstant("2026-10-25", "02:30", "Europe/Madrid").toISOString()).toBe(
      "2026-10-25T00:30:00.000Z",
    );
    expect(localTime(zonedInstant("2026-03-29", "02:30", "Europe/Madrid"), "Europe/Madrid")).toBe("03:30");
    // Lord Howe goes forward by 30 minutes at 02:00 on 4 October 2026.
    expect(localTime(zonedInstant("2026-10-04", "02:10", "Australia/Lord_Howe"), "Australia/Lord_Howe")).toBe(
      "02:40",
    );
    expect(zonedInstant("2026-01-15", "11:20:30.500", "Europe/Madrid").toISOString()).toBe(
      "2026-01-15T10:20:30.500Z",
    );
  });
});
