import type { IncomingMessage } from "node:http";

/** A Bot API error answer: `{ ok: false, error_code, description, parameters? }`. */
export class ApiError extends Error {
  constructor(
    readonly errorCode: number,
    readonly description: string,
    readonly retryAfter?: number,
  ) {
    super(description);
  }
}

export const badRequest = (detail: string) => new ApiError(400, `Bad Request: ${detail}`);

export type Params = Record<string, unknown>;

/**
 * Reads a method's parameters the ways the Bot API accepts them: query string, JSON,
 * urlencoded or multipart body. Form values arrive as strings; the accessors below coerce them.
 */
export async function readParams(req: IncomingMessage, url: URL): Promise<Params> {
  const params: Params = Object.fromEntries(url.searchParams);
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
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
    // The WHATWG Response parses multipart bodies, which saves a hand-written parser; uploaded files are ignored.
    const form = await new Response(body, { headers: { "content-type": contentType } }).formData();
    for (const [key, value] of form) if (typeof value === "string") params[key] = value;
    return params;
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
