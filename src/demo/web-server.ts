/**
 * The demo's web chat: serves the static page, streams the emulator's events for the demo user's private chat as
 * server-sent events, and takes the user's messages and button taps as small JSON requests.
 */
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { BotCommand } from "grammy/types";
import { z } from "zod";
import type {
  BotApiEmulator,
  CallbackQueryRecord,
  SimUser,
  StoredMessage,
} from "../sandbox/telegram/index.js";
import { messageView } from "./render.js";

export interface DemoWebServerOptions {
  emulator: BotApiEmulator;
  /** The demo user the page opens as. */
  user: SimUser;
  /** A second demo user the page can switch to (`?as=<id>`), e.g. a teammate joining by invitation. */
  teammate?: SimUser;
  /** Shown on the page so a newcomer can log in without looking at the console. */
  credentials: { clientId: string; token: string };
  /** 0 picks a free port. */
  port: number;
  host?: string;
}

export interface DemoWebServer {
  url: string;
  close(): Promise<void>;
}

const PAGE_DIR = new URL("./page/", import.meta.url);
/** The only files served: a fixed table, so no request path ever reaches the file system. */
const STATIC_FILES: Record<string, { file: string; type: string }> = {
  "/": { file: "index.html", type: "text/html; charset=utf-8" },
  "/app.js": { file: "app.js", type: "text/javascript; charset=utf-8" },
  "/style.css": { file: "style.css", type: "text/css; charset=utf-8" },
  "/favicon.svg": { file: "favicon.svg", type: "image/svg+xml" },
};
/** Even if some HTML slipped through, no inline or foreign script could run. */
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const FILES_PREFIX = "/api/files/";
const API_PATHS = new Set(["/api/events", "/api/state", "/api/send", "/api/click"]);
const MAX_BODY_BYTES = 16 * 1024;
const HEARTBEAT_MS = 15_000;
const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

const sendSchema = z.object({
  text: z
    .string()
    .max(4096)
    .refine((text) => text.trim() !== "", "must not be empty"),
});
const clickSchema = z.object({
  messageId: z.number().int().positive(),
  data: z.string().min(1).max(64),
});

class HttpProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}

/**
 * Reads a JSON body. Requiring the JSON content type also keeps other web sites out: a cross-site form cannot send
 * it, and a cross-site fetch with it needs a preflight this server never grants.
 */
async function readJson(req: IncomingMessage): Promise<unknown> {
  const type = req.headers["content-type"] ?? "";
  if (!/^application\/json\s*(;|$)/i.test(type)) throw new HttpProblem(415, "send application/json");
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpProblem(413, "body too large");
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new HttpProblem(400, "body is not JSON");
  }
}

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new HttpProblem(400, `${issue?.path.join(".") || "body"}: ${issue?.message ?? "invalid"}`);
}

