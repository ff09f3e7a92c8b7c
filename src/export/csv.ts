import { createWriteStream } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { pipeline, Readable, Transform } from "node:stream";
import { pipeline as pipelineAsync } from "node:stream/promises";
import { stringify } from "csv-stringify";
import { z } from "zod";
import type { PlainTranslate } from "../format/translate.js";
import type { Gateway, Sale } from "../premiumpay/index.js";
import { localDate, localTimeWithMilliseconds } from "../time.js";

/** Telegram's limit for a document a bot uploads. */
export const TELEGRAM_DOCUMENT_MAX_BYTES = 50 * 1024 * 1024;

export const CSV_COLUMNS = [
  "local-time",
  "utc-time",
  "amount",
  "currency",
  "channel",
  "link-name",
  "link",
  "country",
  "payment-method",
  "service",
  "gateway",
] as const;
type Column = (typeof CSV_COLUMNS)[number];

export class ExportTooLargeError extends Error {
  override readonly name = "ExportTooLargeError";
  readonly kind = "too_large" as const;
  constructor(
    readonly limitBytes: number,
    readonly rows: number,
  ) {
    super(`the export is larger than ${limitBytes} bytes after ${rows} sales`);
  }
}

/** Names premiumpay gives elsewhere, to put beside the ids a sale carries. */
export interface SaleNames {
  channels: ReadonlyMap<number, string>;
  /** Invitation link URL → the name the operator gave it. */
  links: ReadonlyMap<string, string>;
  gateways: readonly Gateway[];
}

export interface SalesCsvOptions {
  zone: string;
  /** Column names, in the operator's language. */
  t: PlainTranslate;
  names: SaleNames;
  /** The channel every sale belongs to when premiumpay does not say (channel sales). */
  channelId?: number | undefined;
  /** Called after each window of sales with the number of rows so far. */
  onProgress?: (rows: number) => void;
}

/** The ids a sale may carry beside its normalised fields; premiumpay's own names for them, or none. */
const saleIdsSchema = z.looseObject({
  channel_id: z.coerce.number().int().optional().catch(undefined),
  pasarela_id: z.coerce.number().int().optional().catch(undefined),
  gateway_id: z.coerce.number().int().optional().catch(undefined),
  service_id: z.coerce.number().int().optional().catch(undefined),
});

const utcTime = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, "Z");

function rowOf(
  sale: Sale,
  options: SalesCsvOptions,
  gatewayNames: Map<number, string>,
  serviceNames: Map<number, string>,
) {
  const ids = saleIdsSchema.safeParse(sale.raw);
  const raw = ids.success ? ids.data : {};
  const channelId = raw.channel_id ?? options.channelId;
  const gatewayId = raw.pasarela_id ?? raw.gateway_id;
  const { names } = options;
  const row: Record<Column, string | number> = {
    "local-time": sale.date
      ? `${localDate(sale.date, options.zone)} ${localTimeWithMilliseconds(sale.date, options.zone).slice(0, 8)}`
      : "",
    "utc-time": sale.date ? utcTime(sale.date) : "",
    amount: sale.amount,
    currency: sale.currency ?? "",
    channel: channelId === undefined ? "" : (names.channels.get(channelId) ?? String(channelId)),
    "link-name": sale.invitationLink ? (names.links.get(sale.invitationLink) ?? "") : "",
    link: sale.invitationLink ?? "",
    country: sale.country ?? "",
    "payment-method": sale.paymentMethod ?? "",
    service: raw.service_id === undefined ? "" : (serviceNames.get(raw.service_id) ?? String(raw.service_id)),
    gateway: gatewayId === undefined ? "" : (gatewayNames.get(gatewayId) ?? String(gatewayId)),
  };
  return row;
}

/**
 * The sales as CSV (RFC 4180: CRLF, quotes where needed), UTF-8 with a BOM so spreadsheet programs show accents.
 * Rows stream out as the pages come in; a page is asked for only when the reader wants more. A text value that a
 * spreadsheet would run as a formula (=, +, -, @, tab, CR first) is prefixed with a quote; amounts stay numbers.
 */
export function salesCsv(pages: AsyncIterable<readonly Sale[]>, options: SalesCsvOptions): Readable {
  const gatewayNames = new Map(options.names.gateways.map((g) => [g.id, g.name]));
  const serviceNames = new Map(options.names.gateways.flatMap((g) => g.services.map((s) => [s.id, s.name])));
  async function* rows() {
    let count = 0;
    for await (const page of pages) {
      for (const sale of page) yield rowOf(sale, options, gatewayNames, serviceNames);
      count += page.length;
      options.onProgress?.(count);
    }
  }
  const csv = stringify({
    bom: true,
    header: true,
    record_delimiter: "windows",
    escape_formulas: true,
    columns: CSV_COLUMNS.map((key) => ({
      key,
      header: options.t(`export-column-${key}`, { zone: options.zone }),
    })),
    cast: { number: (amount) => amount.toFixed(2) },
  });
  // pipeline, not pipe: a premiumpay failure reaches the reader, and a reader that stops stops the fetching.
  pipeline(Readable.from(rows()), csv, () => {});
  return csv;
}

/** Counts the bytes going through and fails with ExportTooLargeError past the limit. */
function byteLimit(limitBytes: number, rowsSoFar: () => number): Transform {
  let bytes = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      if (bytes > limitBytes) done(new ExportTooLargeError(limitBytes, rowsSoFar()));
      else done(null, chunk);
    },
  });
}

export interface CsvFile {
  path: string;
  bytes: number;
  rows: number;
  /** Removes the file and its folder; safe to call twice. */
  dispose(): Promise<void>;
}

/**
 * Writes the CSV to a file of its own in a fresh temporary folder, so Telegram gets a file of known size and
 * nothing is buffered in memory. A file past `limitBytes` is deleted and ExportTooLargeError thrown.
 */
export async function writeSalesCsv(
  pages: AsyncIterable<readonly Sale[]>,
  options: SalesCsvOptions & { fileName: string; limitBytes?: number },
): Promise<CsvFile> {
  const directory = await mkdtemp(join(tmpdir(), "sales-export-"));
  const dispose = () => rm(directory, { recursive: true, force: true });
  const path = join(directory, basename(options.fileName));
  let rows = 0;
  const counted = {
    ...options,
    onProgress: (count: number) => {
      rows = count;
      options.onProgress?.(count);
    },
  };
  try {
    await pipelineAsync(
      salesCsv(pages, counted),
      byteLimit(options.limitBytes ?? TELEGRAM_DOCUMENT_MAX_BYTES, () => rows),
      createWriteStream(path),
    );
    return { path, bytes: (await stat(path)).size, rows, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}
