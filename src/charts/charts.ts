import type { Locale } from "../config.js";
import { formatMoneyCompact } from "../format/numbers.js";
import { UNKNOWN_CURRENCY } from "../reports/sales-summary.js";
import { type DailyTotals, type LinkRevenue, lastDaysOf } from "./daily.js";
import {
  currencyName,
  type DayStyle,
  formatDay,
  formatDayRange,
  money,
  type PlainTranslate,
  shorten,
} from "./labels.js";
import { type ChartImage, GRID_LINE, INK, MUTED, PALETTE, renderChart } from "./render.js";

/** More currencies than this are left to the caption: the picture must stay readable on a phone. */
export const MAX_CURRENCY_PANELS = 4;
/** Links per currency in the revenue chart; the caption names the rest. */
export const MAX_LINKS_PER_PANEL = 8;
const LINK_NAME_CHARS = 22;

const HEADER_HEIGHT = 150;
const FOOTER_HEIGHT = 24;
const SIDE = 40;
const PANEL_TITLE_HEIGHT = 56;
/** Below the bottom panel of a daily chart: its day labels. */
const DAY_LABELS_HEIGHT = 40;
const PANEL_GAP = 16;
const SIZE = { title: 40, subtitle: 28, panel: 30, axis: 26, value: 24 } as const;

export interface ChartHeading {
  /** Channel name, or the translated "All channels"; drawn as plain text. */
  name: string;
}

function header(title: string, subtitle: string) {
  return [
    {
      text: title,
      left: SIDE,
      top: 28,
      textStyle: { fontSize: SIZE.title, fontWeight: "bold", color: INK, width: 1000, overflow: "truncate" },
    },
    {
      text: subtitle,
      left: SIDE,
      top: 88,
      textStyle: { fontSize: SIZE.subtitle, fontWeight: "normal", color: MUTED },
    },
  ];
}

function panelTitle(text: string, top: number) {
  return {
    text,
    left: SIDE,
    top,
    textStyle: { fontSize: SIZE.panel, fontWeight: "bold", color: INK, width: 1000, overflow: "truncate" },
  };
}

/** A centred "no sales" note where the bars would be. */
function emptyNote(text: string, top: number, height: number) {
  return {
    type: "text",
    left: "center",
    top: top + height / 2 - SIZE.panel,
    style: { text, fontSize: SIZE.panel, fill: MUTED },
  };
}

interface DailyLayout {
  title: string;
  panelHeight: number;
  dayStyle: DayStyle;
}

