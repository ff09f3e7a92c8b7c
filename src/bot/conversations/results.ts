import { INTL_LOCALE } from "../../format/numbers.js";
import { MAX_MESSAGE_CHARS, renderTable, type TableColumn } from "../../format/table.js";
import type { ChannelResult, Scalar } from "../../premiumpay/index.js";
import type { FlowContext } from "../context.js";
import { withPremiumpay } from "../operator.js";
import {
  forEachPickedChannel,
  operatorZone,
  periodLine,
  periodReport,
  type Screen,
} from "../screens/index.js";

export const RESULTS = "results";

/** Room kept for the title, the period line and the "rows not shown" note around the table. */
const TEXT_AROUND_TABLE = 600;

const isEmpty = (value: Scalar | undefined) => value === null || value === undefined || value === "";

/** The fields premiumpay documents for a results row; each has a `results-field-<key>` label. */
const KNOWN_FIELDS = new Set([
  "date",
  "channel_id",
  "invitation_link",
  "joins",
  "leaves",
  "sales",
  "amount",
  "currency",
]);
/** Known measures that add up over days; an unknown field adds up when every value is a whole number. */
const ADDITIVE_FIELDS = new Set(["joins", "leaves", "sales", "amount"]);

/** A field's column name in the operator's language; one premiumpay adds later reads as words ("paid_out" → "Paid out"). */
function fieldLabel(ctx: FlowContext, key: string): string {
  if (KNOWN_FIELDS.has(key)) return ctx.t(`results-field-${key}`);
  const words = key.replace(/[_-]+/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** An id (`channel_id`, `id`) or a label (a currency): said once when every row has the same. */
const isIdentifying = (key: string, value: Scalar | undefined) =>
  typeof value === "string" || /(^|_)id$/i.test(key);

const isMeasure = (rows: readonly ChannelResult[], key: string) =>
  !/(^|_)id$/i.test(key) && rows.every((row) => isEmpty(row[key]) || typeof row[key] === "number");

/** Ids read as sent (no grouping); measures as every other number of the bot, rounded to cents. */
function cellText(ctx: FlowContext, value: Scalar | undefined, measure: boolean): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "boolean") return ctx.t(value ? "table-yes" : "table-no");
  if (typeof value === "number") {
    return new Intl.NumberFormat(INTL_LOCALE[ctx.locale], {
      useGrouping: measure ? undefined : false,
      maximumFractionDigits: 2,
    }).format(value);
  }
  return value;
}

/**
 * premiumpay decides the fields of a results row, so the columns are the union of the rows' keys in the order they
 * first appear. Columns empty in every row are left out, and ids and labels with one value in every row (the
 * channel id, the currency) are said once above the table instead of on each line, to keep it narrow. Measures
 * stay in the table even when they happen to be equal, so the table keeps its shape from one period to the next.
 */
function resultColumns(rows: readonly ChannelResult[]): { varying: string[]; common: string[] } {
  const keys = [...new Set(rows.flatMap((row) => Object.keys(row)))].filter((key) =>
    rows.some((row) => !isEmpty(row[key])),
  );
  if (rows.length < 2) return { varying: keys, common: [] };
  const first = rows[0]!;
  const isCommon = (key: string) =>
    isIdentifying(key, first[key]) && rows.every((row) => row[key] === first[key]);
  const varying = keys.filter((key) => !isCommon(key));
  // Identical rows would leave no column at all: show them as they are.
  return varying.length === 0 ? { varying: keys, common: [] } : { varying, common: keys.filter(isCommon) };
}

/** The one currency every row's amount is in; undefined when rows differ or none says. */
function singleCurrency(rows: readonly ChannelResult[]): string | undefined {
  const currencies = new Set(rows.map((row) => row.currency).filter((currency) => !isEmpty(currency)));
  const [only] = currencies;
  return currencies.size === 1 && typeof only === "string" ? only : undefined;
}

/**
 * "Total" under the first column that is not a measure, and the sum of every column that adds up. Amounts add up
 * only in one stated currency: never across currencies, and never a bare "0" without one.
 */
function totalsRow(
  ctx: FlowContext,
  rows: readonly ChannelResult[],
  keys: readonly string[],
): string[] | undefined {
  if (rows.length < 2) return undefined;
  const amountsAddUp = singleCurrency(rows) !== undefined;
  const sums = keys.map((key) => {
    if (!isMeasure(rows, key) || (key === "amount" && !amountsAddUp)) return undefined;
    const values = rows.map((row) => (typeof row[key] === "number" ? row[key] : 0));
    if (!ADDITIVE_FIELDS.has(key) && !values.every(Number.isInteger)) return undefined;
    // Cents as integers, so that 0.1 + 0.2 adds up to 0.3.
    return values.reduce((sum, value) => sum + Math.round(value * 100), 0) / 100;
  });
  if (sums.every((sum) => sum === undefined)) return undefined;
  // Not under Amount: a blank there means "no single currency", not a label's place.
  const labelAt = sums.findIndex((sum, index) => sum === undefined && keys[index] !== "amount");
  return sums.map((sum, index) =>
    index === labelAt ? ctx.t("report-total") : sum === undefined ? "" : cellText(ctx, sum, true),
  );
}

function renderResults(
  ctx: FlowContext,
  channelName: string,
  periodHtml: string,
  rows: readonly ChannelResult[],
): string {
  const header = [ctx.html("results-title", { channel: channelName }), periodHtml, ""];
  if (rows.length === 0) return [...header, ctx.html("results-none")].join("\n");
  const { varying: keys, common } = resultColumns(rows);
  if (common.length > 0) {
    const fields = common
      .map((key) => `${fieldLabel(ctx, key)}: ${cellText(ctx, rows[0]![key], false)}`)
      .join(" · ");
    header.push(ctx.html("results-common", { fields }));
  }
  const measures = new Set(keys.filter((key) => isMeasure(rows, key)));
  const columns: TableColumn[] = keys.map((key) => ({
    header: fieldLabel(ctx, key),
    align: measures.has(key) || rows.every((row) => isEmpty(row[key])) ? "right" : "left",
  }));
  const cells = rows.map((row) => keys.map((key) => cellText(ctx, row[key], measures.has(key))));
  const budget = MAX_MESSAGE_CHARS - header.join("\n").length - TEXT_AROUND_TABLE;
  const table = renderTable(columns, cells, { maxChars: budget, footer: totalsRow(ctx, rows, keys) });
  const lines = [...header, table.html];
  if (table.rowsOmitted > 0) lines.push(ctx.html("table-rows-omitted", { count: table.rowsOmitted }));
  if (table.columnsOmitted.length > 0) {
    lines.push(ctx.html("table-columns-omitted", { columns: table.columnsOmitted.join(", ") }));
  }
  return lines.join("\n");
}

/** /results: a channel and a period, then premiumpay's channel results as a table. */
export async function resultsFlow(screen: Screen): Promise<void> {
  const { deps } = screen.ctx;
  const userId = screen.ctx.from!.id;
  const zone = await operatorZone(screen);
  await forEachPickedChannel(screen, screen.ctx.html("results-purpose"), (channel) =>
    periodReport(screen, zone, screen.ctx.html("results-title", { channel: channel.name }), {
      retryStep: RESULTS,
      fetch: (period) =>
        withPremiumpay(deps, userId, (client) =>
          client.channelResults({ channelId: channel.id, from: period.from, to: period.to }),
        ),
      render: (screenCtx, rows, kind, period) =>
        renderResults(screenCtx, channel.name, periodLine(screenCtx, kind, period, zone), rows),
      otherKey: "sales-another-channel",
    }),
  );
}
