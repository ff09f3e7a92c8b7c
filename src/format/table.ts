import { escapeHtml } from "./html.js";

/** Telegram's limit for one message. */
export const MAX_MESSAGE_CHARS = 4096;

export interface TableColumn {
  header: string;
  /** Numbers read best right-aligned. */
  align?: "left" | "right";
}

export interface TableLimits {
  /** The most characters the whole `<pre>` block may take, tags and escapes included. */
  maxChars: number;
  /** Longer cells are cut with an ellipsis. */
  maxCellWidth?: number;
  /** Columns that would make a line wider than this are left out (the first column is always shown). */
  maxLineWidth?: number;
}

export interface TableOptions extends TableLimits {
  /** A totals row under a rule after the body; always shown, its room taken from the body's. */
  footer?: readonly string[];
}

export interface RenderedTable {
  /** A `<pre>` block of our own, safe to pass as trusted HTML: every cell and header is escaped. */
  html: string;
  rowsShown: number;
  rowsOmitted: number;
  /** Headers of the columns that did not fit the line width. */
  columnsOmitted: string[];
}

const DEFAULT_MAX_CELL_WIDTH = 18;
/** About what a phone shows in monospace without wrapping in landscape; wider tables become unreadable. */
const DEFAULT_MAX_LINE_WIDTH = 64;
const GAP = "  ";
const ELLIPSIS = "…";

/** Width in code points, so an emoji or an accented letter counts once rather than as two UTF-16 units. */
function widthOf(text: string): number {
  return Array.from(text).length;
}

function cut(text: string, max: number): string {
  // Line breaks and tabs would break the grid.
  const flat = text.replace(/[\r\n\t]+/g, " ");
  const chars = Array.from(flat);
  return chars.length > max ? `${chars.slice(0, max - 1).join("")}${ELLIPSIS}` : flat;
}

function pad(text: string, width: number, align: "left" | "right"): string {
  const fill = " ".repeat(Math.max(0, width - widthOf(text)));
  return align === "right" ? fill + text : text + fill;
}

/**
 * A compact monospace table in `<pre>`: columns as wide as their widest cell (up to `maxCellWidth`), as many
 * columns as fit `maxLineWidth` and as many rows as fit `maxChars`. What was left out is reported so the caller
 * can say so.
 */
export function renderTable(
  columns: readonly TableColumn[],
  rows: readonly (readonly string[])[],
  limits: TableOptions,
): RenderedTable {
  const maxCell = Math.max(2, limits.maxCellWidth ?? DEFAULT_MAX_CELL_WIDTH);
  const maxLine = limits.maxLineWidth ?? DEFAULT_MAX_LINE_WIDTH;
  const headers = columns.map((column) => cut(column.header, maxCell));
  const cellsOf = (row: readonly string[]) => columns.map((_, index) => cut(row[index] ?? "", maxCell));
  const cells = rows.map(cellsOf);
  const footer = limits.footer ? cellsOf(limits.footer) : undefined;
  const widths = columns.map((_, index) =>
    Math.max(
      widthOf(headers[index]!),
      ...cells.map((row) => widthOf(row[index]!)),
      footer ? widthOf(footer[index]!) : 0,
    ),
  );

  const kept: number[] = [];
  let lineWidth = 0;
  for (const [index, width] of widths.entries()) {
    const added = kept.length === 0 ? width : GAP.length + width;
    if (kept.length > 0 && lineWidth + added > maxLine) break;
    kept.push(index);
    lineWidth += added;
  }
  const columnsOmitted = columns.slice(kept.length).map((column) => column.header);

  const line = (values: readonly string[]) =>
    escapeHtml(
      kept
        .map((index) => pad(values[index]!, widths[index]!, columns[index]!.align ?? "left"))
        .join(GAP)
        .trimEnd(),
    );
  const rule = "─".repeat(lineWidth);
  const head = [line(headers), rule];
  const foot = footer ? [rule, line(footer)] : [];
  const open = "<pre>";
  const close = "</pre>";
  let length =
    open.length + close.length + [...head, ...foot].reduce((sum, text) => sum + text.length + 1, 0);
  const body: string[] = [];
  for (const row of cells) {
    const text = line(row);
    if (length + text.length + 1 > limits.maxChars) break;
    body.push(text);
    length += text.length + 1;
  }
  return {
    html: `${open}${[...head, ...body, ...foot].join("\n")}${close}`,
    rowsShown: body.length,
    rowsOmitted: rows.length - body.length,
    columnsOmitted,
  };
}