function dailyChart(
  daily: DailyTotals,
  layout: DailyLayout,
  locale: Locale,
  t: PlainTranslate,
): Promise<ChartImage> {
  const first = daily.days[0] ?? "";
  const last = daily.days.at(-1) ?? first;
  const subtitle = first ? formatDayRange(first, last, locale) : "";
  const panels = daily.currencies.slice(0, MAX_CURRENCY_PANELS);
  const categories = daily.days.map((day) => formatDay(day, locale, layout.dayStyle));
  // Value labels fit above the bars of a week, not of a month.
  const labelled = daily.days.length <= 7;
  const height =
    HEADER_HEIGHT + Math.max(panels.length, 1) * layout.panelHeight + DAY_LABELS_HEIGHT + FOOTER_HEIGHT;
  const top = (i: number) => HEADER_HEIGHT + i * layout.panelHeight;
  const grid = (i: number) => ({
    left: SIDE,
    right: SIDE,
    top: top(i) + PANEL_TITLE_HEIGHT + (labelled ? 36 : 12),
    height: layout.panelHeight - PANEL_TITLE_HEIGHT - (labelled ? 36 : 12) - PANEL_GAP,
    outerBoundsMode: "same",
    outerBoundsContain: "axisLabel",
  });
  // The panels share their days, so only the bottom one writes them: less to read, and text is most of the
  // render time (each label is shaped and outlined by resvg).
  const lastPanel = Math.max(panels.length, 1) - 1;
  const xAxis = (i: number) => ({
    type: "category",
    gridIndex: i,
    data: categories,
    axisTick: { show: false },
    axisLine: { lineStyle: { color: MUTED } },
    axisLabel: { show: i === lastPanel, fontSize: SIZE.axis, color: INK, hideOverlap: true },
  });

  if (panels.length === 0) {
    return renderChart(
      {
        title: [...header(layout.title, subtitle), panelTitle(t("chart-no-sales"), top(0))],
        grid: [grid(0)],
        xAxis: [xAxis(0)],
        yAxis: [{ type: "value", gridIndex: 0, show: false, min: 0, max: 1 }],
        series: [],
        graphic: [emptyNote(t("chart-no-sales"), grid(0).top, grid(0).height)],
      },
      height,
    );
  }
  return renderChart(
    {
      title: [
        ...header(layout.title, subtitle),
        ...panels.map((panel, i) =>
          panelTitle(
            t("chart-panel", {
              currency: currencyName(panel.currency, t),
              total: money(panel.total, panel.currency, locale),
              count: panel.count,
            }),
            top(i),
          ),
        ),
      ],
      grid: panels.map((_, i) => grid(i)),
      xAxis: panels.map((_, i) => xAxis(i)),
      yAxis: panels.map((panel, i) => ({
        type: "value",
        gridIndex: i,
        minInterval: 1,
        splitNumber: 3,
        splitLine: { lineStyle: { color: GRID_LINE } },
        axisLabel: {
          fontSize: SIZE.axis,
          color: MUTED,
          formatter: (value: number) =>
            formatMoneyCompact(value, panel.currency === UNKNOWN_CURRENCY ? null : panel.currency, locale),
        },
      })),
      series: panels.map((panel, i) => ({
        type: "bar",
        name: currencyName(panel.currency, t),
        xAxisIndex: i,
        yAxisIndex: i,
        data: panel.amounts,
        barMaxWidth: 96,
        itemStyle: { color: PALETTE[i % PALETTE.length] },
        label: {
          show: labelled,
          position: "top",
          fontSize: SIZE.value,
          color: INK,
          formatter: ({ value }: { value: number }) =>
            value > 0 ? money(value, panel.currency, locale) : "",
        },
      })),
    },
    height,
  );
}

/** Revenue per local day of a period, one panel per currency (amounts of different currencies never share an axis). */
export function salesPerDayChart(
  daily: DailyTotals,
  heading: ChartHeading,
  locale: Locale,
  t: PlainTranslate,
): Promise<ChartImage> {
  return dailyChart(
    daily,
    { title: t("chart-sales-per-day-title", { name: heading.name }), panelHeight: 400, dayStyle: "day" },
    locale,
    t,
  );
}

/** The compact chart under the daily digest: the last seven local days, labelled by weekday. */
export function lastWeekChart(daily: DailyTotals, locale: Locale, t: PlainTranslate): Promise<ChartImage> {
  return dailyChart(
    lastDaysOf(daily, 7),
    { title: t("chart-week-title"), panelHeight: 300, dayStyle: "weekday" },
    locale,
    t,
  );
}

interface LinkPanel {
  currency: string;
  total: number;
  /** Largest first. */
  rows: { name: string; amount: number; count: number }[];
}

/** Per currency, the links that earned in it, ranked by what they earned. */
export function linkPanels(links: readonly LinkRevenue[], t: PlainTranslate): LinkPanel[] {
  const panels = new Map<string, LinkPanel>();
  for (const link of links) {
    for (const total of link.totals) {
      const panel = panels.get(total.currency) ?? { currency: total.currency, total: 0, rows: [] };
      panel.total = Math.round(panel.total * 100 + total.amount * 100) / 100;
      panel.rows.push({ name: link.name ?? t("chart-direct"), amount: total.amount, count: total.count });
      panels.set(total.currency, panel);
    }
  }
  const sorted = [...panels.values()].sort(
    (a, b) => b.total - a.total || a.currency.localeCompare(b.currency),
  );
  for (const panel of sorted) panel.rows.sort((a, b) => b.amount - a.amount || a.name.localeCompare(b.name));
  return sorted;
}

