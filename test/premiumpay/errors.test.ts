import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import {
  createPremiumpayClient,
  isPremiumpayError,
  PremiumpayError,
  type PremiumpayErrorKind,
  PremiumpayRateLimitedError,
  PremiumpayRejectedError,
} from "../../src/premiumpay/index.js";
import { type PremiumpaySandbox, startPremiumpaySandbox } from "../../src/sandbox/premiumpay/index.js";
import { ago, clientFor, failure, NOW, only, useSandbox } from "./support.js";

let sandbox: PremiumpaySandbox;
const noRetry = { retry: { retries: 0 } };

useSandbox((started) => {
  sandbox = started;
});

/** Fails the test unless `error` is a premiumpay error of `kind` that leaks no token anywhere. */
function expectKind(error: unknown, kind: PremiumpayErrorKind): PremiumpayError {
  expect(isPremiumpayError(error, kind)).toBe(true);
  const e = error as PremiumpayError;
  const token = sandbox.demoClient.token;
  for (const text of [e.message, String(e.stack), JSON.stringify(e), JSON.stringify(e.cause ?? null)]) {
    expect(text).not.toContain(token);
    // A fragment is as bad as the whole: the signature alone can be replayed with the header and payload.
    expect(text).not.toContain(token.split(".")[2]);
  }
  return e;
}

describe("authentication", () => {
  it("401 for a token premiumpay did not sign is an auth error, not retried", async () => {
    const other = await startPremiumpaySandbox({ seed: 7, now: () => NOW });
    await other.close();
    const forged = { clientId: sandbox.demoClient.clientId, token: other.demoClient.token };
    const error = expectKind(await failure(clientFor(sandbox, forged).channels()), "auth");
    expect(error).toMatchObject({ status: 401, endpoint: "channels" });
    expect(error.message).toContain("Invalid token");
    expect(only(sandbox).tokenMatched).toBe(false);
  });

  it("403 when the token belongs to another client id", async () => {
    const mixed = { clientId: sandbox.clients[1]!.clientId, token: sandbox.demoClient.token };
    const error = expectKind(await failure(clientFor(sandbox, mixed).status()), "auth");
    expect(error.status).toBe(403);
    expect(only(sandbox).clientId).toBe(sandbox.clients[1]!.clientId);
  });

  it("a premiumpay message that echoes the token is redacted", async () => {
    const token = sandbox.demoClient.token;
    sandbox.faults.set("status", { status: 401, body: { status: "ko", error: `bad token ${token}` } });
    const error = expectKind(await failure(clientFor(sandbox).status()), "auth");
    expect(error.message).toContain("bad token <redacted>");
    sandbox.faults.set("channels", { ko: `token ${token} expired` });
    const rejected = expectKind(
      await failure(clientFor(sandbox).channels()),
      "rejected",
    ) as PremiumpayRejectedError;
    expect(rejected.premiumpayMessage).toBe("token <redacted> expired");
  });
});

describe("client id limit", () => {
  it("a 51-character client id is refused before anything is sent", async () => {
    const client = clientFor(sandbox, { clientId: "x".repeat(51), token: sandbox.demoClient.token });
    const error = expectKind(await failure(client.sales({ from: ago(1), to: NOW })), "invalid_request");
    expect(error.endpoint).toBe("sales");
    expect(error.message).toContain("51");
    expect(await failure(client.createPublicLink({ channelId: 1, name: "x" }))).toBeInstanceOf(
      PremiumpayError,
    );
    expect(sandbox.requests).toHaveLength(0);
  });

  it("an empty client id is refused too; version() needs none", async () => {
    const client = clientFor(sandbox, { clientId: "", token: sandbox.demoClient.token });
    expectKind(await failure(client.status()), "invalid_request");
    expect(sandbox.requests).toHaveLength(0);
    expect((await client.version()).version).toBe("1.0.0");
  });

  it("exactly 50 characters is sent (and the sandbox, not the client, refuses the unknown id)", async () => {
    const clientId = "y".repeat(50);
    const error = expectKind(
      await failure(clientFor(sandbox, { clientId, token: sandbox.demoClient.token }).status()),
      "auth",
    );
    expect(error.status).toBe(403);
    expect(only(sandbox).clientId).toBe(clientId);
  });
});

describe("invalid requests never leave the process", () => {
  it("an invalid Date, a reversed range or a fractional channel id", async () => {
    const client = clientFor(sandbox);
    expectKind(await failure(client.sales({ from: new Date("nope"), to: NOW })), "invalid_request");
    const reversed = expectKind(
      await failure(client.aggregatedSales({ from: NOW, to: ago(1) })),
      "invalid_request",
    );
    expect(reversed.message).toContain("end_date_time");
    expectKind(
      await failure(client.channelSales({ from: ago(1), to: NOW, channelId: 1.5 })),
      "invalid_request",
    );
    expectKind(
      await failure(client.setWelcomeMessage({ channelId: 1001, message: "  " })),
      "invalid_request",
    );
    expect(sandbox.requests).toHaveLength(0);
  });
});

