import type { Locale } from "../config.js";
import type { ChartHeading } from "./charts.js";
import { linkPanels } from "./charts.js";
import { type DailyTotals, type LinkRevenue, lastDaysOf } from "./daily.js";
import { currencyName, formatDay, formatDayRange, money, type PlainTranslate, shorten } from "./labels.js";

/** Telegram's limit for a photo's or a document's caption, counted after entity parsing. */
export const MAX_CAPTION_LENGTH = 1024;

/** A translation into Telegram HTML whose string variables are escaped (`translate` from bot/i18n.ts). */
export type HtmlTranslate = (key: string, variables?: Record<string, string | number>) => string;

export interface CaptionTexts {
  locale: Locale;
  /** The operator's time zone, named in the caption so the days are not misread. */
  zone: string;
  html: HtmlTranslate;
  plain: PlainTranslate;
}

/**
 * The head lines always, then as many list lines as fit, then "… and N more". The length of the HTML is never
 * shorter than the text Telegram counts, so staying under the limit with it is safe.
 */
export function fitCaption(head: readonly string[], items: readonly string[], texts: CaptionTexts): string {
  // Names in the head are shortened (CAPTION_NAME_CHARS), so it always fits; the title alone is the last resort.
  let caption = head.join("\n");
  if (caption.length > MAX_CAPTION_LENGTH) caption = head[0] ?? "";
  for (const [i, item] of items.entries()) {
    const left = items.length - i - 1;
    const more = left > 0 ? `\n${texts.html("chart-caption-more", { count: left })}` : "";
    const next = `${caption}\n${item}`;
    if (next.length + more.length <= MAX_CAPTION_LENGTH) {
      caption = next;
      continue;
    }
    const cut = `${caption}\n${texts.html("chart-caption-more", { count: items.length - i })}`;
    return cut.length <= MAX_CAPTION_LENGTH ? cut : caption;
  }
  return caption;
}

/** A channel's or link's name in a caption: long enough to recognise, short enough to leave room for figures. */
const CAPTION_NAME_CHARS = 80;
const captionName = (name: string) => shorten(name, CAPTION_NAME_CHARS);

function periodLine(days: readonly string[], texts: CaptionTexts): string {
  const first = days[0] ?? "";
  const last = days.at(-1) ?? first;
  return texts.html("chart-caption-period", {
    period: first ? formatDayRange(first, last, texts.locale) : "",
    zone: texts.zone,
  });
}

function dailyCaption(title: string, daily: DailyTotals, texts: CaptionTexts): string {
  const { locale, html, plain } = texts;
  const head = [title, periodLine(daily.days, texts)];
  if (daily.currencies.length === 0) return fitCaption([...head, html("chart-caption-no-sales")], [], texts);
  const items = daily.currencies.map((entry) => {
    const best = entry.amounts.reduce((top, amount, i) => (amount > entry.amounts[top]! ? i : top), 0);
    return [
      html("chart-caption-currency", {
        currency: currencyName(entry.currency, plain),
        total: money(entry.total, entry.currency, locale),
        count: entry.count,
      }),
      html("chart-caption-best-day", {
        day: formatDay(daily.days[best]!, locale),
        total: money(entry.amounts[best]!, entry.currency, locale),
      }),
    ].join("\n");
  });
  return fitCaption(head, items, texts);
}

export function salesPerDayCaption(daily: DailyTotals, heading: ChartHeading, texts: CaptionTexts): string {
  return dailyCaption(
    texts.html("chart-caption-sales-title", { name: captionName(heading.name) }),
    daily,
    texts,
  );
}

export function lastWeekCaption(daily: DailyTotals, texts: CaptionTexts): string {
  return dailyCaption(texts.html("chart-caption-week-title"), lastDaysOf(daily, 7), texts);
}

export function revenueByLinkCaption(
  links: readonly LinkRevenue[],
  period: { first: string; last: string },
  heading: ChartHeading,
  texts: CaptionTexts,
): string {
  const { locale, html, plain } = texts;
  const head = [
    html("chart-caption-links-title", { name: captionName(heading.name) }),
    periodLine([period.first, period.last], texts),
  ];
  const panels = linkPanels(links, plain);
  if (panels.length === 0) return fitCaption([...head, html("chart-caption-no-sales")], [], texts);
  const items = panels.flatMap((panel) => [
    html("chart-caption-currency", {
      currency: currencyName(panel.currency, plain),
      total: money(panel.total, panel.currency, locale),
      count: panel.rows.reduce((sum, row) => sum + row.count, 0),
    }),
    ...panel.rows.map((row, i) =>
      html("chart-caption-link", {
        rank: i + 1,
        link: captionName(row.name),
        totals: money(row.amount, panel.currency, locale),
        count: row.count,
      }),
    ),
  ]);
  return fitCaption(head, items, texts);
}
