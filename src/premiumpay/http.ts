import http from "node:http";
import https from "node:https";
import axios, { type AxiosInstance, type AxiosResponse } from "axios";
import type { z } from "zod";
import { ENDPOINT_METHOD, type EndpointName } from "./endpoints.js";
import { PremiumpayError, PremiumpayRateLimitedError, PremiumpayRejectedError } from "./errors.js";
import { koBodySchema } from "./schemas.js";

/** One instance (and so one keep-alive pool) per base URL, shared by every operator's client. */
const instances = new Map<string, AxiosInstance>();

function instanceFor(baseUrl: string): AxiosInstance {
  let instance = instances.get(baseUrl);
  if (!instance) {
    instance = axios.create({
      baseURL: baseUrl,
      httpAgent: new http.Agent({ keepAlive: true }),
      httpsAgent: new https.Agent({ keepAlive: true }),
      // We judge status and body ourselves, so a 4xx/5xx never turns into an AxiosError holding the
      // request config (and with it the Authorization header).
      validateStatus: () => true,
      responseType: "text",
      transformResponse: [(data: unknown) => data],
      // An API answering with a redirect is misconfigured; following it could carry the JWT elsewhere.
      maxRedirects: 0,
      headers: { Accept: "application/json" },
    });
    instances.set(baseUrl, instance);
  }
  return instance;
}

export interface Credentials {
  clientId: string;
  token: string;
}

export interface Call<T> {
  baseUrl: string;
  timeoutMs: number;
  endpoint: EndpointName;
  path: string;
  /** Null only for `version`, the one endpoint without authentication. */
  credentials: Credentials | null;
  body?: Record<string, unknown>;
  schema: z.ZodType<T>;
  /** For list endpoints: what a `{"status":"ko","error":"No data"}` answer means. */
  noData?: T;
  /** 1 for the first try; retries count up. */
  attempt?: number;
  logger?: CallLogger;
  onCall?: CallObserver;
}

/** Told of every request when it ends: its endpoint, "ok" or the error kind, and how long it took. */
export type CallObserver = (endpoint: EndpointName, outcome: string, seconds: number) => void;

/** The part of a pino logger the client uses (the client stays free of the app's logging setup). */
export interface CallLogger {
  warn(fields: object, message: string): void;
  debug(fields: object, message: string): void;
}

const NETWORK_TIMEOUT_CODES = new Set(["ECONNABORTED", "ETIMEDOUT"]);

function redact(text: string, credentials: Credentials | null): string {
  return credentials ? text.replaceAll(credentials.token, "<redacted>") : text;
}

