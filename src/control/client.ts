import { lstat } from "node:fs/promises";
import { connect } from "node:net";
import { join } from "node:path";
import {
  CONTROL_SOCKET,
  type ControlCommand,
  controlAnswerSchema,
  controlResultSchemas,
  type RequestOf,
  type ResultOf,
} from "./protocol.js";

export type BotReply<C extends ControlCommand> =
  | { ok: true; pid: number; result: ResultOf<C> }
  | { ok: false; pid: number; error: string };

/**
 * Asks the bot running on this data folder to carry out a request (see server.ts). Resolves undefined when no bot
 * listens there (no socket, or the socket of a bot that died), so the caller can do the work itself.
 */
export async function askRunningBot<C extends ControlCommand>(
  dataDir: string,
  request: RequestOf<C>,
): Promise<BotReply<C> | undefined> {
  const path = join(dataDir, CONTROL_SOCKET);
  const info = await lstat(path).catch(() => undefined);
  if (!info) return undefined;
  // Only a socket of our own user is a bot of ours: a request must not go to whatever else sits at the path.
  if (!info.isSocket() || (process.getuid && info.uid !== process.getuid()))
    throw new Error(`${path} is not a control socket of this user; remove it`);
  const text = await exchange(path, `${JSON.stringify(request)}\n`);
  if (text === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`the running bot's answer is not JSON: ${text.slice(0, 200)}`);
  }
  const answer = controlAnswerSchema.parse(json);
  if (!answer.ok) return answer;
  const result = controlResultSchemas[request.command].parse(answer.result) as ResultOf<C>;
  return { ok: true, pid: answer.pid, result };
}

/** Sends one line, reads everything until the bot closes; undefined when nobody listens at the path. */
function exchange(path: string, line: string): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    let received = "";
    let connected = false;
    const socket = connect(path, () => {
      connected = true;
      socket.end(line);
    });
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      received += chunk;
    });
    socket.on("error", (error: NodeJS.ErrnoException) => {
      if (!connected && (error.code === "ECONNREFUSED" || error.code === "ENOENT")) resolve(undefined);
      else reject(error);
    });
    socket.on("close", (hadError) => {
      if (hadError) return;
      if (received.trim() === "")
        reject(new Error("the running bot closed the control channel without answering (is it stopping?)"));
      else resolve(received.trim());
    });
  });
}
