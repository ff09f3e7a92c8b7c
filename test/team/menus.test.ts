import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MENU_ITEMS } from "../../src/bot/callback-data/index.js";
import {
  callbackDataOf,
  type Harness,
  hasButton,
  type OperatorDriver,
  startHarness,
} from "../support/harness.js";
import { team } from "./support.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.stop());

const menuOf = async (op: OperatorDriver): Promise<string[]> =>
  callbackDataOf(await op.send("/menu", hasButton("m:sales")));

describe("menus by role", () => {
  it("a viewer's menu has no link or welcome buttons, a manager's has them, the owner's has everything", async () => {
    const { owner, teammate: viewer } = await team(h, { owner: 951_001, teammate: 951_002 }, "Viewer");
    const { teammate: manager } = await team(h, { owner: 951_003, teammate: 951_004 }, "Manager");

    const viewerMenu = await menuOf(viewer);
    expect(viewerMenu).not.toContain("m:link");
    expect(viewerMenu).not.toContain("m:welcome");
    expect(viewerMenu).toEqual(
      expect.arrayContaining(["m:sales", "m:report", "m:links", "m:digest", "m:alerts"]),
    );
    expect(await menuOf(manager)).toEqual(expect.arrayContaining(["m:link", "m:welcome", "m:sales"]));
    expect(await menuOf(owner)).toEqual(MENU_ITEMS.map((item) => `m:${item}`));
  });

  it("after a demotion the next menu shown lacks what the new role may not start", async () => {
    const { owner, teammate: manager } = await team(h, { owner: 951_011, teammate: 951_012 }, "Manager");
    expect(await menuOf(manager)).toContain("m:link");

    const told = manager.nextBotMessage(/is now viewer/);
    await owner.send("/team", /Team of account/);
    await owner.click("👤 951012", /is a/);
    await owner.click(/Make .*viewer/, /is now a/);
    await told;
    const menu = await menuOf(manager);
    expect(menu).not.toContain("m:link");
    expect(menu).not.toContain("m:welcome");
  });
});
