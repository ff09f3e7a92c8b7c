import { stringify } from "csv-stringify/sync";
import type { PlainTranslate } from "../format/translate.js";
import type { AuditEntry } from "../store/index.js";
import { localDate, localTime } from "../time.js";

export const AUDIT_CSV_COLUMNS = [
  "local-time",
  "utc-time",
  "actor",
  "actor-name",
  "action",
  "details",
] as const;

/** Names of the users an audit log mentions, by Telegram id: a user absent from it is shown by id alone. */
export type AuditNames = Readonly<Record<string, string>>;

/** `channelName=VIP; linkName=Promo`: the entry's details in their stored order, for a spreadsheet to filter on. */
export function auditDetailsText(details: AuditEntry["details"]): string {
  return Object.entries(details)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join("; ");
}

/**
 * An account's audit log as CSV, newest first, each actor by id and by name where known, like the sales export (UTF-8 BOM, CRLF, formulas neutralised).
 * Built in memory: the retention bounds a log to AUDIT_MAX_PER_ACCOUNT short rows.
 */
export function auditCsv(
  entries: readonly AuditEntry[],
  options: { zone: string; t: PlainTranslate; names: AuditNames },
): Buffer {
  const rows = entries.map((entry) => {
    const at = new Date(entry.at);
    return [
      `${localDate(at, options.zone)} ${localTime(at, options.zone)}`,
      entry.at,
      String(entry.actor),
      options.names[entry.actor] ?? "",
      entry.action,
      auditDetailsText(entry.details),
    ];
  });
  const header = AUDIT_CSV_COLUMNS.map((column) =>
    options.t(`audit-column-${column}`, { zone: options.zone }),
  );
  return Buffer.from(
    stringify([header, ...rows], { bom: true, record_delimiter: "windows", escape_formulas: true }),
    "utf8",
  );
}

export const auditFileName = (firstDay: string) => `audit-${firstDay}.csv`;
