import type { Locale } from "../config.js";
import type { CurrencyTotal } from "../reports/sales-summary.js";

/** The Intl locale each bot language formats numbers and dates with. */
export const INTL_LOCALE: Record<Locale, string> = { en: "en-US", es: "es-ES" };

/** Building an Intl.NumberFormat costs far more than using one; a digest run formats thousands of amounts. */
const formatters = new Map<string, Intl.NumberFormat | null>();

function formatter(key: string, make: () => Intl.NumberFormat): Intl.NumberFormat | null {
  let cached = formatters.get(key);
  if (cached === undefined) {
    try {
      cached = make();
    } catch {
      // An ISO-shaped currency code Intl does not know.
      cached = null;
    }
    formatters.set(key, cached);
  }
  return cached;
}

/** An amount in its currency for the operator's locale ("€1,234.50" / "1234,50 €"); plain number if unknown. */
export function formatMoney(amount: number, currency: string | null, locale: Locale): string {
  const intlLocale = INTL_LOCALE[locale];
  if (currency && /^[A-Za-z]{3}$/.test(currency)) {
    const code = currency.toUpperCase();
    const money = formatter(
      `${locale}:${code}`,
      () => new Intl.NumberFormat(intlLocale, { style: "currency", currency: code }),
    );
    if (money) return money.format(amount);
  }
  const number = formatter(
    `${locale}:decimal2`,
    () => new Intl.NumberFormat(intlLocale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }),
  )!.format(amount);
  return currency ? `${number} ${currency}` : number;
}

export function formatCount(value: number, locale: Locale): string {
  return formatter(`${locale}:count`, () => new Intl.NumberFormat(INTL_LOCALE[locale]))!.format(value);
}

/**
 * "€120.00 · $35.50". Plain text: escape before HTML. With no sales it is a bare "0.00", an amount without a
 * currency: callers say "no sales" in words instead (totalLine, /sales, /links, the digest).
 */
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

/** A short axis label for an amount ("€1.2K" / "1,2 mil €"); plain compact number if the currency is unknown. */
export function formatMoneyCompact(amount: number, currency: string | null, locale: Locale): string {
  const intlLocale = INTL_LOCALE[locale];
  const code = currency && /^[A-Za-z]{3}$/.test(currency) ? currency.toUpperCase() : null;
  const compact = formatter(`${locale}:${code ?? ""}:compact`, () =>
    code
      ? new Intl.NumberFormat(intlLocale, {
          style: "currency",
          currency: code,
          notation: "compact",
          minimumFractionDigits: 0,
          maximumFractionDigits: 1,
        })
      : new Intl.NumberFormat(intlLocale, { notation: "compact", maximumFractionDigits: 1 }),
  );
  return (compact ?? formatter(`${locale}:count`, () => new Intl.NumberFormat(intlLocale))!).format(amount);
}
