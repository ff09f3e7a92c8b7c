/** The API page's sample form, `2019-08-24T14:15:22Z`: UTC, whole seconds. */
export const PREMIUMPAY_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/**
 * Formats an instant for premiumpay. Works on the UTC value, so the caller's zone and its DST shifts
 * never leak in. Returns null for an invalid Date so the request schema can refuse it.
 */
export function formatPremiumpayDateTime(date: Date): string | null {
  if (Number.isNaN(date.getTime())) return null;
  const formatted = date.toISOString().replace(/\.\d{3}Z$/, "Z");
  // Years outside 0000–9999 come out as ±YYYYYY, which the API's format cannot carry.
  return PREMIUMPAY_DATE_TIME.test(formatted) ? formatted : null;
}

const NAIVE_DATE_TIME = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)$/;

/**
 * Reads a date-time from a response. premiumpay speaks UTC, so a value without a zone (for example
 * `2024-05-01 10:00:00`) is taken as UTC instead of the server process's local time.
 */
export function parsePremiumpayDate(value: string): Date | null {
  const naive = NAIVE_DATE_TIME.exec(value.trim());
  const ms = Date.parse(naive ? `${naive[1]}T${naive[2]}Z` : value.trim());
  return Number.isNaN(ms) ? null : new Date(ms);
}
