import { lastWeekCaption, lastWeekChart } from "../charts/index.js";
import type { DeliveryPhoto } from "../delivery/queue.js";
import { type Translations, translate } from "../i18n/index.js";
import type { DigestChart } from "./build.js";

/** The "last 7 days" chart under a digest, in the operator's language, with its caption. */
export async function weekChartPhoto(chart: DigestChart, i18n: Translations): Promise<DeliveryPhoto> {
  const { locale, zone, week } = chart;
  const plain = (key: string, variables?: Record<string, string | number>) => i18n.t(locale, key, variables);
  const html = (key: string, variables?: Record<string, string | number>) =>
    translate(i18n, locale, key, variables);
  const image = await lastWeekChart(week, locale, plain);
  return { png: image.png, caption: lastWeekCaption(week, { locale, zone, plain, html }) };
}
