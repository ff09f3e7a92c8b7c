import type { Locale } from "../../config.js";
import type { CurrencyTotal } from "../../reports/sales-summary.js";

const INTL_LOCALE: Record<Locale, string> = { en: "en-US", es: "es-ES" };

/** An amount in its currency for the operator's locale ("€1,234.50" / "1234,50 €"); plain number if unknown. */
export function formatMoney(amount: number, currency: string | null, locale: Locale): string {
  const intlLocale = INTL_LOCALE[locale];
  if (currency && /^[A-Za-z]{3}$/.test(currency)) {
    try {
      return new Intl.NumberFormat(intlLocale, {
        style: "currency",
        currency: currency.toUpperCase(),
      }).format(amount);
    } catch {
      // An ISO-shaped code Intl does not know: fall through to number + code.
    }
  }
  const number = new Intl.NumberFormat(intlLocale, {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  }).format(amount);
  return currency ? `${number} ${currency}` : number;
}

export function formatCount(value: number, locale: Locale): string {
  return new Intl.NumberFormat(INTL_LOCALE[locale]).format(value);
}

/** "€120.00 · $35.50", or the zero amount when there were no sales. Plain text: escape before HTML. */
export function formatTotals(totals: readonly CurrencyTotal[], locale: Locale): string {
  if (totals.length === 0) return formatMoney(0, null, locale);
  return totals.map((total) => formatMoney(total.amount, total.currency || null, locale)).join(" · ");
}

/** "+12 %" / "−5 %" / "=" against a previous value; "new" is left to the caller when previous is 0. */
export function formatChange(current: number, previous: number, locale: Locale): string | undefined {
  if (previous === 0) return undefined;
  const change = (current - previous) / previous;
  if (Math.abs(change) < 0.005) return "=";
  const percent = new Intl.NumberFormat(INTL_LOCALE[locale], {
    style: "percent",
    maximumFractionDigits: 0,
    signDisplay: "always",
  }).format(change);
  return percent;
}
