import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { FluentResource } from "@fluent/bundle";
import type { Locale } from "../../src/config.js";
import { LOCALES_DIR } from "../../src/i18n/index.js";

/**
 * What a locale's texts are made of, to check a chat shown in one language: its message ids (a raw id on screen
 * is a missing translation) and the literal words between its placeables (another language's words on screen are
 * a text that was not translated).
 */
export interface LocaleText {
  /** Message ids and attributes ("menu-title", "commands.start"). */
  keys: Set<string>;
  /** Every literal fragment of every pattern and select variant, HTML tags removed, one line each. */
  fragments: string[];
}

// @fluent/bundle's resource AST: a pattern is a string or a list of strings and expressions.
type Pattern = string | readonly unknown[];
interface SelectExpression {
  type: "select";
  variants: readonly { value: Pattern }[];
}

const isSelect = (element: unknown): element is SelectExpression =>
  typeof element === "object" && element !== null && (element as { type?: unknown }).type === "select";

function literalsOf(pattern: Pattern | null, into: string[]): void {
  if (pattern === null) return;
  if (typeof pattern === "string") {
    into.push(pattern);
    return;
  }
  for (const element of pattern) {
    if (typeof element === "string") into.push(element);
    else if (isSelect(element)) for (const variant of element.variants) literalsOf(variant.value, into);
  }
}

export function localeText(locale: Locale): LocaleText {
  const keys = new Set<string>();
  const literals: string[] = [];
  const dir = join(LOCALES_DIR, locale);
  for (const file of readdirSync(dir).filter((name) => name.endsWith(".ftl"))) {
    for (const message of new FluentResource(readFileSync(join(dir, file), "utf8")).body) {
      keys.add(message.id);
      literalsOf(message.value as Pattern | null, literals);
      for (const [name, value] of Object.entries(message.attributes)) {
        keys.add(`${message.id}.${name}`);
        literalsOf(value as Pattern, literals);
      }
    }
  }
  const fragments = literals
    .flatMap((literal) => literal.replace(/<[^>]*>/g, "\n").split("\n"))
    .map((fragment) => fragment.trim())
    .filter((fragment) => fragment !== "");
  return { keys, fragments };
}

/**
 * English fragments that no Spanish text contains, with at least four letters ("Amount", "Which period?"), so that
 * what the two languages share ("premiumpay", "Total", "/digest") never counts as English.
 */
export function englishOnlyPhrases(): string[] {
  const spanish = localeText("es").fragments.join("\n");
  const phrases = localeText("en").fragments.filter(
    (fragment) => (fragment.match(/\p{L}/gu) ?? []).length >= 4 && !spanish.includes(fragment),
  );
  return [...new Set(phrases)];
}

/** The English fragments `text` shows as whole words (so "Method" is not found inside "Methods"). */
export function englishIn(text: string): string[] {
  return englishOnlyPhrases().filter((phrase) => {
    const escaped = phrase.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    return new RegExp(`(?<!\\p{L})${escaped}(?!\\p{L})`, "u").test(text);
  });
}

/** What a chat text must not show in any language: raw message ids, unresolved placeables, HTML as text. */
export function untranslatedOrRawHtml(text: string, keys: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  for (const word of text.match(/[a-z][a-z0-9_]*(?:[-.][a-z0-9_]+)+/g) ?? []) {
    if (keys.has(word)) problems.push(`raw key ${word}`);
  }
  for (const placeable of text.match(/\{\s*\$?[\w-]+\s*\}|\{\?\?\?\}/g) ?? []) {
    problems.push(`unresolved ${placeable}`);
  }
  for (const markup of text.match(/<\/?[a-z][^>]*>|&(?:lt|gt|amp|quot|#\d+);/gi) ?? []) {
    problems.push(`HTML shown as text ${markup}`);
  }
  return problems;
}
