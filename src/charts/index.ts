export {
  type CaptionTexts,
  type HtmlTranslate,
  lastWeekCaption,
  MAX_CAPTION_LENGTH,
  revenueByLinkCaption,
  salesPerDayCaption,
} from "./caption.js";
export {
  type ChartHeading,
  lastWeekChart,
  MAX_CURRENCY_PANELS,
  MAX_LINKS_PER_PANEL,
  revenueByLinkChart,
  salesPerDayChart,
} from "./charts.js";
export {
  type CurrencyDays,
  type DailyTotals,
  dailyTotals,
  type LinkRevenue,
  lastDaysOf,
  linkRevenue,
  localDays,
} from "./daily.js";
export type { PlainTranslate } from "./labels.js";
export { CHART_WIDTH, type ChartImage, PALETTE } from "./render.js";