async function send<T>(call: Call<T>): Promise<AxiosResponse<string>> {
  const headers: Record<string, string> = {};
  if (call.credentials) {
    headers.Authorization = `Bearer ${call.credentials.token}`;
    headers["X-client-id"] = call.credentials.clientId;
  }
  try {
    return await instanceFor(call.baseUrl).request<string>({
      method: ENDPOINT_METHOD[call.endpoint],
      url: call.path,
      headers,
      data: call.body,
      timeout: call.timeoutMs,
    });
  } catch (error) {
    // Copy only the code and message: the AxiosError itself carries the headers.
    const code = axios.isAxiosError(error) ? error.code : undefined;
    const message = redact(error instanceof Error ? error.message : String(error), call.credentials);
    const timedOut = code !== undefined && NETWORK_TIMEOUT_CODES.has(code);
    throw new PremiumpayError(
      "unavailable",
      call.endpoint,
      timedOut
        ? `premiumpay did not answer ${call.endpoint} within ${call.timeoutMs} ms`
        : `premiumpay is unreachable for ${call.endpoint} (${code ?? message})`,
      { cause: code === undefined ? { message } : { code, message } },
    );
  }
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** premiumpay's own explanation in an error body, if it gave one. */
function messageOf(json: unknown): string {
  if (typeof json !== "object" || json === null) return "";
  const { error, message } = json as Record<string, unknown>;
  return typeof error === "string" ? error : typeof message === "string" ? message : "";
}

/** Retry-After is seconds or an HTTP date; anything else is treated as absent. */
function retryAfterSeconds(header: unknown): number | null {
  if (typeof header !== "string" || header.trim() === "") return null;
  if (/^\d+$/.test(header.trim())) return Number(header.trim());
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

/**
 * One request, logged: every failure at warn with what a person needs to act (endpoint, kind, HTTP status,
 * attempt, duration), every success at debug. Never the token: only fields of the error are logged.
 */
export async function callPremiumpay<T>(call: Call<T>): Promise<T> {
  const startedAt = performance.now();
  const fields = () => ({
    endpoint: call.endpoint,
    attempt: call.attempt ?? 1,
    durationMs: Math.round(performance.now() - startedAt),
  });
  const observe = (outcome: string) =>
    call.onCall?.(call.endpoint, outcome, (performance.now() - startedAt) / 1000);
  try {
    const result = await requestAndJudge(call);
    call.logger?.debug(fields(), "premiumpay call succeeded");
    observe("ok");
    return result;
  } catch (error) {
    observe(error instanceof PremiumpayError ? error.kind : "error");
    if (error instanceof PremiumpayError) {
      call.logger?.warn(
        {
          ...fields(),
          kind: error.kind,
          status: error.status ?? null,
          ...(error instanceof PremiumpayRateLimitedError && { retryAfterSeconds: error.retryAfterSeconds }),
          reason: error.message,
        },
        `premiumpay ${call.endpoint} failed (${error.kind})`,
      );
    }
    throw error;
  }
}

async function requestAndJudge<T>(call: Call<T>): Promise<T> {
  const { endpoint, credentials } = call;
  const response = await send(call);
  const { status } = response;
  const parsed = parseJson(typeof response.data === "string" ? response.data : "");
  const premiumpayMessage = redact(parsed.ok ? messageOf(parsed.value) : "", credentials);

  if (status === 401 || status === 403) {
    const detail = premiumpayMessage ? `: ${premiumpayMessage}` : "";
    throw new PremiumpayError(
      "auth",
      endpoint,
      `premiumpay refused the credentials (HTTP ${status})${detail}`,
      {
        status,
      },
    );
  }
  if (status === 429)
    throw new PremiumpayRateLimitedError(endpoint, retryAfterSeconds(response.headers["retry-after"]));
  if (status >= 500) {
    throw new PremiumpayError("unavailable", endpoint, `premiumpay is unavailable (HTTP ${status})`, {
      status,
    });
  }
  if (status >= 400) throw new PremiumpayRejectedError(endpoint, premiumpayMessage, status);
  if (status < 200 || status >= 300) {
    throw new PremiumpayError(
      "bad_response",
      endpoint,
      `premiumpay answered ${endpoint} with HTTP ${status}`,
      {
        status,
      },
    );
  }
  if (!parsed.ok) {
    throw new PremiumpayError(
      "bad_response",
      endpoint,
      `premiumpay sent a body that is not JSON on ${endpoint}`,
      {
        status,
      },
    );
  }

  const ko = koBodySchema.safeParse(parsed.value);
  // `status` answers "ko" without an error when the server itself is unwell: that is a result, not a failure.
  if (ko.success && (endpoint !== "status" || premiumpayMessage !== "")) {
    if (premiumpayMessage === "No data" && call.noData !== undefined) return call.noData;
    throw new PremiumpayRejectedError(endpoint, premiumpayMessage, status);
  }

  const result = call.schema.safeParse(parsed.value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
    throw new PremiumpayError(
      "bad_response",
      endpoint,
      `premiumpay sent an unexpected shape on ${endpoint} (${where}${issue?.message ?? "invalid"})`,
      { status },
    );
  }
  return result.data;
}
