import { z } from "zod";
import { formatDateTime, type Reply, saleWire } from "./api.js";
import type { NewSale, SandboxSale } from "./data.js";
import type { SaleGenerator } from "./generator.js";

/**
 * The sandbox's control API under `/_sandbox/`, for tests and benchmarks that run the sandbox in another process.
 * It is not part of premiumpay: no credentials, never logged with the API requests, never faulted.
 *
 * - `POST /_sandbox/sales` `{clientId, channelId?, amount?, date?, currency?, country?, paymentMethod?,
 *   invitationLink?}`: a sale now (or stamped `date`); answers the sale as the API shows it.
 * - `POST /_sandbox/clients` `{count?, channels?}`: new clients without sales; answers their credentials and
 *   channel ids.
 * - `POST /_sandbox/generator` `{salesPerMinute, burstChance?, …}` starts generating, `{stop: true}` stops.
 * - `POST /_sandbox/rate-limit` `{perMinute, enforce}`: the limit GET /status reports, and whether to answer 429.
 * - `GET /_sandbox/appeared?from=N`: the sales that appeared from index N on, with the moment each appeared.
 * - `GET /_sandbox/counts`: API requests served since start, and how many the enforced limit refused (429).
 */
export const CONTROL_PREFIX = "/_sandbox/";

export interface ControlTarget {
  generator: SaleGenerator;
  addSale(clientId: string, sale: NewSale): SandboxSale;
  addClient(options: { channels: number }): { clientId: string; token: string; channelIds: number[] };
  setRateLimit(options: { perMinute: number; enforce: boolean }): void;
  counts(): { requests: number; rateLimited: number };
  hasClient(clientId: string): boolean;
  firstChannelOf(clientId: string): number | undefined;
}

const range = z.tuple([z.number().nonnegative(), z.number().nonnegative()]);
const schemas = {
  sales: z.strictObject({
    clientId: z.string().min(1),
    channelId: z.int().optional(),
    amount: z.number().nonnegative().optional(),
    date: z.iso.datetime({ offset: true }).optional(),
    currency: z.string().min(1).optional(),
    country: z.string().min(1).optional(),
    paymentMethod: z.string().min(1).optional(),
    invitationLink: z.string().nullable().optional(),
  }),
  clients: z.strictObject({
    count: z.int().min(1).max(10_000).default(1),
    channels: z.int().min(1).max(100).default(3),
  }),
  generator: z.union([
    z.strictObject({ stop: z.literal(true) }),
    z.strictObject({
      salesPerMinute: z.number().nonnegative(),
      burstChance: z.number().min(0).max(1).optional(),
      burstSize: range.optional(),
      lateChance: z.number().min(0).max(1).optional(),
      lateByMs: range.optional(),
      outOfOrderChance: z.number().min(0).max(1).optional(),
      clientIds: z.array(z.string()).optional(),
      tickMs: z.int().min(10).optional(),
    }),
  ]),
  rateLimit: z.strictObject({ perMinute: z.int().min(1), enforce: z.boolean() }),
};

const fail = (status: number, error: string): Reply => ({ status, body: { status: "ko", error } });
const done = (body: unknown): Reply => ({ status: 200, body });

function parse<T>(schema: z.ZodType<T>, raw: string): { ok: true; value: T } | { ok: false; reply: Reply } {
  let json: unknown;
  try {
    json = raw.trim() === "" ? {} : JSON.parse(raw);
  } catch {
    return { ok: false, reply: fail(400, "Body is not valid JSON") };
  }
  const result = schema.safeParse(json);
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0]!;
  return { ok: false, reply: fail(422, `${issue.path.join(".") || "body"}: ${issue.message}`) };
}

export function handleControl(target: ControlTarget, method: string, url: URL, rawBody: string): Reply {
  const route = `${method} ${url.pathname.slice(CONTROL_PREFIX.length)}`;
  switch (route) {
    case "POST sales": {
      const body = parse(schemas.sales, rawBody);
      if (!body.ok) return body.reply;
      const { clientId, date, channelId, ...rest } = body.value;
      if (!target.hasClient(clientId)) return fail(404, "Unknown client id");
      const channel = channelId ?? target.firstChannelOf(clientId);
      if (channel === undefined) return fail(404, "Client has no channel");
      try {
        const sale = target.addSale(clientId, {
          ...rest,
          channelId: channel,
          ...(date === undefined ? {} : { date: new Date(date) }),
        });
        return done(saleWire(sale));
      } catch (error) {
        return fail(404, (error as Error).message);
      }
    }
    case "POST clients": {
      const body = parse(schemas.clients, rawBody);
      if (!body.ok) return body.reply;
      return done(Array.from({ length: body.value.count }, () => target.addClient(body.value)));
    }
    case "POST generator": {
      const body = parse(schemas.generator, rawBody);
      if (!body.ok) return body.reply;
      if ("stop" in body.value) target.generator.stop();
      else target.generator.start(body.value);
      return done({ running: target.generator.running });
    }
    case "POST rate-limit": {
      const body = parse(schemas.rateLimit, rawBody);
      if (!body.ok) return body.reply;
      target.setRateLimit(body.value);
      return done({ status: "ok" });
    }
    case "GET appeared": {
      const from = Math.max(0, Number(url.searchParams.get("from") ?? 0) || 0);
      const { appeared } = target.generator;
      return done({
        next: appeared.length,
        sales: appeared.slice(from).map(({ clientId, sale, appearedAt }) => ({
          clientId,
          id: sale.id,
          date: formatDateTime(sale.date),
          appearedAt: appearedAt.toISOString(),
        })),
      });
    }
    case "GET counts":
      return done(target.counts());
    default:
      return fail(404, "Unknown control route");
  }
}
