import type { CaptionTexts } from "../../charts/index.js";
import type { FlowContext } from "../context.js";

/** The operator's language and zone for a chart's labels (plain text) and its caption (escaped HTML). */
export function captionTexts(ctx: FlowContext, zone: string): CaptionTexts {
  return {
    locale: ctx.locale,
    zone,
    plain: (key, variables) => ctx.t(key, variables),
    html: (key, variables) => ctx.html(key, variables),
  };
}
