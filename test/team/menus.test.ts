import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { COMMAND_TABLE, MENU_ITEMS } from "../../src/bot/flows.js";
import { createI18n, SUPPORTED_LOCALES } from "../../src/i18n/index.js";
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

/** The commands a /help text lists: one line each, starting with the command ("/link" is not "/links"). */
const helpCommands = (text: string) => [...text.matchAll(/^(\/\w+) /gm)].map((match) => match[1]);

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
    await ownerActsOn(owner, "Tess", /Make .*viewer/);
    await told;
    const menu = await menuOf(manager);
    expect(menu).not.toContain("m:link");
    expect(menu).not.toContain("m:welcome");
  });

  it("/help lists only what the role may start; the owner's lists everything", async () => {
    const { owner, teammate: viewer } = await team(h, { owner: 951_021, teammate: 951_022 }, "Viewer");
    const help = helpCommands((await viewer.send("/help", /What I can do/)).text);
    for (const command of ["/sales", "/report", "/digest", "/alerts", "/account", "/cancel"])
      expect(help).toContain(command);
    for (const command of ["/link", "/welcome", "/audit", ...OWNER_ONLY]) expect(help).not.toContain(command);
    const full = helpCommands((await owner.send("/help", /What I can do/)).text);
    for (const command of ["/link", "/welcome", "/audit", ...OWNER_ONLY]) expect(full).toContain(command);
  });

  // A missing text reads as its key in braces.
  it("every command of the table has its texts in every locale: command menu, /help line, menu button", () => {
    for (const locale of SUPPORTED_LOCALES) {
      // A translator of that locale alone: with English as its fallback, a key missing in Spanish would read English.
      const i18n = createI18n(locale);
      const missing = COMMAND_TABLE.flatMap(({ command, ...entry }) =>
        [
          `commands.${command}`,
          `help-line-${command}`,
          ...("menu" in entry ? [`menu-${command}`] : []),
        ].filter((key) => i18n.t(locale, key) === `{${key}}`),
      );
      expect({ locale, missing }).toEqual({ locale, missing: [] });
    }
  });

  it("/help lists every command of the table each role may start, and only those", async () => {
    const { owner, teammate: viewer } = await team(h, { owner: 951_041, teammate: 951_042 }, "Viewer");
    const { teammate: manager } = await team(h, { owner: 951_043, teammate: 951_044 }, "Manager");
    const roles = [
      ["owner", owner],
      ["manager", manager],
      ["viewer", viewer],
    ] as const;
    // Written out, not derived from the table: what each role may start, as issue #16's role list says.
    const viewerCommands = [
      "start",
      "menu",
      "channels",
      "sales",
      "results",
      "report",
      "links",
      "digest",
      "alerts",
    ];
    const expected = {
      viewer: [...viewerCommands, "account", "language", "timezone", "team", "help", "cancel"],
      manager: [
        ...["start", "menu", "channels", "link", "welcome", "sales", "results", "report", "links", "digest"],
        ...["alerts", "audit", "account", "language", "timezone", "team", "help", "cancel"],
      ],
      owner: [
        ...["start", "menu", "channels", "link", "welcome", "sales", "results", "report", "links", "digest"],
        ...["alerts", "group", "audit", "account", "language", "timezone", "login", "team", "logout", "help"],
        "cancel",
      ],
    };
    for (const [role, op] of roles) {
      const listed = helpCommands((await op.send("/help", /What I can do/)).text);
      expect({ role, listed }).toEqual({ role, listed: expected[role].map((command) => `/${command}`) });
    }
    expect(COMMAND_TABLE.map((entry) => entry.command)).toEqual(expected.owner);
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
    await ownerActsOn(owner, "Tess", /Make .*viewer/);
    await told;
    await vi.waitFor(() => expect(commandMenuOf(manager)).not.toContain("link"));
    expect(commandMenuOf(manager)).toEqual(expect.arrayContaining(["sales", "digest", "alerts"]));
    expect(commandMenuOf(manager)).not.toContain("welcome");
  });
});
