/**
 * Retakes the README's pictures of the demo from the current code: `npx tsx test/support/demo-screenshots.ts`.
 * docs/demo-chat.png: the chat after logging in and creating a public link; docs/demo-chart.png: /links' chart.
 * The npm Chromium draws them (or CHROMIUM_PATH's); emoji need a colour emoji font on the system (Debian:
 * fonts-noto-color-emoji), or they are left blank.
 */
import { fileURLToPath } from "node:url";
import { createPublicLink, logIn, sendLinksChart, startDemoInChromium } from "./demo-chat.js";

const DOCS = fileURLToPath(new URL("../../docs/", import.meta.url));

const world = await startDemoInChromium({ viewport: { width: 960, height: 900 }, fonts: "screenshot" });
try {
  const { chat, demo } = world;
  await logIn(chat, demo.credentials);
  await createPublicLink(chat);
  await chat.page.screenshot({ path: `${DOCS}demo-chat.png`, animations: "disabled" });

  await sendLinksChart(chat);
  // The figures come again below the chart: scroll back so the photo and its caption fill the view.
  await chat.page.evaluate(
    "[...document.querySelectorAll('.message.in img.photo')].at(-1).closest('.message').scrollIntoView({ block: 'start' })",
  );
  await chat.page.screenshot({ path: `${DOCS}demo-chart.png`, animations: "disabled" });
  console.log(`Saved ${DOCS}demo-chat.png and ${DOCS}demo-chart.png`);
} finally {
  await world.stop();
}
