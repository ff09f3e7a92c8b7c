import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { type BrowserContext, chromium, type Locator, type Page } from "playwright-core";
import { type Demo, startDemo } from "../../src/demo/index.js";
import { createLogger } from "../../src/logger.js";
import { CHROMIUM_ARGS, type ChromiumLaunch, chromiumForTests } from "./chromium.js";

/**
 * The demo (sandbox, emulator, bot and chat page) with a headless Chromium on its page: what the demo's browser
 * test and the README's screenshots (test/support/demo-screenshots.ts) drive.
 */
export interface DemoInChromium {
  demo: Demo;
  browser: BrowserContext;
  chat: DemoChat;
  /** The bot's log lines (JSON) at warn level and above. */
  logs: string[];
  stop(): Promise<void>;
}

export async function startDemoInChromium(
  options: { viewport?: { width: number; height: number }; fonts?: "bundled" | "screenshot" } = {},
): Promise<DemoInChromium> {
  const dataDir = await mkdtemp(join(tmpdir(), "ppbot-demo-"));
  const userDataDir = await mkdtemp(join(tmpdir(), "ppbot-chromium-"));
  const logs: string[] = [];
  const demo = await startDemo({
    dataDir,
    port: 0,
    logger: createLogger("warn", { write: (line: string) => void logs.push(line) }),
  });
  const launch = await chromiumForTests();
  const env = options.fonts === "screenshot" ? await screenshotFonts(launch, userDataDir) : launch.env;
  const browser = await chromium.launchPersistentContext(userDataDir, {
    executablePath: launch.executablePath,
    env,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: options.viewport ?? { width: 960, height: 900 },
  });
  const page = browser.pages()[0] ?? (await browser.newPage());
  await page.goto(demo.webUrl!);
  return {
    demo,
    browser,
    chat: new DemoChat(page),
    logs,
    async stop() {
      await browser.close();
      await demo.stop();
      for (const folder of [dataDir, userDataDir]) await rm(folder, { recursive: true, force: true });
    },
  };
}

const require = createRequire(import.meta.url);

/**
 * The npm Chromium has only Open Sans: a picture for people also wants a monospace font for tables (DejaVu, an npm
 * dependency of the charts) and emoji, taken from the system's fonts when it has them (Debian:
 * fonts-noto-color-emoji). Text stays in Open Sans: an emoji font also has digits and spaces, which must not win.
 * CHROMIUM_PATH's browser uses the system's fontconfig as it is.
 */
async function screenshotFonts(launch: ChromiumLaunch, folder: string): Promise<Record<string, string>> {
  if (launch.source !== "npm" || !launch.env.FONTCONFIG_PATH) return launch.env;
  const dejavu = join(dirname(require.resolve("dejavu-fonts-ttf/package.json")), "ttf");
  const dirs = [
    join(launch.env.FONTCONFIG_PATH, "fonts"),
    dejavu,
    "/usr/share/fonts",
    "/usr/local/share/fonts",
  ];
  const file = join(folder, "fonts.conf");
  await writeFile(
    file,
    `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
${dirs
  .filter((dir) => existsSync(dir))
  .map((dir) => `  <dir>${dir}</dir>`)
  .join("\n")}
  <cachedir>${join(folder, "fonts-cache")}</cachedir>
  <alias><family>sans-serif</family><prefer><family>Open Sans</family><family>DejaVu Sans</family></prefer></alias>
  <alias><family>monospace</family><prefer><family>DejaVu Sans Mono</family></prefer></alias>
</fontconfig>
`,
  );
  return { ...launch.env, FONTCONFIG_FILE: file };
}

/** A person at the chat page: types, taps buttons and the command menu, and waits for the bot's answers. */
export class DemoChat {
  constructor(readonly page: Page) {}

  /** Resolves when the newest bot bubble containing the text is shown (new or edited in place). */
  async botSays(text: string | RegExp, timeout = 8000): Promise<Locator> {
    const bubble = this.page.locator(".message.in .text", { hasText: text }).last();
    await bubble.waitFor({ timeout });
    return bubble;
  }

