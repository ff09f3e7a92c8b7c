import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, hasButton, type OperatorDriver, startHarness } from "../support/harness.js";

const OPERATORS = 200;
const ZONES = ["Europe/Madrid", "America/Lima", "Asia/Tokyo", "America/New_York", "Australia/Sydney"];
/** 200 chats share one bot: a reply may wait behind many other updates. */
const REPLY_TIMEOUT_MS = 30_000;

let h: Harness;
const unhandled: unknown[] = [];
const recordUnhandled = (reason: unknown) => void unhandled.push(reason);

beforeAll(async () => {
  process.on("unhandledRejection", recordUnhandled);
  h = await startHarness({
    // No digest is due or caught up while the operators act.
    env: {
      DIGEST_DEFAULT_TIME: `${String((new Date().getUTCHours() + 12) % 24).padStart(2, "0")}:00`,
      DIGEST_CATCH_UP_HOURS: "0",
    },
  });
});
afterAll(async () => {
  process.off("unhandledRejection", recordUnhandled);
  await h?.stop();
});

interface Plan {
  op: OperatorDriver;
  locale: "en" | "es";
  timezone: string;
}

async function act({ op, locale, timezone }: Plan): Promise<void> {
  await op.send("/start", /client id/, REPLY_TIMEOUT_MS);
  await op.send(op.account.clientId, /API token/, REPLY_TIMEOUT_MS);
  await op.send(op.account.token, hasButton("m:channels"), REPLY_TIMEOUT_MS);
  await op.send("/language", hasButton(/^lang:/), REPLY_TIMEOUT_MS);
  const done = locale === "es" ? /Idioma cambiado a español/ : /Language set to English/;
  await op.click(locale === "es" ? "Español" : "English", done, REPLY_TIMEOUT_MS);
  await op.send("/timezone", hasButton(/^tz:/), REPLY_TIMEOUT_MS);
  await op.send(timezone, (m) => m.text.includes(timezone) && !m.text.includes("IANA"), REPLY_TIMEOUT_MS);
  await op.send("/account", (m) => m.text.includes(op.account.clientId), REPLY_TIMEOUT_MS);
}

describe("200 operators at once", () => {
  it("no cross-talk, no lost store write, no unhandled rejection", async () => {
    const plans: Plan[] = Array.from({ length: OPERATORS }, (_, i) => ({
      op: h.operator({ id: 950_000 + i, account: h.premiumpay.addClient({ channels: 1 }) }),
      locale: i % 2 === 0 ? "es" : "en",
      timezone: ZONES[i % ZONES.length]!,
    }));
    await Promise.all(plans.map(act));

    for (const { op } of plans) {
      const texts = op.botMessages().map((message) => message.text);
      const clientIds = new Set(texts.flatMap((text) => text.match(/client-[A-Za-z0-9_-]+/g) ?? []));
      expect([...clientIds]).toEqual([op.account.clientId]);
    }
    // Every settings write survives a restart: none was overwritten by another operator's concurrent write.
    await h.restart();
    for (const { op, locale, timezone } of plans) {
      const stored = await h.app.deps.store.getOperator(op.user.id);
      expect({ clientId: stored?.clientId, locale: stored?.locale, timezone: stored?.timezone }).toEqual({
        clientId: op.account.clientId,
        locale,
        timezone,
      });
      expect(await h.app.deps.store.getCredentials(op.user.id)).toEqual(op.account);
    }
    expect(unhandled).toEqual([]);
    expect(h.logs.filter((line) => /unhandled|"level":(50|60)/i.test(line))).toEqual([]);
  }, 90_000);
});
