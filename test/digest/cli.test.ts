import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PremiumpaySandbox, startPremiumpaySandbox } from "../../src/sandbox/premiumpay/index.js";
import { type BotApiEmulator, startBotApiEmulator } from "../../src/sandbox/telegram/index.js";
import { createStore } from "../../src/store/index.js";
import { localDate } from "../../src/time.js";
import { childEnv } from "../support/child-bot.js";

let telegram: BotApiEmulator;
let premiumpay: PremiumpaySandbox;
let dataDir: string;
const credentialsKey = randomBytes(32).toString("hex");
const OPERATOR = 880_001;

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/digest/cli.ts", ...args], {
      env: { PATH: process.env.PATH, ...childEnv({ telegram, premiumpay, dataDir, credentialsKey }) },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  telegram = await startBotApiEmulator();
  premiumpay = await startPremiumpaySandbox({ seed: 3 });
  dataDir = await mkdtemp(join(tmpdir(), "ppbot-digest-cli-"));
  const store = await createStore({ dataDir, credentialsKey: Buffer.from(credentialsKey, "hex") });
  await store.saveCredentials(OPERATOR, premiumpay.demoClient, {
    timezone: "Europe/Madrid",
    digestTime: "09:00",
  });
  await store.close();
  telegram.addUser({ id: OPERATOR, first_name: "Dora", language_code: "en" });
});
afterAll(async () => {
  await telegram?.close();
  await premiumpay?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("npm run digest -- --now", () => {
  it("sends the operator's digest at once through the scheduler's code and marks the day sent", async () => {
    const result = await runCli(["--now", "--user", String(OPERATOR)]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ sent: 1, failed: 0 });
    const digest = telegram.chat(OPERATOR).botMessages();
    expect(digest.length).toBeGreaterThanOrEqual(1);
    expect(digest[0]?.text).toContain("🗞");
    const store = await createStore({ dataDir, credentialsKey: Buffer.from(credentialsKey, "hex") });
    expect((await store.getOperator(OPERATOR))?.digest.lastSentLocalDate).toBe(
      localDate(new Date(), "Europe/Madrid"),
    );
    await store.close();
  });

  it.each([
    [[], "usage: npm run digest -- --now [--user <telegram id>]"],
    [["--now", "--user", "abc"], '--user: "abc" is not a Telegram user id'],
    [["--now", "--user", "12345"], "user 12345 is not logged in"],
  ])("refuses %j with one line and exit code 1", async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split("\n")).toEqual([`premiumpay-digest: ${message}`]);
  });
});
