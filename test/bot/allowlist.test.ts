import { afterAll, beforeAll, expect, it } from "vitest";
import { type Harness, startHarness } from "../support/harness.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { ALLOWED_USER_IDS: "4242, 4343" } });
});
afterAll(() => h?.stop());

it("admits listed users and refuses the others once, politely", async () => {
  const allowed = h.operator({ id: 4242 });
  await allowed.send("/help", /What I can do/);
  const stranger = h.operator({ id: 5151 });
  const refusal = await stranger.send("/start", /this bot is private/);
  expect(refusal.text).toContain("5151");
  h.telegram.sendText(stranger.user, "/help");
  // The listed user's reply proves the stranger's second message was handled (updates are processed in order).
  await h.operator({ id: 4343 }).send("/help", /What I can do/);
  expect(h.telegram.chat(stranger.chatId).botMessages()).toHaveLength(1);
  expect(await h.app.deps.store.getOperator(5151)).toBeUndefined();
});
