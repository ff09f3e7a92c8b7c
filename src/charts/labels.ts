import type { Locale } from "../config.js";
import { formatMoney, INTL_LOCALE } from "../format/numbers.js";
import type { PlainTranslate } from "../format/translate.js";
import { UNKNOWN_CURRENCY } from "../reports/sales-summary.js";

export type { PlainTranslate };

export type DayStyle = "day" | "weekday";

const OPTIONS: Record<DayStyle | "range", Intl.DateTimeFormatOptions> = {
  day: { day: "numeric", month: "short", timeZone: "UTC" },
  weekday: { weekday: "short", day: "numeric", timeZone: "UTC" },
  range: { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" },
};

const formats = new Map<string, Intl.DateTimeFormat>();

function dateFormat(style: keyof typeof OPTIONS, locale: Locale): Intl.DateTimeFormat {
  const key = `${style}:${locale}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(INTL_LOCALE[locale], OPTIONS[style]);
    formats.set(key, format);
  }
  return format;
}

const utcDay = (date: string) => new Date(`${date}T00:00:00Z`);

/** A local date (YYYY-MM-DD) as an axis label: "Nov 3" / "3 nov", or "Mon 3" / "lun 3". */
export function formatDay(date: string, locale: Locale, style: DayStyle = "day"): string {
  return dateFormat(style, locale).format(utcDay(date));
}

/** "Nov 1 – 30, 2026" / "1–30 nov 2026"; one date when the period is one day. */
export function formatDayRange(first: string, last: string, locale: Locale): string {
  const format = dateFormat("range", locale);
  return first === last ? format.format(utcDay(first)) : format.formatRange(utcDay(first), utcDay(last));
}

/** Keeps long names from pushing the bars off a phone screen. */
export function shorten(name: string, max: number): string {
  const chars = [...name];
  return chars.length <= max ? name : `${chars.slice(0, max - 1).join("")}…`;
}

export const currencyName = (currency: string, t: PlainTranslate) =>
  currency === UNKNOWN_CURRENCY ? t("chart-unknown-currency") : currency;

export const money = (amount: number, currency: string, locale: Locale) =>
  formatMoney(amount, currency === UNKNOWN_CURRENCY ? null : currency, locale);
