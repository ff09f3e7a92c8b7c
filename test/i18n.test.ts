import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { FluentResource } from "@fluent/bundle";
import { describe, expect, it } from "vitest";
import { LOCALES_DIR, SUPPORTED_LOCALES } from "../src/i18n/index.js";

/** Message ids and their attributes ("commands.start") defined by one locale's files. */
function keysOf(locale: string): Map<string, string> {
  const keys = new Map<string, string>();
  const dir = join(LOCALES_DIR, locale);
  for (const file of readdirSync(dir).filter((name) => name.endsWith(".ftl"))) {
    const resource = new FluentResource(readFileSync(join(dir, file), "utf8"));
    for (const message of resource.body) {
      keys.set(message.id, file);
      for (const attribute of Object.keys(message.attributes)) keys.set(`${message.id}.${attribute}`, file);
    }
  }
  return keys;
}

describe("locales", () => {
  const english = keysOf("en");

  it("defines a reasonable number of messages", () => {
    expect(english.size).toBeGreaterThan(50);
  });

  it.each(SUPPORTED_LOCALES.filter((locale) => locale !== "en"))(
    "%s has exactly the keys English has, in the same files",
    (locale) => {
      const other = keysOf(locale);
      const missing = [...english.keys()].filter((key) => !other.has(key));
      const extra = [...other.keys()].filter((key) => !english.has(key));
      expect({ missing, extra }).toEqual({ missing: [], extra: [] });
      const misplaced = [...english].filter(([key, file]) => other.get(key) !== file).map(([key]) => key);
      expect(misplaced).toEqual([]);
    },
  );

  it.each(SUPPORTED_LOCALES)("%s files parse without errors", (locale) => {
    const dir = join(LOCALES_DIR, locale);
    for (const file of readdirSync(dir).filter((name) => name.endsWith(".ftl"))) {
      const source = readFileSync(join(dir, file), "utf8");
      const junk = new FluentResource(source).body.length;
      // FluentResource drops unparsable entries silently: count message starts to catch them.
      const declared = source.split("\n").filter((line) => /^-?[a-zA-Z][a-zA-Z0-9_-]*\s*=/.test(line)).length;
      expect(junk, `${locale}/${file}`).toBe(declared);
    }
  });
});
