import { describe, expect, it } from "vitest";
import type { Locale } from "../../src/config.js";
import { rateLimitMessage } from "../../src/format/rate-limit.js";
import { createI18n, translate } from "../../src/i18n/index.js";
import type { Scalar } from "../../src/premiumpay/types.js";

const i18n = createI18n("en");
const line = (rateLimit: Parameters<typeof rateLimitMessage>[0], locale: Locale, nowMs?: number) => {
  const { key, variables } = rateLimitMessage(rateLimit, locale, nowMs);
  return translate(i18n, locale, key, variables);
};

describe("rateLimitMessage", () => {
  it("says how many requests are left and when the count resets, in English and Spanish", () => {
    const sandbox = { limit: 120, remaining: 109, reset: 18 };
    expect(line(sandbox, "en")).toBe("Rate limit: 109 of 120 requests left; the count resets in 18 s");
    expect(line(sandbox, "es")).toBe(
      "Límite de peticiones: quedan 109 de 120; el recuento se reinicia en 18 s",
    );
  });

  it("formats numbers like the rest of the bot and reads numeric strings", () => {
    expect(line({ limit: "12000", remaining: "10950", reset: "3600" }, "en")).toBe(
      "Rate limit: 10,950 of 12,000 requests left; the count resets in 3,600 s",
    );
  });

  it("turns a reset given as a Unix time into seconds from now", () => {
    const now = Date.UTC(2026, 11, 1, 12, 0, 0);
    expect(line({ limit: 120, remaining: 0, reset: now / 1000 + 42 }, "en", now)).toContain("resets in 42 s");
    expect(line({ limit: 120, remaining: 0, reset: now / 1000 - 5 }, "en", now)).toContain("resets in 0 s");
  });

  it("leaves out the reset when premiumpay does not give one", () => {
    expect(line({ limit: 120, remaining: 109 }, "es")).toBe("Límite de peticiones: quedan 109 de 120");
  });

  it("never shows premiumpay's field names: any other shape reads 'not reported'", () => {
    const shapes: Array<Record<string, Scalar> | null> = [
      null,
      {},
      { limit: 120 },
      { limit: "many", remaining: 3 },
      { limit: 10, remaining: 11 },
    ];
    for (const odd of shapes) {
      expect(line(odd, "en")).toBe("Rate limit: not reported");
      expect(line(odd, "es")).toBe("Límite de peticiones: no informado");
    }
  });
});
