import { chmod, readdir, rename, stat, unlink } from "node:fs/promises";
import { createServer, type Server, type Socket } from "node:net";
import { join } from "node:path";
import type { Logger } from "../logger.js";
import {
  CONTROL_SOCKET,
  type ControlHandlers,
  type ControlRequest,
  controlRequestSchema,
  MAX_REQUEST_BYTES,
} from "./protocol.js";

/** A client that connects and says nothing is dropped after this long. */
const REQUEST_TIMEOUT_MS = 10_000;
/** sun_path is 108 bytes on Linux (104 on macOS), the terminating NUL included. */
const MAX_SOCKET_PATH_BYTES = 103;

export interface ControlServer {
  readonly path: string;
  /** Stops taking requests and removes the socket; requests being carried out still get their answer. */
  close(): Promise<void>;
}

/**
 * Lets `npm run digest` and other commands ask the running bot to act, instead of opening its data folder (which
 * the bot holds locked). A unix domain socket in the data folder, mode 0600, no network port: bound under a
 * temporary name, restricted, then renamed into place, so it is never reachable with looser permissions. Call it
 * only while this process holds the folder's lock: any socket found there is then a dead bot's, and is replaced.
 * Returns undefined (with a warning) when the folder's path is too long for a socket address.
 */
export async function serveControl(
  dataDir: string,
  handlers: ControlHandlers,
  logger: Logger,
): Promise<ControlServer | undefined> {
  const path = join(dataDir, CONTROL_SOCKET);
  const temporary = join(dataDir, `control.${process.pid}.tmp`);
  if (Buffer.byteLength(temporary) > MAX_SOCKET_PATH_BYTES) {
    logger.warn(
      { path },
      "data folder path too long for the control socket: `npm run digest` cannot reach this bot while it runs",
    );
    return undefined;
  }
  await removeStaleTemporaries(dataDir);
  const connections = new Set<Socket>();
  // Half-open: a client ends its side after the request and still waits for the answer.
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    connections.add(socket);
    socket.once("close", () => connections.delete(socket));
    serve(socket, handlers, logger);
  });
  await listen(server, temporary);
  await chmod(temporary, 0o600);
  await rename(temporary, path);
  const { ino } = await stat(path);
  return {
    path,
    async close() {
      server.close();
      // Only our own socket: a test reopening the folder in this process may have put its own there since.
      if ((await stat(path).catch(() => undefined))?.ino === ino) await unlink(path).catch(() => {});
    },
  };
}

function listen(server: Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(path, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

async function removeStaleTemporaries(dataDir: string): Promise<void> {
  for (const name of await readdir(dataDir)) {
    if (/^control\.\d+\.tmp$/.test(name)) await unlink(join(dataDir, name)).catch(() => {});
  }
}

/** Reads one request line, answers one line, closes. */
function serve(socket: Socket, handlers: ControlHandlers, logger: Logger): void {
  let received = "";
  const answer = (reply: { ok: true; result: unknown } | { ok: false; error: string }) => {
    if (!socket.destroyed) socket.end(`${JSON.stringify({ ...reply, pid: process.pid })}\n`);
  };
  socket.setEncoding("utf8");
  socket.setTimeout(REQUEST_TIMEOUT_MS, () => socket.destroy());
  socket.on("error", () => socket.destroy());
  const onData = (chunk: string) => {
    received += chunk;
    const end = received.indexOf("\n");
    if (end < 0 && Buffer.byteLength(received) <= MAX_REQUEST_BYTES) return;
    socket.off("data", onData);
    socket.setTimeout(0);
    const request = parseRequest(end < 0 ? undefined : received.slice(0, end));
    if (!request.success) {
      logger.warn({ problem: request.error }, "control channel: refused an invalid request");
      answer({ ok: false, error: `invalid request: ${request.error}` });
      return;
    }
    logger.info({ request: request.data }, `control channel: ${request.data.command}`);
    run(handlers, request.data).then(
      (result) => answer({ ok: true, result }),
      (error: unknown) => {
        logger.warn({ err: error, request: request.data }, "control channel: the request failed");
        answer({ ok: false, error: String((error as Error).message ?? error).slice(0, 500) });
      },
    );
  };
  socket.on("data", onData);
}

function parseRequest(
  line: string | undefined,
): { success: true; data: ControlRequest } | { success: false; error: string } {
  if (line === undefined) return { success: false, error: `longer than ${MAX_REQUEST_BYTES} bytes` };
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return { success: false, error: "not JSON" };
  }
  const checked = controlRequestSchema.safeParse(json);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    return { success: false, error: `${issue?.path.join(".") || "(root)"}: ${issue?.message}` };
  }
  return { success: true, data: checked.data };
}

function run(handlers: ControlHandlers, request: ControlRequest): Promise<unknown> {
  switch (request.command) {
    case "digest-now":
      return handlers["digest-now"](request);
  }
}
