import { FluentType } from "@fluent/bundle";

/** Escapes the three characters Telegram's HTML parse mode treats specially (plus quotes, for attributes). */
export function escapeHtml(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/**
 * A fragment we built ourselves and know to be valid Telegram HTML. Passing it to a translation keeps it as is;
 * every plain string variable is escaped instead (see `escapeVariables`).
 */
export class TrustedHtml extends FluentType<string> {
  override toString(): string {
    return this.value;
  }
}

export function trusted(html: string): TrustedHtml {
  return new TrustedHtml(html);
}

export type TranslationVariables = Record<string, string | number | Date | TrustedHtml | null | undefined>;

/** Strings from premiumpay or from a user never reach an HTML message unescaped: every string variable is escaped here. */
export function escapeVariables(
  variables: TranslationVariables | undefined,
): Record<string, string | number | Date | TrustedHtml> | undefined {
  if (!variables) return undefined;
  const out: Record<string, string | number | Date | TrustedHtml> = {};
  for (const [name, value] of Object.entries(variables)) {
    if (value === null || value === undefined) out[name] = "";
    else if (typeof value === "string") out[name] = escapeHtml(value);
    else out[name] = value;
  }
  return out;
}
