import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "../support/harness.js";

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ env: { LOG_LEVEL: "trace" } });
});
afterAll(() => h?.stop());

type Line = Record<string, unknown> & { level: number; msg: string };
const lines = (): Line[] => h.logs.map((line) => JSON.parse(line) as Line);
const WARN = 40;

describe("logs a person can act on", () => {
  it("a login, a premiumpay 401 and a dropped connection leave lines that say what failed, without secrets", async () => {
    const op = h.operator({ account: h.premiumpay.addClient({ channels: 2 }) });
    await op.login();
    h.premiumpay.faults.set("channels", { status: 401 }, { times: 1 });
    await op.send("/channels", /premiumpay|log in/i);
    h.premiumpay.faults.set("channels", { destroySocket: true }, { times: 1 });
    await op.send("/channels", /Your channels/, 15_000);
    h.telegram.faults.failNext("sendMessage", { errorCode: 400, description: "Bad Request: chat not found" });
    await op.send("/help", /Something went wrong/);

    const all = lines();
    const auth = all.find((line) => line.kind === "auth");
    expect(auth).toMatchObject({ level: WARN, endpoint: "channels", status: 401, attempt: 1 });
    expect(typeof auth?.durationMs).toBe("number");
    const dropped = all.find((line) => line.kind === "unavailable");
    expect(dropped).toMatchObject({ level: WARN, endpoint: "channels", status: null, attempt: 1 });
    // Its retry succeeded and says which attempt it was.
    expect(all.some((line) => line.msg === "premiumpay call succeeded" && line.attempt === 2)).toBe(true);

    // Every update is traced by id, every Bot API call by method.
    expect(all.filter((line) => line.msg === "update received").length).toBeGreaterThanOrEqual(6);
    expect(all.some((line) => line.msg === "Telegram API call" && line.method === "sendMessage")).toBe(true);

    // Errors carry their class, not "Object".
    const failed = all.find((line) => line.msg === "update failed");
    expect(failed?.err).toMatchObject({ type: "GrammyError", method: "sendMessage", error_code: 400 });
    for (const line of all.filter((entry) => entry.err !== undefined)) {
      expect((line.err as { type?: string }).type).not.toBe("Object");
    }

    const text = h.logs.join("\n");
    expect(text).not.toContain(op.account.token);
    expect(text).not.toContain(h.telegram.token.split(":")[1]);
  }, 60_000);
});
