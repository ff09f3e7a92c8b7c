import { afterAll, beforeAll, expect, it } from "vitest";
import { type Harness, startHarness } from "../support/harness.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.stop());

it("lists the operator's channels with their ids and number of links", async () => {
  const op = h.operator();
  await op.login();
  const list = await op.click("Channels", /Your channels/);
  const channels = h.premiumpay.data(op.account.clientId).channels;
  expect(list.text).toContain(`Your channels (${channels.length})`);
  for (const channel of channels) expect(list.text).toContain(`${channel.name} · id ${channel.id}`);
});

it("shows hostile channel names literally", async () => {
  const op = h.operator({ account: h.premiumpay.clients[2]! });
  await op.login();
  const list = await op.send("/channels", /Your channels/);
  for (const channel of h.premiumpay.data(op.account.clientId).channels)
    expect(list.text).toContain(channel.name);
  const failed = h.telegram.calls.filter((call) => call.method === "sendMessage" && !call.ok);
  expect(failed).toEqual([]);
});

it("says premiumpay is unavailable instead of an empty list", async () => {
  const op = h.operator();
  await op.login();
  h.premiumpay.faults.set("channels", { status: 503 }, { times: 10 });
  const reply = await op.send("/channels", /cannot be reached/, 15_000);
  expect(reply.text).not.toContain("Your channels");
  h.premiumpay.faults.clear();
});
