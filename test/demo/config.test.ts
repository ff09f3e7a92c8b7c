import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  DEMO_KEY_FILE,
  DemoSettingsError,
  demoSettingsFrom,
  loadOrCreateDemoKey,
} from "../../src/demo/config.js";

const folders: string[] = [];
async function freshFolder(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), "ppbot-demo-config-"));
  folders.push(folder);
  return folder;
}
afterEach(async () => {
  for (const folder of folders.splice(0)) await rm(folder, { recursive: true, force: true });
});

describe("the demo's credentials key", () => {
  it("is generated once, owner-only, in the demo data folder and reused on the next run", async () => {
    const dataDir = join(await freshFolder(), "demo-data");
    const first = await loadOrCreateDemoKey(dataDir);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    const file = join(dataDir, DEMO_KEY_FILE);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await loadOrCreateDemoKey(dataDir)).toBe(first);
    expect((await readFile(file, "utf8")).trim()).toBe(first);
  });

  it("is the same key for runs that start at the same time", async () => {
    const dataDir = await freshFolder();
    const keys = await Promise.all([loadOrCreateDemoKey(dataDir), loadOrCreateDemoKey(dataDir)]);
    expect(keys[0]).toBe(keys[1]);
  });

  it("refuses a damaged key file instead of silently replacing it", async () => {
    const dataDir = await freshFolder();
    await writeFile(join(dataDir, DEMO_KEY_FILE), "not a key\n");
    await expect(loadOrCreateDemoKey(dataDir)).rejects.toThrow(DemoSettingsError);
  });
});

describe("the demo's settings", () => {
  it("default to ./demo-data, port 8080 and the emulator", () => {
    expect(demoSettingsFrom({})).toMatchObject({
      dataDir: "./demo-data",
      port: 8080,
      botToken: undefined,
      logLevel: "warn",
    });
  });

  it("take DEMO_PORT, DEMO_DATA_DIR and a BOT_TOKEN for real Telegram", () => {
    expect(
      demoSettingsFrom({ DEMO_PORT: "9090", DEMO_DATA_DIR: "/tmp/d", BOT_TOKEN: "123:abc", LOG_LEVEL: "" }),
    ).toMatchObject({ dataDir: "/tmp/d", port: 9090, botToken: "123:abc", logLevel: "warn" });
    expect(() => demoSettingsFrom({ DEMO_PORT: "eighty" })).toThrow(/^DEMO_PORT: /);
  });

  it("poll premiumpay for alerts every 15 s unless ALERTS_POLL_SECONDS says otherwise", () => {
    expect(demoSettingsFrom({}).alertsPollSeconds).toBe(15);
    expect(demoSettingsFrom({ ALERTS_POLL_SECONDS: "" }).alertsPollSeconds).toBe(15);
    expect(demoSettingsFrom({ ALERTS_POLL_SECONDS: "60" }).alertsPollSeconds).toBe(60);
    expect(() => demoSettingsFrom({ ALERTS_POLL_SECONDS: "0" })).toThrow(/^ALERTS_POLL_SECONDS: /);
  });
});
