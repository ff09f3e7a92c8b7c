import { spawn } from "node:child_process";
import { once } from "node:events";
import { lstat, mkdtemp, rm, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { askRunningBot } from "../../src/control/client.js";
import { CONTROL_SOCKET, MAX_REQUEST_BYTES } from "../../src/control/protocol.js";
import { type ControlServer, serveControl } from "../../src/control/server.js";
import { createLogger } from "../../src/logger.js";

const logger = createLogger("silent");
const report = { sent: 1, loginAgain: 0, blocked: 0, failed: 0 };
const dirs: string[] = [];
const servers: ControlServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

async function folder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "ppbot-control-"));
  dirs.push(dir);
  return dir;
}

async function serve(dir: string, handle = async (_: { userId?: number }) => report) {
  const server = await serveControl(dir, { "digest-now": handle }, logger);
  servers.push(server!);
  return server!;
}

/** What a bot killed with SIGKILL leaves: a socket file nobody listens on. */
async function deadBotSocket(path: string): Promise<void> {
  const child = spawn(process.execPath, [
    "-e",
    `require("node:net").createServer().listen(${JSON.stringify(path)}, () => console.log("up"))`,
  ]);
  await once(child.stdout, "data");
  child.kill("SIGKILL");
  await once(child, "exit");
}

function rawExchange(path: string, payload: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    const client = connect(path, () => client.end(payload));
    client.setEncoding("utf8");
    client.on("data", (chunk: string) => {
      text += chunk;
    });
    client.on("error", reject);
    client.on("close", () => resolve(text));
  });
}

describe("control channel", () => {
  it("finds no bot when there is no socket, or only the socket of a bot that died", async () => {
    const dir = await folder();
    expect(await askRunningBot(dir, { command: "digest-now" })).toBeUndefined();
    await deadBotSocket(join(dir, CONTROL_SOCKET));
    expect(await askRunningBot(dir, { command: "digest-now" })).toBeUndefined();
  });

  it("replaces a dead bot's socket with its own, mode 0600, and carries out a request", async () => {
    const dir = await folder();
    await deadBotSocket(join(dir, CONTROL_SOCKET));
    const asked: unknown[] = [];
    const server = await serve(dir, async (request) => {
      asked.push(request);
      return report;
    });
    expect(((await lstat(server.path)).mode & 0o777).toString(8)).toBe("600");
    expect(await askRunningBot(dir, { command: "digest-now", userId: 42 })).toEqual({
      ok: true,
      pid: process.pid,
      result: report,
    });
    expect(asked).toEqual([{ command: "digest-now", userId: 42 }]);
    await server.close();
    expect(await askRunningBot(dir, { command: "digest-now" })).toBeUndefined();
  });

  it("answers a failed request with its message, and refuses one that is too long or not a request", async () => {
    const dir = await folder();
    const server = await serve(dir, async () => {
      throw new Error("user 7 is not logged in");
    });
    expect(await askRunningBot(dir, { command: "digest-now", userId: 7 })).toEqual({
      ok: false,
      pid: process.pid,
      error: "user 7 is not logged in",
    });
    const tooLong = JSON.parse(await rawExchange(server.path, "x".repeat(MAX_REQUEST_BYTES + 10)));
    expect(tooLong).toMatchObject({
      ok: false,
      error: `invalid request: longer than ${MAX_REQUEST_BYTES} bytes`,
    });
    const unknown = JSON.parse(await rawExchange(server.path, '{"command":"delete-everything"}\n'));
    expect(unknown).toMatchObject({ ok: false, error: expect.stringMatching(/^invalid request: command/) });
  });

  it("sends nothing to a path that is not a socket", async () => {
    const dir = await folder();
    await writeFile(join(dir, CONTROL_SOCKET), "");
    await expect(askRunningBot(dir, { command: "digest-now" })).rejects.toThrow(
      `${join(dir, CONTROL_SOCKET)} is not a control socket of this user; remove it`,
    );
  });
});
