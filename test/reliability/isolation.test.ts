import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StoredMessage } from "../../src/sandbox/telegram/index.js";
import {
  type Harness,
  hasButton,
  type OperatorDriver,
  stampedLike,
  startHarness,
} from "../support/harness.js";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.stop());

interface Tenant {
  op: OperatorDriver;
  clientId: string;
  channelIds: number[];
  /** Words that appear only in this tenant's premiumpay data. */
  marks: string[];
}

async function tenant(prefix: string, amount: number, userId: number): Promise<Tenant> {
  const account = h.premiumpay.addClient({ channelNames: [`${prefix} News`, `${prefix} Club`] });
  const channels = h.premiumpay.data(account.clientId).channels;
  // A minute ago, but today (UTC, the operators' zone): /sales shows it.
  const startOfDay = new Date(new Date().toISOString().slice(0, 10)).getTime();
  const date = new Date(Math.max(startOfDay, Date.now() - 60_000));
  h.premiumpay.addSale(account.clientId, { channelId: channels[0]!.id, amount, currency: "EUR", date });
  const op = h.operator({ id: userId, account });
  return {
    op,
    clientId: account.clientId,
    channelIds: channels.map((channel) => channel.id),
    marks: [prefix, account.clientId, amount.toFixed(2)],
  };
}

/** Everything the operator can see: every bot message's text and its buttons. */
function visible(op: OperatorDriver): string {
  return op
    .botMessages()
    .map((message: StoredMessage) => `${message.text}\n${JSON.stringify(message.replyMarkup ?? {})}`)
    .join("\n");
}

/** premiumpay requests sent with this client id that name one of these channels in their body. */
function requestsNaming(clientId: string, channelIds: number[]) {
  return h.premiumpay.requests.filter(
    (request) =>
      request.clientId === clientId &&
      channelIds.some((id) =>
        new RegExp(`"[a-z_]*channel[a-z_]*":"?${id}\\b`, "i").test(JSON.stringify(request.body ?? null)),
      ),
  );
}

describe("isolation between operators", () => {
  it("two operators of two premiumpay accounts acting at once never see each other's channels, sales or flows", async () => {
    const alpha = await tenant("Alpha", 111.11, 930_001);
    const bravo = await tenant("Bravo", 222.22, 930_002);
    const both = [alpha, bravo] as const;
    h.premiumpay.clearRequests();

    await Promise.all(
      both.map(async ({ op }) => {
        await op.login();
        await h.app.deps.store.updateOperator(op.user.id, { digest: { enabled: false } });
        await op.send("/sales", /Pick a channel/);
        await op.click("News", /all links, or of one link/);
        await op.click("All links", /Sales:/);
        await op.send("/link", hasButton(/^cp:c:/));
        await op.click("Club", /Send a name/);
      }),
    );
    // Both wait for a link name; one leaving its flow leaves the other's where it was.
    await alpha.op.send("/cancel", /cancel/i);
    await bravo.op.send("Bio", /How long/);
    await alpha.op.send("Bio", /did not understand/);

    for (const [self, other] of [both, [bravo, alpha]] as const) {
      const seen = visible(self.op);
      for (const mark of self.marks) expect(seen).toContain(mark);
      for (const mark of other.marks) expect(seen).not.toContain(mark);
      const mine = h.premiumpay.requests.filter((request) => request.clientId === self.clientId);
      expect(mine.length).toBeGreaterThan(0);
      // Each request carried this operator's own token, and named none of the other account's channels.
      expect(mine.every((request) => request.tokenMatched)).toBe(true);
      expect(requestsNaming(self.clientId, other.channelIds)).toEqual([]);
    }
    expect(
      h.premiumpay.requests.every((request) =>
        [alpha.clientId, bravo.clientId].includes(request.clientId ?? ""),
      ),
    ).toBe(true);
  });

  it("refuses a forged picker button naming the other operator's channel", async () => {
    const alpha = await tenant("Apple", 10, 930_011);
    const bravo = await tenant("Berry", 20, 930_012);
    await alpha.op.login();
    await bravo.op.login();
    const picker = await alpha.op.send("/link", hasButton(/^cp:c:/));
    h.premiumpay.clearRequests();

    const forged = h.telegram.clickButton(
      alpha.op.user,
      picker.messageId,
      stampedLike(picker, `cp:c:${bravo.channelIds[0]}`),
      {
        force: true,
      },
    );
    const answer = await h.telegram.waitFor(
      () => h.telegram.callbackQueries.get(forged.callback_query!.id)?.answer,
    );
    expect(answer.text).toBe("That channel is not in your list. Pick one of the buttons.");
    expect(answer.showAlert).toBe(true);
    // The flow is still at the picker, with only the operator's own channels.
    await alpha.op.click("Apple News", /Send a name/);
    expect(visible(alpha.op)).not.toContain("Berry");
    expect(requestsNaming(alpha.clientId, bravo.channelIds)).toEqual([]);
    expect(h.premiumpay.requests.filter((request) => request.clientId === bravo.clientId)).toEqual([]);
  });
});
