import { timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Update } from "grammy/types";
import { z } from "zod";
import type { Logger } from "../logger.js";

/** Telegram's updates are far smaller; anything bigger is not from Telegram and is refused unread. */
export const MAX_BODY_BYTES = 1024 * 1024;
/**
 * Telegram redelivers an update it has no answer to after a while; an update still being handled after this long
 * is answered 200 and goes on, so a slow premiumpay never causes a redelivery.
 */
export const ANSWER_WITHIN_MS = 2000;

/** The least an update must be: its id. grammY reads the rest; the bot's middleware checks what it uses. */
const updateSchema = z.looseObject({ update_id: z.number().int().nonnegative() });

export interface WebhookServerOptions {
  host: string;
  port: number;
  /** Telegram echoes it in X-Telegram-Bot-Api-Secret-Token (set with setWebhook). */
  secret: string;
  logger: Logger;
  /** Handles one update; never rejects (failures go to the bot's error boundary). */
  handle(update: Update): Promise<void>;
  answerWithinMs?: number;
}

export interface WebhookServer {
  address: { host: string; port: number };
  /** Stops accepting requests and waits for the updates being handled. */
  close(): Promise<void>;
}

function sameSecret(given: string | string[] | undefined, expected: string): boolean {
  if (typeof given !== "string") return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

class BodyTooLargeError extends Error {}

/** Reads the body, refusing it as soon as it passes the limit (the declared length first, then what arrives). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"]);
    if (Number.isFinite(declared) && declared > limit) {
      reject(new BodyTooLargeError());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners("data");
        req.pause();
        reject(new BodyTooLargeError());
      } else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function answer(res: ServerResponse, status: number, close = false): void {
  if (res.headersSent) return;
  res.writeHead(status, close ? { connection: "close" } : {}).end();
}

/**
 * The HTTP side of webhook mode, written on node:http rather than grammY's webhookCallback because that one
 * rethrows handler errors (the user gets no message and Telegram a 500) and buffers bodies of any size.
 */
export async function startWebhookServer(options: WebhookServerOptions): Promise<WebhookServer> {
  const { logger } = options;
  const answerWithinMs = options.answerWithinMs ?? ANSWER_WITHIN_MS;
  const handling = new Set<Promise<void>>();

  const serve = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== "POST") return answer(res, 405);
    if (!sameSecret(req.headers["x-telegram-bot-api-secret-token"], options.secret)) {
      logger.warn({ from: req.socket.remoteAddress }, "webhook request without the right secret refused");
      return answer(res, 401, true);
    }
    let body: Buffer;
    try {
      body = await readBody(req, MAX_BODY_BYTES);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      logger.warn({ limitBytes: MAX_BODY_BYTES }, "webhook request body over the limit refused");
      // Closing the connection is what stops the client sending the rest.
      answer(res, 413, true);
      res.once("finish", () => req.destroy());
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(body.toString("utf8"));
    } catch {
      return answer(res, 400);
    }
    const parsed = updateSchema.safeParse(json);
    if (!parsed.success) return answer(res, 400);
    const done = options.handle(parsed.data as unknown as Update);
    handling.add(done);
    void done.finally(() => handling.delete(done));
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, answerWithinMs);
    });
    await Promise.race([done, late]);
    clearTimeout(timer);
    answer(res, 200);
  };

  const server = createServer((req, res) => {
    serve(req, res).catch((error: unknown) => {
      logger.error({ err: error }, "webhook request failed");
      answer(res, 500);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    address: { host: address, port },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await Promise.allSettled([...handling]);
    },
  };
}
