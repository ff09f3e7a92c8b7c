import type { CaptionTexts, PlainTranslate } from "../../src/charts/index.js";
import type { Locale } from "../../src/config.js";
import { createI18n, translate } from "../../src/i18n/index.js";
import type { Sale } from "../../src/premiumpay/index.js";

const i18n = createI18n("en");

export const plainText =
  (locale: Locale): PlainTranslate =>
  (key, variables) =>
    i18n.t(locale, key, variables);

export const captionTexts = (locale: Locale, zone = "Europe/Madrid"): CaptionTexts => ({
  locale,
  zone,
  plain: plainText(locale),
  html: (key, variables) => translate(i18n, locale, key, variables),
});

export function sale(
  date: string,
  amount: number,
  currency: string | null,
  invitationLink: string | null = null,
): Sale {
  return {
    amount,
    currency,
    date: new Date(date),
    country: "ES",
    paymentMethod: "card",
    invitationLink,
    raw: {},
  };
}

/** The width and height in a PNG's IHDR chunk. */
export function pngSize(png: Buffer): { width: number; height: number } {
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
