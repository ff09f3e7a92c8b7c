import { InputFile } from "grammy";
import {
  type CaptionTexts,
  type DailyTotals,
  salesPerDayCaption,
  salesPerDayChart,
} from "../../charts/index.js";
import type { BotContext, FlowContext } from "../context.js";

/** The operator's language and zone for a chart's labels (plain text) and its caption (escaped HTML). */
export function captionTexts(ctx: FlowContext, zone: string): CaptionTexts {
  return {
    locale: ctx.locale,
    zone,
    plain: (key, variables) => ctx.t(key, variables),
    html: (key, variables) => ctx.html(key, variables),
  };
}

/**
 * A period's sales per day as a PNG photo with its caption; call it from `conversation.external` (`outside`). A
 * chart that fails to render or send is logged and left out: the figures beside it are shown all the same.
 */
export async function sendSalesPerDayChart(
  outside: BotContext,
  ctx: FlowContext,
  chart: { chatId: number; heading: string; zone: string; daily: DailyTotals; fileName: string },
): Promise<void> {
  const texts = captionTexts(ctx, chart.zone);
  try {
    const image = await salesPerDayChart(chart.daily, { name: chart.heading }, texts.locale, texts.plain);
    await outside.api.sendPhoto(chart.chatId, new InputFile(image.png, chart.fileName), {
      caption: salesPerDayCaption(chart.daily, { name: chart.heading }, texts),
      parse_mode: "HTML",
    });
  } catch (error) {
    ctx.deps.logger.warn({ err: error, chart: chart.fileName }, "a sales-per-day chart was not sent");
  }
}