const LINK_ROW_HEIGHT = 56;

/** Revenue by invitation link for a period, one horizontal-bar panel per currency, best link on top. */
export function revenueByLinkChart(
  links: readonly LinkRevenue[],
  period: { first: string; last: string },
  heading: ChartHeading,
  locale: Locale,
  t: PlainTranslate,
): Promise<ChartImage> {
  const title = t("chart-revenue-by-link-title", { name: heading.name });
  const subtitle = formatDayRange(period.first, period.last, locale);
  const panels = linkPanels(links, t).slice(0, MAX_CURRENCY_PANELS);
  const heights = panels.map(
    (panel) => PANEL_TITLE_HEIGHT + Math.min(panel.rows.length, MAX_LINKS_PER_PANEL) * LINK_ROW_HEIGHT + 40,
  );
  const tops = heights.map((_, i) => HEADER_HEIGHT + heights.slice(0, i).reduce((sum, h) => sum + h, 0));
  const height =
    HEADER_HEIGHT +
    Math.max(
      heights.reduce((sum, h) => sum + h, 0),
      200,
    ) +
    FOOTER_HEIGHT;
  const names = panels.map((panel) =>
    panel.rows.slice(0, MAX_LINKS_PER_PANEL).map((row) => shorten(row.name, LINK_NAME_CHARS)),
  );
  const longestName = Math.max(0, ...names.flat().map((name) => [...name].length));
  if (panels.length === 0) {
    return renderChart(
      {
        title: header(title, subtitle),
        graphic: [emptyNote(t("chart-no-sales"), HEADER_HEIGHT, 200)],
      },
      height,
    );
  }
  return renderChart(
    {
      title: [
        ...header(title, subtitle),
        ...panels.map((panel, i) =>
          panelTitle(
            t("chart-panel", {
              currency: currencyName(panel.currency, t),
              total: money(panel.total, panel.currency, locale),
              count: panel.rows.reduce((sum, row) => sum + row.count, 0),
            }),
            tops[i]!,
          ),
        ),
      ],
      grid: panels.map((_, i) => ({
        // ECharts cannot measure text without a canvas, so the names' room is estimated from their length.
        left: SIDE + Math.ceil(longestName * SIZE.axis * 0.62) + 16,
        // Room for the amount written after the longest bar.
        right: 220,
        top: tops[i]! + PANEL_TITLE_HEIGHT,
        height: heights[i]! - PANEL_TITLE_HEIGHT - 40,
        outerBoundsMode: "none",
      })),
      // The category axis draws its first entry at the bottom: reversed, the best link is on top.
      yAxis: panels.map((_, i) => ({
        type: "category",
        gridIndex: i,
        inverse: true,
        data: names[i],
        axisTick: { show: false },
        axisLine: { lineStyle: { color: MUTED } },
        axisLabel: { fontSize: SIZE.axis, color: INK },
      })),
      xAxis: panels.map((_, i) => ({ type: "value", gridIndex: i, show: false })),
      series: panels.map((panel, i) => ({
        type: "bar",
        xAxisIndex: i,
        yAxisIndex: i,
        data: panel.rows.slice(0, MAX_LINKS_PER_PANEL).map((row) => row.amount),
        barMaxWidth: 44,
        itemStyle: { color: PALETTE[i % PALETTE.length] },
        label: {
          show: true,
          position: "right",
          fontSize: SIZE.value,
          color: INK,
          formatter: ({ value }: { value: number }) => money(value, panel.currency, locale),
        },
      })),
    },
    height,
  );
}
