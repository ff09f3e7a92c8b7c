import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Demo, startDemo } from "../../src/demo/index.js";
import { createLogger } from "../../src/logger.js";
import { CHROMIUM_ARGS, chromiumForTests } from "../support/chromium.js";

const ARTIFACTS = "test-artifacts";
const PHONE = { width: 390, height: 844 };

let demo: Demo;
let browser: BrowserContext;
let page: Page;
const folders: string[] = [];
const logs: string[] = [];

beforeAll(async () => {
  const dataDir = await mkdtemp(join(tmpdir(), "ppbot-demo-"));
  const userDataDir = await mkdtemp(join(tmpdir(), "ppbot-chromium-"));
  folders.push(dataDir, userDataDir);
  await mkdir(ARTIFACTS, { recursive: true });
  demo = await startDemo({
    dataDir,
    port: 0,
    logger: createLogger("warn", { write: (line: string) => void logs.push(line) }),
  });
  const { executablePath, env } = await chromiumForTests();
  browser = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    env,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 960, height: 900 },
  });
  page = browser.pages()[0] ?? (await browser.newPage());
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await demo?.stop();
  for (const folder of folders) await rm(folder, { recursive: true, force: true });
});

/** The newest bot bubble that contains the text (new or edited in place). */
async function botSays(text: string | RegExp): Promise<void> {
  await page.locator(".message.in .text", { hasText: text }).last().waitFor({ timeout: 8000 });
}

async function type(text: string): Promise<void> {
  await page.locator("#input").fill(text);
  await page.locator("#input").press("Enter");
}

async function tap(label: string | RegExp): Promise<void> {
  await page.locator("button.key", { hasText: label }).last().click();
}

describe("the demo chat page in Chromium", () => {
  it("logs in with the demo credentials and creates a public link through the buttons", async () => {
    const { clientId, token } = demo.credentials;
    await page.goto(demo.webUrl!);
    await page.locator("#client-id", { hasText: clientId }).waitFor();
    expect(await page.locator("#empty").isVisible()).toBe(true);

    await type("/start");
    await botSays("Send me your premiumpay client id");
    // The user's own message is shown once, on the right.
    expect(await page.locator(".message.out .text", { hasText: "/start" }).count()).toBe(1);
    await type(clientId);
    await botSays("API token");
    await type(token);
    await botSays(`Logged in as ${clientId}`);
    // The bot deletes the message with the token; the page removes it as it happens.
    await page.locator(".message.out", { hasText: token }).waitFor({ state: "detached" });

    // /link from the command menu that the bot registered with setMyCommands.
    await page.locator("#menu-button").click();
    await page.locator(".menu-item-name", { hasText: /^\/link$/ }).click();
    await tap("Fitness Premium");
    await botSays("Send a name");
    await type("Instagram bio");
    await botSays("How long");
    await tap(/^7 days$/);
    await botSays("approve each join request");
    await tap(/^No$/);
    await botSays("Check the new link");
    await tap("Create the link");
    await botSays("Link created");

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
    const phone = await browser.newPage();
    await phone.setViewportSize(PHONE);
    await phone.goto(demo.webUrl!);
    await phone.locator(".message.in", { hasText: "Link created" }).waitFor();
    // A string, evaluated in the page: this test file is compiled without the DOM's types.
    const overflow = await phone.evaluate<number>("document.documentElement.scrollWidth - window.innerWidth");
    expect(overflow).toBeLessThanOrEqual(0);
    const composer = await phone.locator("#composer").boundingBox();
    expect(composer!.y + composer!.height).toBeLessThanOrEqual(PHONE.height);
    await phone.screenshot({ path: join(ARTIFACTS, "demo-chat-phone.png") });
    await phone.close();
  });

  it("logs no errors while the flows run", () => {
    const errors = logs.filter((line) => (JSON.parse(line) as { level: number }).level >= 50);
    expect(errors).toEqual([]);
  });
});
