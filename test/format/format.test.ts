import { describe, expect, it } from "vitest";
import { cbEnum, cbInt, defineCallback } from "../../src/bot/callback-data/codec.js";
import { escapeHtml, escapeVariables, trusted } from "../../src/format/html.js";
import { formatChange, formatCount, formatMoney, formatTotals } from "../../src/format/numbers.js";
import { buttonLabel } from "../../src/format/text.js";

describe("formatMoney", () => {
  it("formats known currencies for each locale", () => {
    expect(formatMoney(1234.5, "EUR", "en")).toBe("€1,234.50");
    // Intl separates amount and symbol with a no-break space.
    expect(formatMoney(1234.5, "eur", "es")).toBe("1234,50\u00a0€");
    expect(formatMoney(12345.5, "USD", "es")).toBe("12.345,50\u00a0US$");
  });

  it("falls back to number and code for anything Intl cannot format, and to a bare number without currency", () => {
    expect(formatMoney(3, "tokens", "es")).toBe("3,00 tokens");
    expect(formatMoney(3, null, "en")).toBe("3.00");
  });

  it("gives the same answer when called again (formatters are cached per locale and currency)", () => {
    expect(formatMoney(1, "BRL", "en")).toBe(formatMoney(1, "BRL", "en"));
    expect(formatMoney(1, "BRL", "en")).not.toBe(formatMoney(1, "BRL", "es"));
  });
});

describe("totals, counts and changes", () => {
  it("joins per-currency totals and shows zero when there are none", () => {
    expect(
      formatTotals(
        [
          { currency: "EUR", amount: 10, count: 1 },
          { currency: "", amount: 2.5, count: 1 },
        ],
        "en",
      ),
    ).toBe("€10.00 · 2.50");
    expect(formatTotals([], "en")).toBe("0.00");
    expect(formatCount(12345, "en")).toBe("12,345");
  });

  it("reports change against a previous value, or nothing when there is no base", () => {
    expect(formatChange(12, 10, "en")).toBe("+20%");
    expect(formatChange(10, 10, "en")).toBe("=");
    expect(formatChange(5, 0, "en")).toBeUndefined();
  });
});

describe("HTML escaping", () => {
  it("escapes every string variable but keeps trusted fragments", () => {
    expect(escapeHtml(`<a href="x">&amp;</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&amp;amp;&lt;/a&gt;");
    const escaped = escapeVariables({
      name: "<b>",
      count: 3,
      html: trusted("<i>ok</i>"),
      missing: undefined,
    });
    expect(escaped?.name).toBe("&lt;b&gt;");
    expect(escaped?.count).toBe(3);
    expect(String(escaped?.html)).toBe("<i>ok</i>");
    expect(escaped?.missing).toBe("");
  });
});

describe("button labels", () => {
  it("cuts long labels without splitting an emoji", () => {
    expect(buttonLabel("short")).toBe("short");
    const label = buttonLabel(`${"a".repeat(46)}😀😀😀`);
    expect(Array.from(label)).toHaveLength(48);
    expect(label.endsWith("😀…")).toBe(true);
  });
});

describe("callback data codec", () => {
  const codec = defineCallback("t1", cbEnum(["a", "b"]), cbInt);

  it("round-trips values and matches only its own prefix", () => {
    const data = codec.pack("a", 42);
    expect(data).toBe("t1:a:42");
    expect(codec.unpack(data)).toEqual(["a", 42]);
    expect(codec.pattern.test("t10:a:1")).toBe(false);
  });

  it("refuses forged, stale or malformed payloads", () => {
    for (const forged of [
      "t1:c:1",
      "t1:a:-1",
      "t1:a:1.5",
      "t1:a",
      "t1:a:1:2",
      "t2:a:1",
      "t1:a:",
      undefined,
    ]) {
      expect(codec.unpack(forged)).toBeUndefined();
    }
  });

  it("refuses to build data Telegram would reject", () => {
    const long = defineCallback("t2", cbEnum(["x".repeat(70)]));
    expect(() => long.pack("x".repeat(70))).toThrow(/over 64 bytes/);
    expect(() => codec.pack("a:b", 1)).toThrow(/contains ":"/);
  });
});
