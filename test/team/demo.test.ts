import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_TEAMMATE, DEMO_USER, type Demo, startDemo } from "../../src/demo/index.js";
import { createLogger } from "../../src/logger.js";
import type { SimUser, StoredMessage } from "../../src/sandbox/telegram/index.js";

let demo: Demo;
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), "ppbot-demo-team-"));
  demo = await startDemo({ dataDir, port: 0, logger: createLogger("warn", { write: () => undefined }) });
});
afterAll(async () => {
  await demo?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

/** What the page does for the user it was opened as (`?as=<id>` for the second one). */
async function page(user: SimUser, path: string, body?: unknown): Promise<Response> {
  const url = new URL(path, demo.webUrl);
  if (user.id !== DEMO_USER.id) url.searchParams.set("as", String(user.id));
  return fetch(
    url,
    body === undefined
      ? {}
      : {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        },
  );
}

function reply(user: SimUser, expected: RegExp): Promise<StoredMessage> {
  return demo.emulator!.waitForBotMessage(user.id, (message) => expected.test(message.text));
}

async function type(user: SimUser, text: string, expected: RegExp): Promise<StoredMessage> {
  const answer = reply(user, expected);
  expect((await page(user, "/api/send", { text })).status).toBe(200);
  return answer;
}

async function tap(user: SimUser, message: StoredMessage, label: RegExp, expected: RegExp) {
  const button = message.replyMarkup!.inline_keyboard.flat().find((b) => label.test(b.text)) as {
    callback_data: string;
  };
  const answer = reply(user, expected);
  const clicked = await page(user, "/api/click", {
    messageId: message.messageId,
    data: button.callback_data,
  });
  expect(clicked.status).toBe(200);
  return answer;
}

describe("the demo page with two users", () => {
  it("switches to the second user, who joins the demo operator's team as a viewer", async () => {
    const { clientId, token } = demo.credentials;
    await type(DEMO_USER, "/start", /client id/);
    await type(DEMO_USER, clientId, /API token/);
    await type(DEMO_USER, token, /what would you like to do/);
    const list = await type(DEMO_USER, "/team", /Team of account/);
    const roles = await tap(DEMO_USER, list, /Invite a teammate/, /Which role/);
    const created = await tap(DEMO_USER, roles, /Viewer/, /valid 24 hours/);
    const code = /\?start=([A-Za-z0-9_-]+)/.exec(created.text)![1]!;

    const state = (await (await page(DEMO_TEAMMATE, "/api/state")).json()) as {
      user: { id: number };
      users: { id: number; name: string }[];
      messages: unknown[];
    };
    expect(state.user.id).toBe(DEMO_TEAMMATE.id);
    expect(state.users.map((user) => user.name)).toEqual(["Demo", "Tess"]);
    // The teammate's chat is their own: none of the owner's messages (the token typed at login included).
    expect(state.messages).toEqual([]);

    const ask = await type(DEMO_TEAMMATE, `/start ${code}`, /Accept\?/);
    await tap(DEMO_TEAMMATE, ask, /Accept/, /You are now a viewer/);
    await type(DEMO_TEAMMATE, "/link", /does not allow that/);
    const teammateChat = JSON.stringify(await (await page(DEMO_TEAMMATE, "/api/state")).json());
    expect(teammateChat).not.toContain(token);
    expect((await page({ ...DEMO_TEAMMATE, id: 1 }, "/api/state")).status).toBe(400);
  });
});