describe("transport failures are unavailable", () => {
  it("5xx", async () => {
    sandbox.faults.set("channels", { status: 502 });
    const error = expectKind(await failure(clientFor(sandbox, undefined, noRetry).channels()), "unavailable");
    expect(error.status).toBe(502);
  });

  it("a timeout", async () => {
    sandbox.faults.set("status", { delayMs: 400 });
    const client = clientFor(sandbox, undefined, { ...noRetry, timeoutMs: 100 });
    const error = expectKind(await failure(client.status()), "unavailable");
    expect(error.message).toContain("100 ms");
    expect(error.status).toBeUndefined();
  });

  it("connection refused on a closed port", async () => {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const client = createPremiumpayClient({
      baseUrl: `http://127.0.0.1:${port}`,
      clientId: sandbox.demoClient.clientId,
      token: sandbox.demoClient.token,
      retry: { retries: 0 },
    });
    const error = expectKind(await failure(client.channels()), "unavailable");
    expect(error.cause).toMatchObject({ code: "ECONNREFUSED" });
    expect(Object.keys(error.cause as object).sort()).toEqual(["code", "message"]);
  });

  it("a dropped connection", async () => {
    sandbox.faults.set("gateways", { destroySocket: true });
    const error = expectKind(await failure(clientFor(sandbox, undefined, noRetry).gateways()), "unavailable");
    expect(error.cause).toMatchObject({ code: "ECONNRESET" });
  });
});

describe("rate limiting", () => {
  it("429 carries Retry-After as retryAfterSeconds", async () => {
    sandbox.faults.set("sales", { rateLimit: 7 });
    const error = expectKind(
      await failure(clientFor(sandbox, undefined, noRetry).sales({ from: ago(1), to: NOW })),
      "rate_limited",
    );
    expect(error).toBeInstanceOf(PremiumpayRateLimitedError);
    expect(error).toMatchObject({ status: 429, retryAfterSeconds: 7 });
  });

  it("429 without Retry-After has retryAfterSeconds null", async () => {
    sandbox.faults.set("sales", { status: 429 });
    const error = await failure(clientFor(sandbox, undefined, noRetry).sales({ from: ago(1), to: NOW }));
    expect(expectKind(error, "rate_limited")).toMatchObject({ retryAfterSeconds: null });
  });
});

describe("rejections", () => {
  it("a ko body with HTTP 200 is rejected with premiumpay's message", async () => {
    sandbox.faults.set("channels", { ko: "Client suspended" });
    const error = expectKind(await failure(clientFor(sandbox).channels()), "rejected");
    expect(error).toBeInstanceOf(PremiumpayRejectedError);
    expect(error).toMatchObject({ status: 200, premiumpayMessage: "Client suspended" });
  });

  it('"No data" from a creating call is a rejection, not success', async () => {
    sandbox.faults.set("setWelcomeMessage", { ko: "No data" });
    const error = await failure(clientFor(sandbox).setWelcomeMessage({ channelId: 1001, message: "Hi" }));
    expect(expectKind(error, "rejected")).toMatchObject({ premiumpayMessage: "No data" });
  });

  it("a 4xx with a message (the sandbox's unknown channel) is rejected with it", async () => {
    const error = await failure(
      clientFor(sandbox).channelSales({ from: ago(1), to: NOW, channelId: 999_999 }),
    );
    expect(expectKind(error, "rejected")).toMatchObject({
      status: 404,
      premiumpayMessage: "Channel not found",
    });
  });

  it("a 4xx with `message` instead of `error`, and one without any message", async () => {
    sandbox.faults.set("gateways", { status: 422, body: { message: "include_services invalid" } });
    const withMessage = await failure(clientFor(sandbox).gateways());
    expect(expectKind(withMessage, "rejected")).toMatchObject({
      premiumpayMessage: "include_services invalid",
    });
    sandbox.faults.set("gateways", { status: 400, body: "" });
    const bare = expectKind(await failure(clientFor(sandbox).gateways()), "rejected");
    expect(bare).toMatchObject({ status: 400, premiumpayMessage: "" });
    expect(bare.message).toContain("HTTP 400");
  });
});

describe("bad responses", () => {
  it("malformed JSON", async () => {
    sandbox.faults.set("channels", { malformedJson: true });
    expectKind(await failure(clientFor(sandbox).channels()), "bad_response");
  });

  it("a body of the wrong shape", async () => {
    sandbox.faults.set("channels", { body: { channels: "none" } });
    expectKind(await failure(clientFor(sandbox).channels()), "bad_response");
    sandbox.faults.set("sales", { body: [{ amount: "twelve" }] });
    const error = expectKind(
      await failure(clientFor(sandbox).sales({ from: ago(1), to: NOW })),
      "bad_response",
    );
    expect(error.message).toContain("0.amount");
  });

  it("an unexpected redirect is not followed", async () => {
    sandbox.faults.set("status", { status: 302, headers: { Location: "http://127.0.0.1:1/steal" } });
    const error = expectKind(await failure(clientFor(sandbox).status()), "bad_response");
    expect(error.status).toBe(302);
    expect(sandbox.requests).toHaveLength(1);
  });
});

describe("isPremiumpayError", () => {
  it("is false for other errors and narrows by kind", async () => {
    expect(isPremiumpayError(new Error("x"))).toBe(false);
    sandbox.faults.set("status", { rateLimit: 3 });
    const error = await failure(clientFor(sandbox, undefined, noRetry).status());
    expect(isPremiumpayError(error, "auth")).toBe(false);
    if (!isPremiumpayError(error) || error.kind !== "rate_limited") throw new Error("expected rate_limited");
    // Compiles only because the guard yields a union discriminated by `kind`.
    expect(error.retryAfterSeconds).toBe(3);
  });
});
