import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { MENU_ITEMS } from "../../src/bot/callback-data/index.js";
import {
  callbackDataOf,
  type Harness,
  hasButton,
  type OperatorDriver,
  startHarness,
} from "../support/harness.js";
import { ownerActsOn, team } from "./support.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.stop());

const OWNER_ONLY = ["/group", "/login", "/logout"];

const commandMenuOf = (op: OperatorDriver) =>
  h.telegram.menuCommandsFor({ id: op.chatId, first_name: "Tess" }).map((entry) => entry.command);

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
    await ownerActsOn(owner, 951_012, /Make .*viewer/);
    await told;
    const menu = await menuOf(manager);
    expect(menu).not.toContain("m:link");
    expect(menu).not.toContain("m:welcome");
  });

  it("/help lists only what the role may start; the owner's lists everything", async () => {
    const { owner, teammate: viewer } = await team(h, { owner: 951_021, teammate: 951_022 }, "Viewer");
    const help = (await viewer.send("/help", /What I can do/)).text;
    for (const command of ["/sales", "/report", "/digest", "/alerts", "/account", "/cancel"])
      expect(help).toContain(command);
    for (const command of ["/link", "/welcome", "/audit", ...OWNER_ONLY]) expect(help).not.toContain(command);
    const full = (await owner.send("/help", /What I can do/)).text;
    for (const command of ["/link", "/welcome", "/audit", ...OWNER_ONLY]) expect(full).toContain(command);
  });

  it("a teammate's own command menu (set by choosing a language) follows their role", async () => {
    const { owner, teammate: manager } = await team(h, { owner: 951_031, teammate: 951_032 }, "Manager");
    await manager.send("/language", hasButton("lang:es"));
    await manager.click(/Español/, /Idioma cambiado/);
    // The language is set last, after the menu message.
    await vi.waitFor(() => expect(commandMenuOf(manager)).not.toContain("group"));
    expect(commandMenuOf(manager)).not.toContain("logout");
    expect(commandMenuOf(manager)).toEqual(expect.arrayContaining(["link", "welcome", "sales"]));

    const told = manager.nextBotMessage(/ahora es observador/);
    await ownerActsOn(owner, 951_032, /Make .*viewer/);
    await told;
    await vi.waitFor(() => expect(commandMenuOf(manager)).not.toContain("link"));
    expect(commandMenuOf(manager)).toEqual(expect.arrayContaining(["sales", "digest", "alerts"]));
    expect(commandMenuOf(manager)).not.toContain("welcome");
  });
});
