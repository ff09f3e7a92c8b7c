import { describe, expect, it } from "vitest";
import { COMMON_TIMEZONES } from "../../src/bot/conversations/timezone.js";
import { timezoneName } from "../../src/format/timezone.js";
import { canonicalTimezone, localTime } from "../../src/time.js";

describe("canonicalTimezone", () => {
  it("stores the IANA name whatever case or spacing the operator typed", () => {
    expect(canonicalTimezone("europe/madrid")).toBe("Europe/Madrid");
    expect(canonicalTimezone("EUROPE/MADRID")).toBe("Europe/Madrid");
    expect(canonicalTimezone("  america/new york ")).toBe("America/New_York");
    expect(canonicalTimezone("america/argentina/buenos_aires")).toBe("America/Argentina/Buenos_Aires");
    expect(canonicalTimezone("utc")).toBe("UTC");
  });

  it("follows links to the zone they name, and IANA's renames that Intl still spells the old way", () => {
    expect(canonicalTimezone("US/Eastern")).toBe("America/New_York");
    expect(canonicalTimezone("asia/kolkata")).toBe("Asia/Kolkata");
    expect(canonicalTimezone("Asia/Calcutta")).toBe("Asia/Kolkata");
    expect(canonicalTimezone("europe/kiev")).toBe("Europe/Kyiv");
    expect(canonicalTimezone("America/Buenos_Aires")).toBe("America/Argentina/Buenos_Aires");
  });

  it("refuses what names no zone", () => {
    for (const input of ["", "   ", "Mars/Olympus", "Madrid", "+01:00", "x".repeat(10_000)]) {
      expect(canonicalTimezone(input)).toBeUndefined();
    }
  });

  it("gives names the time maths accept, as the same zone", () => {
    const at = new Date(Date.UTC(2026, 6, 1, 12, 0, 0));
    for (const zone of COMMON_TIMEZONES) {
      expect(canonicalTimezone(zone.toLowerCase())).toBe(zone);
      expect(localTime(at, canonicalTimezone(zone.toLowerCase())!)).toBe(localTime(at, zone));
    }
    expect(localTime(at, canonicalTimezone("asia/calcutta")!)).toBe("17:30");
  });
});

describe("timezoneName", () => {
  it("names the common zones' cities as Spanish writes them", () => {
    expect(timezoneName("Europe/London", "es")).toBe("Londres");
    expect(timezoneName("America/Mexico_City", "es")).toBe("Ciudad de México");
    expect(timezoneName("America/Sao_Paulo", "es")).toBe("São Paulo");
    expect(timezoneName("Europe/Madrid", "es")).toBe("Madrid");
  });

  it("names them in English, accents included", () => {
    expect(timezoneName("Europe/London", "en")).toBe("London");
    expect(timezoneName("America/Mexico_City", "en")).toBe("Mexico City");
    expect(timezoneName("America/Sao_Paulo", "en")).toBe("São Paulo");
  });

  it("falls back to the city part of any other zone id", () => {
    expect(timezoneName("America/Argentina/Buenos_Aires", "es")).toBe("Buenos Aires");
    expect(timezoneName("Asia/Ho_Chi_Minh", "en")).toBe("Ho Chi Minh");
    expect(timezoneName("UTC", "es")).toBe("UTC");
  });

  it("gives every button of the zone keyboard a distinct name in each language", () => {
    for (const locale of ["en", "es"] as const) {
      const names = COMMON_TIMEZONES.map((zone) => timezoneName(zone, locale));
      expect(new Set(names).size).toBe(COMMON_TIMEZONES.length);
    }
  });
});
