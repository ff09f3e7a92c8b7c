import { connect, createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, type ExpectStatic, it } from "vitest";
import type { DigestRunReport } from "../../src/digest/index.js";
import type { EndpointName } from "../../src/premiumpay/endpoints.js";
import type { SandboxFault } from "../../src/sandbox/premiumpay/index.js";
import type { StoredMessage } from "../../src/sandbox/telegram/index.js";
import { buttonsOf, type Harness, hasButton, type OperatorDriver, startHarness } from "../support/harness.js";
import { reusablePort } from "../support/ports.js";

/*
 * Every premiumpay fault × every flow that calls premiumpay. Each flow has its own harness (bot, sandbox, and a
 * relay in front of the sandbox whose port can be closed), so the cells of one fault run at once, one per flow.
 */

/** Scaled down from production so that the "9-second answer" and timeouts stay fast: the ratio is what matters. */
const TIMEOUT_MS = 400;
/** A clock far from the digest's hour, so the scheduler never sends on its own while cells run. */
const NOW = new Date("2026-03-11T10:15:00Z");
const TODAY = "2026-03-11";
const FAILURE_WAIT_MS = 12_000;

type Kind = "unavailable" | "rate_limited" | "auth" | "bad_response" | "rejected";

interface FaultCase {
  name: string;
  kind: Kind;
  /** A sandbox fault on the flow's endpoint; absent for a closed port, which refuses every endpoint. */
  fault?: SandboxFault;
  /** premiumpay receives and processes the request after the client gave up (a late answer). */
  processedLate?: boolean;
}

const FAULTS: FaultCase[] = [
  { name: "connection refused", kind: "unavailable" },
  { name: "dropped connection", kind: "unavailable", fault: { destroySocket: true } },
  { name: "timeout", kind: "unavailable", fault: { delayMs: TIMEOUT_MS * 2 }, processedLate: true },
  { name: "HTTP 500", kind: "unavailable", fault: { status: 500 } },
  { name: "HTTP 502", kind: "unavailable", fault: { status: 502 } },
  { name: "HTTP 503", kind: "unavailable", fault: { status: 503 } },
  { name: "429 Retry-After 60", kind: "rate_limited", fault: { rateLimit: 60 } },
  { name: "HTTP 401", kind: "auth", fault: { status: 401, body: { status: "ko", error: "Token expired" } } },
  { name: "HTTP 403", kind: "auth", fault: { status: 403 } },
  { name: "malformed JSON", kind: "bad_response", fault: { malformedJson: true } },
  { name: "unexpected shape", kind: "bad_response", fault: { body: "OK" } },
  { name: "ko with message", kind: "rejected", fault: { ko: "Channel is archived" } },
  { name: "9-second answer", kind: "unavailable", fault: { delayMs: 9000 }, processedLate: true },
];

/** How each kind of failure reads to the operator (English). */
const FAILURE_TEXT: Record<Kind, RegExp> = {
  unavailable: /premiumpay cannot be reached right now/,
  rate_limited: /premiumpay is limiting requests right now\. Please try again in \D?60\D? s/,
  auth: /premiumpay no longer accepts your credentials[\s\S]*\/login to log in again/,
  bad_response: /premiumpay answered in a way I do not understand/,
  rejected: /premiumpay refused the request: Channel is archived/,
};

// ---- A relay in front of the sandbox: closing it is a real "connection refused" ----

class Relay {
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  port = 0;
  target = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async open(): Promise<void> {
    const server = createServer((inbound) => {
      const outbound = connect(this.target, "127.0.0.1");
      for (const socket of [inbound, outbound]) {
        this.sockets.add(socket);
        socket.on("close", () => this.sockets.delete(socket));
        socket.on("error", () => socket.destroy());
      }
      inbound.on("close", () => outbound.destroy());
      outbound.on("close", () => inbound.destroy());
      inbound.pipe(outbound).pipe(inbound);
    });
    // Reopened on the same port after each "connection refused" cell: a port no other test's listen(0) can take.
    if (this.port === 0) this.port = await reusablePort();
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port, "127.0.0.1", resolve);
    });
    this.server = server;
  }

  /** Nothing listens on the port any more, and kept-alive connections are gone. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

// ---- One harness per flow ----

interface FlowEnv {
  h: Harness;
  relay: Relay;
  /** Logged in with the demo account; reused by every cell of the flow. */
  op: OperatorDriver;
  /** Unique per cell: names links and welcome messages so a late write is attributed to the right cell. */
  cell: number;
}

