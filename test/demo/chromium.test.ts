import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { chromiumForTests } from "../support/chromium.js";

describe("the browser for the demo's browser test", () => {
  it("comes from the npm package by default, with its own libraries and fonts", async () => {
    const chromium = await chromiumForTests({ PATH: process.env.PATH });
    expect(chromium.source).toBe("npm");
    expect(existsSync(chromium.executablePath)).toBe(true);
    const folder = join(chromium.executablePath, "..");
    expect(chromium.env.LD_LIBRARY_PATH).toBe(join(folder, "lib"));
    expect(existsSync(join(folder, "lib", "libnss3.so"))).toBe(true);
    expect(chromium.env.FONTCONFIG_PATH).toBe(folder);
    expect(await readFile(join(folder, "fonts.conf"), "utf8")).toContain(
      `<dir>${join(folder, "fonts")}</dir>`,
    );
    // A second call reuses the unpacked copy.
    expect((await chromiumForTests({})).executablePath).toBe(chromium.executablePath);
  }, 60_000);

  it("is the one CHROMIUM_PATH names (Debian's /usr/bin/chromium, say), and a wrong path says so", async () => {
    const chosen = await chromiumForTests({ CHROMIUM_PATH: process.execPath, HOME: "/home/ci" });
    expect(chosen).toEqual({
      executablePath: process.execPath,
      env: { CHROMIUM_PATH: process.execPath, HOME: "/home/ci" },
      source: "CHROMIUM_PATH",
    });
    await expect(chromiumForTests({ CHROMIUM_PATH: "/nowhere/chromium" })).rejects.toThrow(
      "CHROMIUM_PATH names no file: /nowhere/chromium",
    );
  });
});
