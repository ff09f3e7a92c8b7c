import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createPublicLink,
  type DemoInChromium,
  logIn,
  sendLinksChart,
  startDemoInChromium,
} from "../support/demo-chat.js";
import { englishIn, localeText, untranslatedOrRawHtml } from "../support/locale-text.js";

const ARTIFACTS = "test-artifacts";
const PHONE = { width: 390, height: 844 };

let world: DemoInChromium;

beforeAll(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  world = await startDemoInChromium();
}, 60_000);

afterAll(async () => {
  await world?.stop();
});

describe("the demo chat page in Chromium", () => {
  it("logs in with the demo credentials and creates a public link through the buttons", async () => {
    const { demo, chat } = world;
    const { page } = chat;
    const { clientId, token } = demo.credentials;
    await page.locator("#client-id", { hasText: clientId }).waitFor();
    expect(await page.locator("#empty").isVisible()).toBe(true);

    await logIn(chat, demo.credentials);
    // The user's own message is shown once, on the right; the one with the token is gone.
    expect(await page.locator(".message.out .text", { hasText: "/start" }).count()).toBe(1);
    expect(await page.locator(".message.out", { hasText: token }).count()).toBe(0);

    // /link from the command menu that the bot registered with setMyCommands.
    await createPublicLink(chat);

    const created = demo.sandbox.data(clientId).createdLinks;
    expect(created).toHaveLength(1);
    const link = created[0]!;
    const fitness = demo.sandbox
      .data(clientId)
      .channels.find((channel) => channel.name === "Fitness Premium")!;
    expect(link).toMatchObject({ name: "Instagram bio", channelId: fitness.id, durationHours: 168 });
    // The flow's message was edited in place into the result: the URL in a code span, and a Share url button.
    const result = page.locator(".message.in", { hasText: "Link created" });
    expect(await result.count()).toBe(1);
    expect(await result.locator("code").textContent()).toBe(link.link);
    const share = result.locator("a.key.url");
    expect(await share.getAttribute("href")).toContain(encodeURIComponent(link.link));
    expect(await share.getAttribute("target")).toBe("_blank");
    expect(await page.locator(".message.in", { hasText: "Check the new link" }).count()).toBe(0);

    await page.screenshot({ path: join(ARTIFACTS, "demo-chat.png") });
    // A whole login and link flow in a real browser: more room than one bot exchange needs on a loaded CI machine.
  }, 30_000);

  it("reloads the same chat and fits a phone-sized screen without sideways scrolling", async () => {
    const phone = await world.browser.newPage();
    await phone.setViewportSize(PHONE);
    await phone.goto(world.demo.webUrl!);
    await phone.locator(".message.in", { hasText: "Link created" }).waitFor();
    // A string, evaluated in the page: this test file is compiled without the DOM's types.
    const overflow = await phone.evaluate<number>("document.documentElement.scrollWidth - window.innerWidth");
    expect(overflow).toBeLessThanOrEqual(0);
    const composer = await phone.locator("#composer").boundingBox();
    expect(composer!.y + composer!.height).toBeLessThanOrEqual(PHONE.height);
    await phone.screenshot({ path: join(ARTIFACTS, "demo-chat-phone.png") });
    await phone.close();
  });

  it("shows /links' revenue-by-link chart inline, as the photo the bot sent", async () => {
    const { chat } = world;
    const photo = await sendLinksChart(chat);
    // The bot's 1080 px PNG, decoded by the browser, fitted into the bubble.
    expect(
      await chat.page.evaluate<number>(
        "[...document.querySelectorAll('.message.in img.photo')].at(-1).naturalWidth",
      ),
    ).toBe(1080);
    const shown = await photo.boundingBox();
    expect(shown!.width).toBeGreaterThan(200);
    expect(shown!.width).toBeLessThanOrEqual(420);
    const caption = await chat.page
      .locator(".message.in", { has: chat.page.locator("img.photo") })
      .last()
      .locator(".text")
      .textContent();
    expect(caption).toContain("Revenue by link · Fitness Premium");
    await chat.page.screenshot({ path: join(ARTIFACTS, "demo-chart.png") });
  }, 30_000);

  it("exports /links' sales as a CSV the browser downloads: named for the channel and dates, BOM, header, rows", async () => {
    const { chat } = world;
    const { page } = chat;
    // The /links screen from the chart test above is the newest message with an Export button.
    await chat.tap("Export");
    await chat.botSays("Which period should the file cover?");
    await chat.tap("Last 90 days");
    const file = page.locator(".message.in a.document").last();
    await file.waitFor({ timeout: 20_000 });
    const [download] = await Promise.all([page.waitForEvent("download"), file.click()]);
    expect(download.suggestedFilename()).toMatch(
      /^sales-fitness-premium-\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.csv$/,
    );
    const bytes = await readFile(await download.path());
    // UTF-8 with a BOM, so spreadsheet programs show accents; CRLF rows (RFC 4180).
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const [header, ...rows] = bytes.subarray(3).toString("utf8").trimEnd().split("\r\n");
    expect(header).toMatch(/^Local time \(.+\),UTC time,Amount,Currency,/);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}/.test(row))).toBe(true);
  }, 45_000);

  it("after /language → Español, the command menu, a report and the digest preview are all Spanish", async () => {
    const { chat } = world;
    const spanish = localeText("es");
    const english = localeText("en");
    await chat.type("/language");
    await chat.botSays("Choose your language");
    const before = await chat.lastMessageId();
    await chat.tap("Español");
    await chat.botSays("Idioma cambiado a español");

    // The "/" menu is the chat's own, set by the bot for this chat in the chosen language.
    await expect
      .poll(async () => (await chat.commandMenu()).map((entry) => entry.description), { timeout: 8000 })
      .toContain(spanish.fragments.find((fragment) => fragment.startsWith("Informes de ventas")));
    const menu = await chat.commandMenu();
    expect(menu.map((entry) => entry.command)).toEqual(expect.arrayContaining(["/report", "/digest"]));
    for (const { description } of menu) {
      expect(spanish.fragments).toContain(description);
      expect(english.fragments).not.toContain(description);
    }

    await chat.pickCommand("report");
    await chat.tap("Ventas por país");
    await chat.botSays("¿Qué periodo?");
    await chat.tap("Últimos 7 días");
    const report = await chat.botSays(/Ventas por país[\s\S]*Total/);
    expect(await report.locator("pre").count()).toBeGreaterThan(0);

    await chat.pickCommand("digest");
    await chat.botSays("Resumen diario de ventas");
    await chat.tap("Envíame una vista previa ahora");
    await chat.botSays("Cambia la hora o los canales con /digest.", 15_000);
    await chat.tap("Listo");
    await chat.botSays("Ajustes del resumen guardados.");

    const shown = (await chat.botTextsAfter(before)).join("\n");
    expect(shown).toContain("Tus ventas del");
    expect(shown).toContain("Países principales (toda la cuenta)");
    expect({
      rawKeysPlaceablesOrHtml: untranslatedOrRawHtml(shown, new Set([...english.keys, ...spanish.keys])),
      english: englishIn(shown),
    }).toEqual({ rawKeysPlaceablesOrHtml: [], english: [] });
    await chat.page.screenshot({ path: join(ARTIFACTS, "demo-chat-es.png") });
  }, 45_000);

  it("logs no errors while the flows run", () => {
    const errors = world.logs.filter((line) => (JSON.parse(line) as { level: number }).level >= 50);
    expect(errors).toEqual([]);
  });
});