interface CellCheck {
  expect: ExpectStatic;
  fault: FaultCase;
  env: FlowEnv;
  arm(): Promise<void>;
  disarm(): Promise<void>;
}

interface FlowDriver {
  column: string;
  endpoint: EndpointName;
  run(check: CellCheck): Promise<void>;
}

const RETRY_LABEL = /Try again|token again/;
const SECRET_OR_TRACE = /\bat .+:\d+:\d+|Error:|ECONN|ETIMEDOUT|stack|undefined|\{ ?\$|eyJ[\w-]{5,}\./;

function requestsTo(h: Harness, endpoint: EndpointName) {
  return h.premiumpay.requests.filter((request) => request.endpoint === endpoint).length;
}

async function operatorRecord(env: FlowEnv, op: OperatorDriver = env.op): Promise<string> {
  return JSON.stringify((await env.h.app.deps.store.getOperator(op.user.id)) ?? null);
}

/** The bot's messages in the chat since `from` (by position in the chat's history), as they are now. */
function botMessagesSince(env: FlowEnv, op: OperatorDriver, from: number): StoredMessage[] {
  return env.h.telegram
    .chat(op.chatId)
    .messages.slice(from)
    .filter((message) => message.from === "bot");
}

function chatLength(env: FlowEnv, op: OperatorDriver): number {
  try {
    return env.h.telegram.chat(op.chatId).messages.length;
  } catch {
    return 0;
  }
}

const labels = (message: StoredMessage | undefined) => buttonsOf(message).map((button) => button.text);

/** What every cell must hold whatever the flow: no trace or secret shown, no unhandled error, a way forward. */
function checkWhatTheOperatorSees(
  { expect, env, fault }: CellCheck,
  op: OperatorDriver,
  shown: StoredMessage[],
  failure: StoredMessage,
  logsFrom: number,
): void {
  const secrets = [op.account.token, env.h.telegram.token, env.h.config.credentialsKey.toString("hex")];
  for (const message of shown) {
    expect(message.text).not.toMatch(SECRET_OR_TRACE);
    expect(message.text).not.toMatch(/Something went wrong on my side/);
    for (const secret of secrets) expect(message.html).not.toContain(secret);
  }
  const failedUpdates = env.h.logs.slice(logsFrom).filter((line) => line.includes('"update failed"'));
  expect(failedUpdates).toEqual([]);
  // A way forward: a retry button, or (credentials refused) the way to log in again.
  const canRetry = labels(failure).some((label) => RETRY_LABEL.test(label));
  if (fault.kind === "auth") expect(canRetry || /log in again/.test(failure.text)).toBe(true);
  else expect(canRetry).toBe(true);
}

/** Ends the cell the way an operator would move on: any command leaves the flow, and the bot must still answer. */
async function stillUp(expect: ExpectStatic, op: OperatorDriver): Promise<void> {
  const help = await op.send("/help", /What I can do/);
  expect(help.text).toContain("/link");
}

interface ChatFlow {
  column: string;
  endpoint: EndpointName;
  /** A fresh operator for each cell (login), instead of the flow's logged-in one. */
  freshOperator?: boolean;
  /** Walks to the step that calls premiumpay and returns the action that makes the call. */
  reach(env: FlowEnv, op: OperatorDriver): Promise<(expect: RegExp) => Promise<StoredMessage>>;
  failureText?(kind: Kind): RegExp;
  /** After the fault is gone, the failure's way forward leads to this. Absent: the flow ended with the failure. */
  recover?(env: FlowEnv, op: OperatorDriver, kind: Kind): Promise<void>;
  /** For creating calls: whether premiumpay holds what this cell tried to create. */
  stored?(env: FlowEnv): boolean;
  /** The text of a failure after which premiumpay may hold the result anyway. */
  unconfirmedText?: RegExp;
}

function chatFlow(flow: ChatFlow): FlowDriver {
  return {
    column: flow.column,
    endpoint: flow.endpoint,
    async run(check) {
      const { expect, env, fault } = check;
      const { h } = env;
      const op = flow.freshOperator ? h.operator() : env.op;
      const action = await flow.reach(env, op);
      const before = await operatorRecord(env, op);
      const chatFrom = chatLength(env, op);
      const logsFrom = h.logs.length;
      const callsFrom = requestsTo(h, flow.endpoint);

      await check.arm();
      const expected = flow.failureText?.(fault.kind) ?? FAILURE_TEXT[fault.kind];
      const failure = await action(expected);
      expect(await operatorRecord(env, op)).toBe(before);
      checkWhatTheOperatorSees(check, op, botMessagesSince(env, op, chatFrom), failure, logsFrom);

      if (flow.stored) {
        // One confirmation, one creating call: never retried behind the operator's back (a closed port sees none).
        expect(requestsTo(h, flow.endpoint) - callsFrom).toBe(fault.fault ? 1 : 0);
        if (fault.processedLate) {
          // premiumpay got it and may store it after the bot gave up: the bot must not claim it was not done.
          expect(failure.text).toMatch(flow.unconfirmedText!);
          if (fault.fault && "delayMs" in fault.fault && fault.fault.delayMs < FAILURE_WAIT_MS) {
            await h.telegram.waitFor(() => flow.stored!(env), FAILURE_WAIT_MS);
          }
        } else {
          expect(flow.stored(env)).toBe(false);
        }
      }

      await check.disarm();
      const retryable = labels(failure).some((label) => RETRY_LABEL.test(label));
      if (flow.recover && retryable) {
        const callsBeforeRetry = requestsTo(h, flow.endpoint);
        await flow.recover(env, op, fault.kind);
        if (flow.stored) {
          expect(requestsTo(h, flow.endpoint) - callsBeforeRetry).toBe(1);
          expect(flow.stored(env)).toBe(true);
        }
      }
      await stillUp(expect, op);
    },
  };
}

// ---- The flows ----

const LINK_CHANNEL = "Fitness Premium";
const WELCOME_CHANNEL = "Crypto Academy";
const linkName = (env: FlowEnv) => `matrix ${env.cell}`;
const welcomeText = (env: FlowEnv) => `Welcome! (matrix cell ${env.cell})`;
const channelOf = (env: FlowEnv, name: string) =>
  env.h.premiumpay.data(env.op.account.clientId).channels.find((channel) => channel.name === name)!;

const login = chatFlow({
  column: "login",
  endpoint: "status",
  freshOperator: true,
  async reach(_env, op) {
    await op.send("/start", /client id/);
    await op.send(op.account.clientId, /API token/);
    return (expected) => op.send(op.account.token, expected, FAILURE_WAIT_MS);
  },
  failureText: (kind) =>
    kind === "auth"
      ? /did not accept this client id and token/
      : kind === "unavailable" || kind === "rate_limited"
        ? /cannot be reached right now, so I could not check your credentials\. Nothing was saved/
        : new RegExp(`${FAILURE_TEXT[kind].source}[\\s\\S]*Nothing was saved`),
  async recover(_env, op) {
    await op.click("Enter the token again", /API token/);
    await op.send(op.account.token, hasButton("m:channels"));
  },
});

const picker = chatFlow({
  column: "channel picker",
  endpoint: "channels",
  async reach(_env, op) {
    return (expected) => op.send("/link", expected, FAILURE_WAIT_MS);
  },
  async recover(_env, op) {
    await op.click("Try again", hasButton(/^cp:c:/));
  },
});

const publicLink = chatFlow({
  column: "public link",
  endpoint: "createPublicLink",
  async reach(env, op) {
    await op.send("/link", hasButton(/^cp:c:/));
    await op.click(LINK_CHANNEL, /Send a name/);
    await op.send(linkName(env), /How long/);
    await op.click(/^7 days$/, /approve each join request/);
    await op.click(/^No$/, /Check the new link/);
    return (expected) => op.click("Create the link", expected, FAILURE_WAIT_MS);
  },
  failureText: (kind) =>
    kind === "auth"
      ? FAILURE_TEXT.auth
      : new RegExp(
          `${FAILURE_TEXT[kind].source}[\\s\\S]*${
            kind === "unavailable" || kind === "bad_response" ? "did not confirm the link" : "was not created"
          }`,
        ),
  unconfirmedText: /did not confirm the link/,
  stored: (env) => channelOf(env, LINK_CHANNEL).links.some((link) => link.name === linkName(env)),
  async recover(_env, op) {
    await op.click("Try again", /Link created/);
  },
});

const welcome = chatFlow({
  column: "welcome message",
  endpoint: "setWelcomeMessage",
  async reach(env, op) {
    await op.send("/welcome", hasButton(/^cp:c:/));
    await op.click(WELCOME_CHANNEL, /Send the message new members will receive/);
    await op.send(welcomeText(env), /invitation links of/);
    await op.click("No invitation link", /Add a button under the message/);
    await op.click("No button", /That is exactly what new members/);
    return (expected) => op.click("Confirm", expected, FAILURE_WAIT_MS);
  },
  unconfirmedText: /cannot tell whether|did not confirm/,
  stored: (env) =>
    env.h.premiumpay.data(env.op.account.clientId).welcomeMessages.get(channelOf(env, WELCOME_CHANNEL).id)
      ?.message === welcomeText(env),
  async recover(_env, op) {
    await op.click("Try again", /welcome message for .* is saved/);
  },
});

const sales = chatFlow({
  column: "today's sales",
  endpoint: "channelSales",
  async reach(_env, op) {
    await op.send("/sales", /Pick a channel/);
    await op.click("Trading Signals VIP", /all links, or of one link/);
    return (expected) => op.click("All links", expected, FAILURE_WAIT_MS);
  },
  async recover(_env, op) {
    await op.click("Try again", /Sales:/);
  },
});

const results = chatFlow({
  column: "results",
  endpoint: "channelResults",
  async reach(_env, op) {
    await op.send("/results", /Pick a channel/);
    await op.click("Recetas Secretas", /Which period\?/);
    return (expected) => op.click("Today", expected, FAILURE_WAIT_MS);
  },
  async recover(_env, op) {
    await op.click("Try again", /results\n/);
  },
});

const reportAggregated = chatFlow({
  column: "report: by country",
  endpoint: "aggregatedSales",
  async reach(_env, op) {
    await op.send("/report", /Which report/);
    await op.click("Sales by country", /Which period/);
    return (expected) => op.click("Yesterday", expected, FAILURE_WAIT_MS);
  },
  async recover(_env, op) {
    await op.click("Try again", /Yesterday, 2026-03-10/);
  },
});

const reportGateways = chatFlow({
  column: "report: gateways",
  endpoint: "gateways",
  async reach(_env, op) {
    await op.send("/report", /Which report/);
    return (expected) => op.click("Sales of a gateway or service", expected, FAILURE_WAIT_MS);
  },
  async recover(_env, op) {
    await op.click("Try again", /Which gateway\?/);
  },
});

const reportSales = chatFlow({
  column: "report: gateway sales",
  endpoint: "sales",
  async reach(_env, op) {
    await op.send("/report", /Which report/);
    await op.click("Sales of a gateway or service", /Which gateway\?/);
    await op.click("Stripe", /All its services, or one of them/);
    await op.click("All services", /Which period/);
    return (expected) => op.click("Last 7 days", expected, FAILURE_WAIT_MS);
  },
  async recover(_env, op) {
    await op.click("Try again", /Sales:/);
  },
});

/**
 * The digest has no one to answer at the moment it fails: without the channel list it sends nothing, keeps the
 * day open and is built again on a later turn; refused credentials get one "log in again" message instead.
 */
function digestFlow(column: string, endpoint: EndpointName): FlowDriver {
  return {
    column,
    endpoint,
    async run(check) {
      const { expect, env, fault } = check;
      const { h, op } = env;
      const digest = h.app.digest;
      const userId = op.user.id;
      await h.app.deps.store.updateOperator(userId, { digest: { lastSentLocalDate: null } });
      const chatFrom = chatLength(env, op);
      const logsFrom = h.logs.length;

      await check.arm();
      const report: DigestRunReport = await digest.runNow({ userId });
      const shown = botMessagesSince(env, op, chatFrom);
      const lastSent = async () => (await h.app.deps.store.getOperator(userId))?.digest.lastSentLocalDate;
      for (const message of shown) expect(message.text).not.toMatch(SECRET_OR_TRACE);
      expect(h.logs.slice(logsFrom).join("\n")).not.toContain(op.account.token);
      const noChannelList = endpoint === "channels" || fault.fault === undefined;

      if (fault.kind === "auth") {
        expect(report).toMatchObject({ loginAgain: 1, sent: 0, failed: 0 });
        expect(shown.map((message) => message.text)).toEqual([
          expect.stringMatching(/could not prepare your daily digest[\s\S]*\/login to log in again/),
        ]);
        expect(await lastSent()).toBe(TODAY);
      } else if (noChannelList) {
        // Nothing half-sent: no message, the day stays open for the next turn.
        expect(report).toMatchObject({ failed: 1, sent: 0 });
        expect(shown).toEqual([]);
        expect(await lastSent()).toBeNull();
      } else {
        // The digest goes out with the figures it has and says which ones are missing.
        expect(report).toMatchObject({ sent: 1, failed: 0 });
        const text = shown.map((message) => message.text).join("\n");
        expect(text).toMatch(/Your sales on/);
        const channels = h.premiumpay.data(op.account.clientId).channels.length;
        expect(text.match(/premiumpay did not answer for this channel/g)).toHaveLength(channels);
        expect(await lastSent()).toBe(TODAY);
      }

      await check.disarm();
      if (fault.kind !== "auth" && noChannelList) {
        const next = op.nextBotMessage(/Your sales on/, FAILURE_WAIT_MS);
        expect(await digest.runNow({ userId })).toMatchObject({ sent: 1 });
        expect((await next).text).not.toMatch(/did not answer/);
        expect(await lastSent()).toBe(TODAY);
      }
      await stillUp(expect, op);
    },
  };
}

const FLOWS: FlowDriver[] = [
  login,
  picker,
  publicLink,
  welcome,
  sales,
  results,
  reportAggregated,
  reportGateways,
  reportSales,
  digestFlow("digest: channel list", "channels"),
  digestFlow("digest: channel figures", "channelSales"),
];

// ---- The matrix ----

const envs = new Map<string, FlowEnv>();
const matrix = new Map<string, Map<string, string>>();
let cellCounter = 0;

function record(fault: string, column: string, outcome: string): void {
  const row = matrix.get(fault) ?? new Map<string, string>();
  row.set(column, outcome);
  matrix.set(fault, row);
}

function printMatrix(): void {
  const header = ["fault", ...FLOWS.map((flow) => flow.column)];
  const rows = FAULTS.map((fault) => [
    fault.name,
    ...FLOWS.map((flow) => matrix.get(fault.name)?.get(flow.column) ?? "not run"),
  ]);
  const widths = header.map((title, index) =>
    Math.max(title.length, ...rows.map((row) => (row[index] ?? "").length)),
  );
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(" | ")} |`;
  const rule = `|${widths.map((width) => "-".repeat(width + 2)).join("|")}|`;
  console.log(["premiumpay fault matrix", line(header), rule, ...rows.map(line)].join("\n"));
}

beforeAll(async () => {
  await Promise.all(
    FLOWS.map(async (flow) => {
      const relay = new Relay();
      await relay.open();
      const h = await startHarness({
        now: () => NOW,
        env: {
          PREMIUMPAY_API_URL: relay.url,
          PREMIUMPAY_TIMEOUT_MS: String(TIMEOUT_MS),
          DIGEST_DEFAULT_TIME: "23:00",
          DIGEST_CATCH_UP_HOURS: "0",
        },
      });
      relay.target = h.premiumpay.port;
      const op = h.operator();
      await op.login();
      envs.set(flow.column, { h, relay, op, cell: 0 });
    }),
  );
}, 60_000);

afterAll(async () => {
  printMatrix();
  await Promise.all([...envs.values()].map(async ({ h, relay }) => Promise.all([h.stop(), relay.close()])));
});

describe.each(FAULTS)("premiumpay $name", (fault) => {
  it.concurrent.for(FLOWS)("$column", { timeout: 45_000 }, async (flow, { expect }) => {
    const env = envs.get(flow.column)!;
    env.cell = ++cellCounter;
    const sandboxFaults = env.h.premiumpay.faults;
    const check: CellCheck = {
      expect,
      fault,
      env,
      async arm() {
        if (fault.fault) sandboxFaults.set(flow.endpoint, fault.fault);
        else await env.relay.close();
      },
      async disarm() {
        sandboxFaults.clear();
        if (!fault.fault) await env.relay.open();
      },
    };
    try {
      await flow.run(check);
      record(fault.name, flow.column, "✓");
    } catch (error) {
      const first = (error instanceof Error ? error.message : String(error)).split("\n")[0] ?? "";
      record(fault.name, flow.column, `✗ ${first.slice(0, 60)}`);
      await check.disarm().catch(() => undefined);
      await env.op.send("/cancel").catch(() => undefined);
      throw error;
    }
  });
});