  async type(text: string): Promise<void> {
    await this.page.locator("#input").fill(text);
    await this.page.locator("#input").press("Enter");
  }

  /** Taps the newest inline button with this label. */
  async tap(label: string | RegExp): Promise<void> {
    await this.page.locator("button.key", { hasText: label }).last().click();
  }

  /** Opens the "/" command menu and returns its entries as shown: command and description. */
  async commandMenu(): Promise<{ command: string; description: string }[]> {
    // The button toggles the menu: open it only when it is closed.
    if (await this.page.locator("#command-menu").isHidden()) await this.page.locator("#menu-button").click();
    const items = this.page.locator(".menu-item");
    await items.first().waitFor();
    const entries = [];
    for (const item of await items.all()) {
      entries.push({
        command: ((await item.locator(".menu-item-name").textContent()) ?? "").trim(),
        description: ((await item.locator(".menu-item-description").textContent()) ?? "").trim(),
      });
    }
    return entries;
  }

  /** Sends a command by picking it from the command menu, as a person tapping "/" would. */
  async pickCommand(command: string): Promise<void> {
    await this.commandMenu();
    await this.page.locator(".menu-item-name", { hasText: new RegExp(`^/${command}$`) }).click();
  }

  /** The id of the newest message in the chat, either side; 0 when there is none. */
  async lastMessageId(): Promise<number> {
    const messages = this.page.locator(".message");
    if ((await messages.count()) === 0) return 0;
    return Number(await messages.last().getAttribute("data-id"));
  }

  /** What the bot's messages newer than `afterId` show: their texts and their buttons' labels. */
  async botTextsAfter(afterId: number): Promise<string[]> {
    const texts: string[] = [];
    for (const message of await this.page.locator(".message.in").all()) {
      if (Number(await message.getAttribute("data-id")) <= afterId) continue;
      texts.push((await message.locator(".text").textContent()) ?? "");
      texts.push(...(await message.locator(".key").allTextContents()));
    }
    return texts;
  }
}

/** /start, the sandbox client id and token: the demo's login, ending on the main menu. */
export async function logIn(chat: DemoChat, credentials: Demo["credentials"]): Promise<void> {
  await chat.type("/start");
  await chat.botSays("Send me your premiumpay client id");
  await chat.type(credentials.clientId);
  await chat.botSays("API token");
  await chat.type(credentials.token);
  await chat.botSays(`Logged in as ${credentials.clientId}`);
  // The bot deletes the message with the token; the page removes it as it happens.
  await chat.page.locator(".message.out", { hasText: credentials.token }).waitFor({ state: "detached" });
}

/** /link from the command menu: a 7-day link named "Instagram bio" to Fitness Premium, anyone may join. */
export async function createPublicLink(chat: DemoChat): Promise<void> {
  await chat.pickCommand("link");
  await chat.tap("Fitness Premium");
  await chat.botSays("Send a name");
  await chat.type("Instagram bio");
  await chat.botSays("How long");
  await chat.tap(/^7 days$/);
  await chat.botSays("approve each join request");
  await chat.tap(/^No$/);
  await chat.botSays("Check the new link");
  await chat.tap("Create the link");
  await chat.botSays("Link created");
}

/** /links on Fitness Premium for the last 7 days, then 📊 Chart; resolves with the chart photo once it is drawn. */
export async function sendLinksChart(chat: DemoChat): Promise<Locator> {
  await chat.pickCommand("links");
  await chat.tap("Fitness Premium");
  await chat.botSays("Which period?");
  await chat.tap("Last 7 days");
  await chat.botSays("Total");
  const figures = chat.page.locator(".message.in .text", { hasText: "Total" });
  const shown = await figures.count();
  await chat.tap("Chart");
  const photo = chat.page.locator(".message.in img.photo").last();
  await photo.waitFor({ timeout: 15_000 });
  // Loaded and decoded, so a screenshot shows the picture rather than an empty frame.
  await chat.page.waitForFunction(
    "[...document.querySelectorAll('.message.in img.photo')].every((image) => image.complete && image.naturalWidth > 0)",
  );
  // The figures come again below the photo once it is sent.
  await figures.nth(shown).waitFor();
  return photo;
}
