import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_KEY_FILE } from "../../src/demo/config.js";
import { ChildBot } from "../support/child-bot.js";

const DEMO_MAIN = fileURLToPath(new URL("../../src/demo/main.ts", import.meta.url));

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "ppbot-demo-stop-"));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

describe("npm run demo, stopped with Ctrl+C", () => {
  it("says it stopped and where its data is kept, and exits 0", async () => {
    const demo = ChildBot.spawn({ DEMO_PORT: "0", DEMO_DATA_DIR: dataDir }, { script: DEMO_MAIN });
    try {
      await demo.waitForLog((line) => line.includes("Press Ctrl+C to stop."), 30_000);
      const before = demo.stdout.length;
      demo.kill("SIGINT");
      expect(await demo.waitForExit(20_000)).toEqual({ code: 0, signal: null });

      const farewell = demo.stdout.slice(before).join("\n");
      expect(farewell).toContain("premiumpay bot demo stopped.");
      expect(farewell).toContain(`is kept in ${dataDir}`);
      expect(demo.stderr).toEqual([]);
      // The folder it names really holds the demo's key, so the next run keeps the logins.
      expect(await readFile(join(dataDir, DEMO_KEY_FILE), "utf8")).toMatch(/^[0-9a-f]{64}/);
    } finally {
      await demo.killHard();
    }
  }, 60_000);
});
