import type { TrustedHtml } from "./html.js";

/** A translation into Telegram HTML whose string variables are escaped (`translate` from i18n/index.ts). */
export type Translate = (key: string, variables?: Record<string, string | number | TrustedHtml>) => string;

/** A translation into plain text: chart labels and CSV headers are not parsed as HTML, so nothing is escaped. */
export type PlainTranslate = (key: string, variables?: Record<string, string | number>) => string;
