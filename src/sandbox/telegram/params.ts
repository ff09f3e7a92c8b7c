import type { IncomingMessage } from "node:http";
import busboy from "busboy";

/** A Bot API error answer: `{ ok: false, error_code, description, parameters? }`. */
export class ApiError extends Error {
  constructor(
    readonly errorCode: number,
    readonly description: string,
    readonly retryAfter?: number,
    /** A group that became a supergroup: where to write instead. */
    readonly migrateToChatId?: number,
  ) {
    super(description);
  }
}

export const badRequest = (detail: string) => new ApiError(400, `Bad Request: ${detail}`);

export type Params = Record<string, unknown>;

/** A file sent in a multipart body. Logged calls show its name and size, never its bytes. */
export class UploadedFile {
  constructor(
    readonly fileName: string,
    readonly mimeType: string,
    readonly bytes: Buffer,
  ) {}

  toJSON(): { fileName: string; mimeType: string; size: number } {
    return { fileName: this.fileName, mimeType: this.mimeType, size: this.bytes.length };
  }
}

/** Telegram refuses a request body past its upload limit (50 MB for documents) before looking at it. */
export const MAX_REQUEST_BYTES = 50 * 1024 * 1024 + 1024 * 1024;

/**
 * Reads a method's parameters the ways the Bot API accepts them: query string, JSON,
 * urlencoded or multipart body. Form values arrive as strings; the accessors below coerce them.
 */
export async function readParams(req: IncomingMessage, url: URL): Promise<Params> {
  const params: Params = Object.fromEntries(url.searchParams);
  const chunks: Buffer[] = [];
  let size = 0;
  // Past the limit the rest is read and dropped, so the client gets its answer instead of a reset connection.
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= MAX_REQUEST_BYTES) chunks.push(chunk as Buffer);
  }
  if (size > MAX_REQUEST_BYTES) throw new ApiError(413, "Request Entity Too Large");
  const body = Buffer.concat(chunks);
  if (body.length === 0) return params;
  const contentType = req.headers["content-type"] ?? "";
  if (contentType.startsWith("application/json")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString("utf8"));
    } catch {
      throw badRequest("can't parse JSON body");
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw badRequest("JSON body must be an object");
    }
    return { ...params, ...(parsed as Params) };
  }
  if (contentType.startsWith("application/x-www-form-urlencoded")) {
    return { ...params, ...Object.fromEntries(new URLSearchParams(body.toString("utf8"))) };
  }
  if (contentType.startsWith("multipart/form-data")) {
    return { ...params, ...(await parseMultipart(body, contentType)) };
  }
  throw badRequest(`unsupported content type "${contentType}"`);
}

export function optString(params: Params, name: string): string | undefined {
  const value = params[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  throw badRequest(`field "${name}" must be of type String`);
}

export function optInt(params: Params, name: string): number | undefined {
  const value = params[name];
  if (value === undefined || value === null || value === "") return undefined;
  const number = typeof value === "string" ? Number(value) : value;
  if (typeof number !== "number" || !Number.isInteger(number)) {
    throw badRequest(`field "${name}" must be of type Integer`);
  }
  return number;
}

export function optBool(params: Params, name: string): boolean {
  const value = params[name];
  return value === true || value === "true" || value === "True" || value === 1 || value === "1";
}

/** Objects and arrays arrive JSON-encoded in form bodies and as-is in JSON bodies. */
export function optJson(params: Params, name: string): unknown {
  const value = params[name];
  if (typeof value !== "string") return value ?? undefined;
  try {
    return JSON.parse(value);
  } catch {
    throw badRequest(`can't parse ${name} JSON object`);
  }
}

/** `chat_id` as a number; `@username` chats are not emulated, so they are unknown like any other chat. */
export function requireChatId(params: Params): number {
  const value = params.chat_id;
  if (value === undefined || value === null || value === "") throw badRequest("chat_id is empty");
  const id = typeof value === "string" ? Number(value) : value;
  if (typeof id !== "number" || !Number.isInteger(id)) throw badRequest("chat not found");
  return id;
}

export function requireMessageId(params: Params): number {
  const id = optInt(params, "message_id");
  if (id === undefined) throw badRequest("message identifier is not specified");
  return id;
}

/**
 * Fields and files of a multipart body. busboy rather than the WHATWG parser: grammY writes unquoted file names
 * (`filename=c.png`), which that parser refuses. A field `attach://<name>` stands for the file part `<name>`.
 */
function parseMultipart(body: Buffer, contentType: string): Promise<Params> {
  return new Promise((resolve, reject) => {
    const fields: Params = {};
    const files = new Map<string, UploadedFile>();
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: { "content-type": contentType } });
    } catch {
      reject(badRequest("can't parse multipart body"));
      return;
    }
    parser.on("field", (name, value) => {
      fields[name] = value;
    });
    parser.on("file", (name, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () =>
        files.set(name, new UploadedFile(info.filename ?? name, info.mimeType, Buffer.concat(chunks))),
      );
    });
    parser.on("error", () => reject(badRequest("can't parse multipart body")));
    parser.on("close", () => {
      for (const [name, value] of Object.entries(fields)) {
        const attached =
          typeof value === "string" && value.startsWith("attach://") ? files.get(value.slice(9)) : undefined;
        if (attached) fields[name] = attached;
      }
      for (const [name, file] of files) fields[name] ??= file;
      resolve(fields);
    });
    parser.end(body);
  });
}
