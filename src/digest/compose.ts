import type { Locale } from "../config.js";
import { trusted } from "../format/html.js";
import { formatChange, formatCount, formatTotals, INTL_LOCALE } from "../format/numbers.js";
import type { Translate } from "../format/translate.js";
import type { AggregateEntry, ChannelDigest, DayFigures, DigestData } from "./fetch.js";

/** Telegram refuses longer messages. Counting the HTML (never shorter than the text it shows) keeps us below. */
export const MAX_MESSAGE_LENGTH = 4096;

const dateFormats = new Map<Locale, Intl.DateTimeFormat>();

function formatReportDate(date: string, locale: Locale): string {
  let format = dateFormats.get(locale);
  if (!format) {
    format = new Intl.DateTimeFormat(INTL_LOCALE[locale], {
      weekday: "long",
      day: "numeric",
      month: "long",
      timeZone: "UTC",
    });
    dateFormats.set(locale, format);
  }
  return format.format(new Date(`${date}T00:00:00Z`));
}

function change(current: DayFigures, previous: DayFigures, locale: Locale, t: Translate): string {
  const formatted = formatChange(current.count, previous.count, locale);
  if (formatted !== undefined) return formatted;
  return current.count === 0 ? t("digest-change-none") : t("digest-change-new");
}

function channelSection(channel: ChannelDigest, locale: Locale, t: Translate): string {
  const lines = [t("digest-channel-name", { name: channel.name })];
  if (!channel.ok) {
    lines.push(t("digest-channel-failed"));
    return lines.join("\n");
  }
  const { yesterday } = channel;
  lines.push(
    t("digest-channel-sales", { count: yesterday.count, totals: formatTotals(yesterday.totals, locale) }),
    `${t("digest-change-day", { change: change(yesterday, channel.dayBefore, locale, t) })} · ${t(
      "digest-change-week",
      {
        change: change(yesterday, channel.weekBefore, locale, t),
      },
    )}`,
  );
  if (channel.bestLink)
    lines.push(t("digest-best-link", { link: channel.bestLink.name, count: channel.bestLink.count }));
  return lines.join("\n");
}

/** A breakdown of the whole account, whatever channels the digest covers: its label says so, and never stands empty. */
function aggregateLine(key: string, entries: AggregateEntry[] | null, locale: Locale, t: Translate): string {
  if (entries === null) return t(key, { list: trusted(t("digest-aggregate-failed")) });
  const items = entries.map((entry) =>
    t("digest-aggregate-item", {
      key: entry.key,
      count: formatCount(entry.count, locale),
      totals: formatTotals(entry.totals, locale),
    }),
  );
  return t(key, { list: trusted(items.length > 0 ? items.join(" · ") : t("digest-aggregate-empty")) });
}

/**
 * The digest as one or more Telegram messages: a title, a section per channel, then the account's countries and
 * payment methods. Messages break only between sections, each later one titled as a continuation.
 */
export function composeDigest(data: DigestData, locale: Locale, t: Translate): string[] {
  const date = formatReportDate(data.reportDate, locale);
  const sections = data.channels.map((channel) => channelSection(channel, locale, t));
  if (data.chosenChannelsGone) sections.push(t("digest-no-channels"));
  sections.push(
    `${aggregateLine("digest-countries", data.countries, locale, t)}\n${aggregateLine("digest-methods", data.paymentMethods, locale, t)}`,
    t("digest-footer"),
  );
  return packSections(t("digest-title", { date }), t("digest-title-continued", { date }), sections);
}

const SEPARATOR = "\n\n";

export function packSections(title: string, continuedTitle: string, sections: readonly string[]): string[] {
  const messages: string[] = [];
  let current = title;
  for (const section of sections) {
    if (current.length + SEPARATOR.length + section.length <= MAX_MESSAGE_LENGTH) {
      current += SEPARATOR + section;
      continue;
    }
    messages.push(current);
    current = continuedTitle + SEPARATOR + section;
  }
  messages.push(current);
  return messages;
}
