export { AUDIT_CSV_COLUMNS, type AuditNames, auditCsv, auditDetailsText, auditFileName } from "./audit.js";
export {
  CSV_COLUMNS,
  type CsvFile,
  ExportTooLargeError,
  type SaleNames,
  type SalesCsvOptions,
  salesCsv,
  TELEGRAM_DOCUMENT_MAX_BYTES,
  writeSalesCsv,
} from "./csv.js";
export { exportSales, type SalesExport, type SalesExportRequest } from "./export.js";
export { exportFileName, slug } from "./file-name.js";
export {
  DEFAULT_WINDOW_DAYS,
  ExportPeriodError,
  exportWindows,
  MAX_EXPORT_DAYS,
  salesByWindow,
} from "./sales-source.js";