export async function startDemoWebServer(options: DemoWebServerOptions): Promise<DemoWebServer> {
  const { emulator, credentials } = options;
  const host = options.host ?? "127.0.0.1";
  const users = [options.user, ...(options.teammate ? [options.teammate] : [])];
  // Each user's chat must exist before their first message so the page can load an empty history.
  for (const user of users) emulator.addUser(user);
  /** Every open event stream, with the user (private chat) it follows. */
  const streams = new Map<ServerResponse, SimUser>();

  const visibleMessages = (user: SimUser) =>
    emulator
      .chat(user.id)
      .messages.filter((message) => !message.deleted)
      .map(messageView);
  const commands = (user: SimUser): BotCommand[] => emulator.menuCommandsFor(user);

  /** Sends an event to the streams of the user whose private chat it happened in. */
  const broadcast = (chatId: number, event: string, data: (user: SimUser) => unknown) => {
    for (const [stream, user] of streams) {
      if (user.id === chatId) stream.write(`event: ${event}\ndata: ${JSON.stringify(data(user))}\n\n`);
    }
  };
  const listeners = {
    message: (message: StoredMessage) => broadcast(message.chatId, "message", () => messageView(message)),
    edit: (message: StoredMessage) => broadcast(message.chatId, "edit", () => messageView(message)),
    delete: (message: StoredMessage) =>
      broadcast(message.chatId, "delete", () => ({ id: message.messageId })),
    commands: () => {
      for (const user of users) broadcast(user.id, "commands", commands);
    },
    callbackAnswer: (query: CallbackQueryRecord) =>
      broadcast(query.userId, "callbackAnswer", () => ({
        id: query.id,
        text: query.answer?.text ?? null,
        showAlert: query.answer?.showAlert ?? false,
      })),
    chatAction: (action: { chatId: number; action: string }) =>
      broadcast(action.chatId, "chatAction", () => ({ action: action.action })),
  };
  emulator.events.on("message", listeners.message);
  emulator.events.on("edit", listeners.edit);
  emulator.events.on("delete", listeners.delete);
  emulator.events.on("commands", listeners.commands);
  emulator.events.on("callbackAnswer", listeners.callbackAnswer);
  emulator.events.on("chatAction", listeners.chatAction);
  const heartbeat = setInterval(() => {
    for (const stream of streams.keys()) stream.write(": keep-alive\n\n");
  }, HEARTBEAT_MS);

  const openStream = (req: IncomingMessage, res: ServerResponse, user: SimUser) => {
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store",
      connection: "keep-alive",
    });
    // The page reloads the whole chat on every (re)connection, so nothing missed while away is lost.
    res.write("retry: 1000\n\n");
    streams.set(res, user);
    req.on("close", () => streams.delete(res));
  };

  const serveStatic = async (res: ServerResponse, entry: { file: string; type: string }) => {
    const body = await readFile(new URL(entry.file, PAGE_DIR));
    res.writeHead(200, {
      "content-type": entry.type,
      "cache-control": "no-cache",
      "content-security-policy": CONTENT_SECURITY_POLICY,
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
    });
    res.end(body);
  };

  /** Only files the bot sent in a demo user's chat; photos inline when they are PNG, everything else a download. */
  const serveFile = (res: ServerResponse, fileId: string) => {
    const shown = users.some((user) =>
      emulator.chat(user.id).messages.some((message) => !message.deleted && message.media?.fileId === fileId),
    );
    const file = shown ? emulator.file(fileId) : undefined;
    if (file === undefined) throw new HttpProblem(404, "no such file in this chat");
    const inline = file.kind === "photo" && file.width > 0;
    res.writeHead(200, {
      "content-type": inline ? "image/png" : "application/octet-stream",
      "content-length": file.bytes.length,
      "content-disposition": inline
        ? "inline"
        : `attachment; filename*=UTF-8''${encodeURIComponent(file.fileName)}`,
      "cache-control": "no-cache",
      "content-security-policy": CONTENT_SECURITY_POLICY,
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
    });
    res.end(file.bytes);
  };

  const route = async (req: IncomingMessage, res: ServerResponse) => {
    // A DNS-rebinding page on another name must not drive the demo user.
    const hostname = (req.headers.host ?? "").replace(/:\d+$/, "");
    if (!LOCAL_HOSTS.has(hostname)) throw new HttpProblem(403, "use the 127.0.0.1 or localhost address");
    const url = new URL(req.url ?? "/", "http://demo");
    const path = url.pathname;
    // Which demo user the page acts as: `?as=<id>`, one of the configured users; the first by default.
    const as = url.searchParams.get("as");
    const user = as === null ? users[0]! : users.find((candidate) => String(candidate.id) === as);
    if (!user) throw new HttpProblem(400, "no such demo user");
    const method = req.method ?? "GET";
    const page = STATIC_FILES[path];
    if (page !== undefined && (method === "GET" || method === "HEAD")) return serveStatic(res, page);
    if (path === "/api/events" && method === "GET") return openStream(req, res, user);
    if (path === "/api/state" && method === "GET") {
      return sendJson(res, 200, {
        bot: { name: emulator.botInfo.first_name, username: emulator.botInfo.username },
        user: { id: user.id, name: user.first_name },
        users: users.map((candidate) => ({ id: candidate.id, name: candidate.first_name })),
        // The teammate joins by invitation: the sandbox login is pinned for the operator only.
        credentials: user === users[0] ? credentials : null,
        messages: visibleMessages(user),
        commands: commands(user),
      });
    }
    if (path.startsWith(FILES_PREFIX) && (method === "GET" || method === "HEAD")) {
      return serveFile(res, decodeURIComponent(path.slice(FILES_PREFIX.length)));
    }
    if (path === "/api/send" && method === "POST") {
      const { text } = parse(sendSchema, await readJson(req));
      const update = emulator.sendText(user, text);
      return sendJson(res, 200, { messageId: update.message?.message_id });
    }
    if (path === "/api/click" && method === "POST") {
      const { messageId, data } = parse(clickSchema, await readJson(req));
      const message = emulator.chat(user.id).messages.find((m) => m.messageId === messageId && !m.deleted);
      const offered = message?.replyMarkup?.inline_keyboard
        .flat()
        .some((button) => "callback_data" in button && button.callback_data === data);
      // Only buttons the chat shows, as in Telegram; the emulator would throw for anything else.
      if (!offered) throw new HttpProblem(400, "no such button on that message");
      const update = emulator.clickButton(user, messageId, data);
      return sendJson(res, 200, { callbackQueryId: update.callback_query?.id });
    }
    if (page !== undefined || API_PATHS.has(path)) throw new HttpProblem(405, "method not allowed");
    throw new HttpProblem(404, "not found");
  };

  const server: Server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof HttpProblem) sendJson(res, error.status, { error: error.message });
      else sendJson(res, 500, { error: error instanceof Error ? error.message : String(error) });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= new Promise<void>((resolve) => {
      clearInterval(heartbeat);
      emulator.events.off("message", listeners.message);
      emulator.events.off("edit", listeners.edit);
      emulator.events.off("delete", listeners.delete);
      emulator.events.off("commands", listeners.commands);
      emulator.events.off("callbackAnswer", listeners.callbackAnswer);
      emulator.events.off("chatAction", listeners.chatAction);
      for (const stream of streams.keys()) stream.end();
      streams.clear();
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closing;
  };
  return { url: `http://${host}:${port}/`, close };
}
