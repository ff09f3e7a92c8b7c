import { Api } from "grammy";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { registerCommands, setChatCommands } from "../../src/bot/commands.js";
import { createI18n } from "../../src/i18n/index.js";
import { type BotApiEmulator, type SimUser, startBotApiEmulator } from "../../src/sandbox/telegram/index.js";

const operator: SimUser = { id: 7001, first_name: "Olivia", language_code: "en" };
const other: SimUser = { id: 7002, first_name: "Oscar", language_code: "en" };
const i18n = createI18n("en");

let telegram: BotApiEmulator;
let api: Api;
beforeEach(async () => {
  telegram = await startBotApiEmulator();
  api = new Api(telegram.token, { apiRoot: telegram.apiRoot });
  telegram.addUser(operator);
  telegram.addUser(other);
  await registerCommands(api, i18n, "en");
});
afterEach(async () => {
  await telegram.close();
});

const descriptionOf = (user: SimUser, command: string) =>
  telegram.menuCommandsFor(user).find((entry) => entry.command === command)?.description;

describe("setChatCommands", () => {
  it("gives the operator's chat its menu in the chosen language, whatever the Telegram app's language", async () => {
    const english = descriptionOf(operator, "language");
    await setChatCommands(api, operator.id, "es", i18n, "owner");

    expect(descriptionOf(operator, "language")).toBe(i18n.t("es", "commands.language"));
    expect(descriptionOf(operator, "language")).not.toBe(english);
    // Every command is there, in the same order as for everyone else.
    expect(telegram.menuCommandsFor(operator).map((entry) => entry.command)).toEqual(
      telegram.menuCommandsFor(other).map((entry) => entry.command),
    );
    // Another operator's menu is untouched.
    expect(descriptionOf(other, "language")).toBe(english);

    await setChatCommands(api, operator.id, "en", i18n, "owner");
    expect(descriptionOf(operator, "language")).toBe(english);
  });
});
