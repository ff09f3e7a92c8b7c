import { z } from "zod";
import type { EndpointName } from "../../premiumpay/endpoints.js";
import {
  DATA_DAYS,
  type SandboxChannel,
  type SandboxClientData,
  type SandboxLink,
  type SandboxSale,
  startOfUtcDay,
  type World,
} from "./data.js";
import { hashSeed, seededRandom } from "./random.js";

export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface ApiContext {
  world: World;
  seed: number;
  now: () => Date;
  client: SandboxClientData;
  /** Requests this client made in the current minute, for the status endpoint's rate limit. */
  requestsThisMinute: number;
  /** The limit the status endpoint reports (and the sandbox enforces when asked to). */
  rateLimitPerMinute: number;
}

export const ko = (status: number, error: string): Reply => ({ status, body: { status: "ko", error } });
const ok = (body: unknown): Reply => ({ status: 200, body });
/** The real API answers an empty list with a ko "No data" body, HTTP 200. */
const list = (rows: unknown[]): Reply => (rows.length > 0 ? ok(rows) : ko(200, "No data"));

const DAY_MS = 86_400_000;
export const RATE_LIMIT_PER_MINUTE = 120;

// The sandbox validates on its own (not with the client's schemas) so it can catch client mistakes.
// It is a little more lenient than the client: milliseconds and offsets are accepted.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})$/;
const dateTime = z
  .string()
  .regex(DATE_TIME, "must be a date-time like 2019-08-24T14:15:22Z")
  .refine((value) => !Number.isNaN(Date.parse(value)), "is not a real date")
  .transform((value) => new Date(value));
const yesNo = z.enum(["yes", "no"]);
const text = z.string().min(1);
const period = { start_date_time: dateTime, end_date_time: dateTime };
const inOrder = (body: { start_date_time: Date; end_date_time: Date }) =>
  body.start_date_time <= body.end_date_time;
const orderMessage = { message: "must not be before start_date_time", path: ["end_date_time"] };

const channelPeriod = z
  .looseObject({ ...period, channel_id: z.int(), invitation_link: text.optional() })
  .refine(inOrder, orderMessage);

const requestSchemas = {
  sales: z
    .looseObject({ ...period, pasarela_id: z.int().optional(), service_id: z.int().optional() })
    .refine(inOrder, orderMessage),
  gateways: z.looseObject({ include_services: yesNo.optional() }),
  aggregatedSales: z
    .looseObject({ ...period, aggregate_field: z.enum(["country", "payment_method", "service"]).optional() })
    .refine(inOrder, orderMessage),
  channels: z.looseObject({
    include_links: yesNo.optional(),
    link_names: z.array(z.string()).optional(),
    exclude_link_names: yesNo.optional(),
    channel_fields: z.array(z.string()).optional(),
    link_fields: z.array(z.string()).optional(),
    consolidate_links: yesNo.optional(),
  }),
  channelResults: channelPeriod,
  channelSales: channelPeriod,
  createPublicLink: z.looseObject({
    channel_id: z.int(),
    name: text,
    duration_hours: z.int().nonnegative().optional(),
    requires_approval: yesNo.optional(),
    auto_approval: yesNo.optional(),
  }),
  setWelcomeMessage: z.looseObject({
    channel_id: z.int(),
    message: text,
    invite_link: text.optional(),
    button: text.optional(),
    button_callback: text.optional(),
  }),
};

type BodyEndpoint = keyof typeof requestSchemas;

function validate<E extends BodyEndpoint>(
  endpoint: E,
  body: unknown,
): { ok: true; data: z.output<(typeof requestSchemas)[E]> } | { ok: false; reply: Reply } {
  const result = requestSchemas[endpoint].safeParse(body);
  if (result.success) return { ok: true, data: result.data as z.output<(typeof requestSchemas)[E]> };
  const issue = result.error.issues[0]!;
  const field = issue.path.join(".") || "body";
  return { ok: false, reply: ko(422, `${field}: ${issue.message}`) };
}

export const formatDateTime = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, "Z");
const round2 = (amount: number) => Math.round(amount * 100) / 100;
const flag = (value: boolean) => (value ? "yes" : "no");

export function saleWire(sale: SandboxSale) {
  return {
    id: sale.id,
    date: formatDateTime(sale.date),
    amount: sale.amount,
    currency: sale.currency,
    country: sale.country,
    payment_method: sale.paymentMethod,
    invitation_link: sale.invitationLink,
    channel_id: sale.channelId,
    pasarela_id: sale.gatewayId,
    service_id: sale.serviceId,
  };
}

function linkWire(link: SandboxLink) {
  return {
    name: link.name,
    link: link.link,
    duration_hours: link.durationHours,
    requires_approval: flag(link.requiresApproval),
    auto_approval: flag(link.autoApproval),
    created_at: formatDateTime(link.createdAt),
  };
}

function pick(record: Record<string, unknown>, fields: string[] | undefined): Record<string, unknown> {
  if (!fields || fields.length === 0) return record;
  return Object.fromEntries(Object.entries(record).filter(([key]) => fields.includes(key)));
}

const inPeriod = (sale: SandboxSale, from: Date, to: Date) => sale.date >= from && sale.date <= to;

/** A channel of this client, or the 404 the sandbox answers for any other id (documented choice). */
function ownChannel(ctx: ApiContext, channelId: number): SandboxChannel | Reply {
  return ctx.client.channels.find((channel) => channel.id === channelId) ?? ko(404, "Channel not found");
}

/** `invitation_link` may name a link or give its URL; both are accepted. */
function ownLink(channel: SandboxChannel, given: string | undefined): SandboxLink | null | Reply {
  if (given === undefined) return null;
  return (
    channel.links.find((l) => l.link === given || l.name === given) ?? ko(404, "Invitation link not found")
  );
}

const isReply = (value: unknown): value is Reply =>
  typeof value === "object" && value !== null && "status" in value && "body" in value;

const handlers: Record<Exclude<EndpointName, "version">, (ctx: ApiContext, body: unknown) => Reply> = {
  status: (ctx) => {
    const now = ctx.now();
    return ok({
      status: "ok",
      ratelimit: {
        limit: ctx.rateLimitPerMinute,
        remaining: Math.max(0, ctx.rateLimitPerMinute - ctx.requestsThisMinute),
        reset: 60 - now.getUTCSeconds(),
      },
    });
  },

  sales: (ctx, body) => {
    const v = validate("sales", body);
    if (!v.ok) return v.reply;
    const { start_date_time: from, end_date_time: to, pasarela_id, service_id } = v.data;
    return list(
      ctx.client.sales
        .filter(
          (s) =>
            inPeriod(s, from, to) &&
            (pasarela_id === undefined || s.gatewayId === pasarela_id) &&
            (service_id === undefined || s.serviceId === service_id),
        )
        .map(saleWire),
    );
  },

  gateways: (ctx, body) => {
    const v = validate("gateways", body);
    if (!v.ok) return v.reply;
    const withServices = v.data.include_services === "yes";
    return list(
      ctx.client.gateways.map((g) => ({
        id: g.id,
        name: g.name,
        ...(withServices
          ? { services: g.services.map((s) => ({ id: s.id, name: s.name, channel_id: s.channelId })) }
          : {}),
      })),
    );
  },

  aggregatedSales: (ctx, body) => {
    const v = validate("aggregatedSales", body);
    if (!v.ok) return v.reply;
    const { start_date_time: from, end_date_time: to } = v.data;
    const field = v.data.aggregate_field ?? "country";
    const serviceNames = new Map(ctx.client.gateways.flatMap((g) => g.services.map((s) => [s.id, s.name])));
    // One row per key and currency: amounts in different currencies are never added together.
    const rows = new Map<string, { key: string; currency: string; count: number; amount: number }>();
    for (const sale of ctx.client.sales) {
      if (!inPeriod(sale, from, to)) continue;
      const key =
        field === "country"
          ? sale.country
          : field === "payment_method"
            ? sale.paymentMethod
            : (serviceNames.get(sale.serviceId) ?? String(sale.serviceId));
      const id = `${key}\u0000${sale.currency}`;
      const row = rows.get(id) ?? { key, currency: sale.currency, count: 0, amount: 0 };
      row.count += 1;
      row.amount += sale.amount;
      rows.set(id, row);
    }
    return list(
      [...rows.values()]
        .sort((a, b) => b.amount - a.amount)
        .map((r) => ({ [field]: r.key, count: r.count, amount: round2(r.amount), currency: r.currency })),
    );
  },

  channels: (ctx, body) => {
    const v = validate("channels", body);
    if (!v.ok) return v.reply;
    const { link_names, channel_fields, link_fields } = v.data;
    const filterByNames = link_names !== undefined && link_names.length > 0;
    const exclude = v.data.exclude_link_names === "yes";
    const consolidate = v.data.consolidate_links === "yes";
    const channels = ctx.client.channels.filter((channel) => {
      if (!filterByNames) return true;
      const has = channel.links.some((l) => link_names.includes(l.name));
      return exclude ? !has : has;
    });
    return list(
      channels.map((channel) => {
        const record = pick(
          {
            id: channel.id,
            name: channel.name,
            members: channel.members,
            created_at: formatDateTime(channel.createdAt),
          },
          channel_fields,
        );
        if (v.data.include_links === "yes") {
          record.links = channel.links.map((link) => {
            const wire: Record<string, unknown> = linkWire(link);
            // The API page does not say what consolidating means; the sandbox adds each link's totals.
            if (consolidate) {
              const sales = ctx.client.sales.filter((s) => s.invitationLink === link.link);
              wire.sales = sales.length;
              wire.amount = round2(sales.reduce((sum, s) => sum + s.amount, 0));
            }
            return pick(wire, link_fields);
          });
        }
        return record;
      }),
    );
  },

  channelResults: (ctx, body) => {
    const v = validate("channelResults", body);
    if (!v.ok) return v.reply;
    const channel = ownChannel(ctx, v.data.channel_id);
    if (isReply(channel)) return channel;
    const link = ownLink(channel, v.data.invitation_link);
    if (isReply(link)) return link;
    const from = v.data.start_date_time;
    const to = v.data.end_date_time;
    const today = startOfUtcDay(ctx.now());
    const firstDay = Math.max(startOfUtcDay(from), today - (DATA_DAYS - 1) * DAY_MS);
    const lastDay = Math.min(startOfUtcDay(to), today);
    const rows: Record<string, unknown>[] = [];
    for (let day = firstDay; day <= lastDay; day += DAY_MS) {
      const sales = ctx.client.sales.filter(
        (s) =>
          s.channelId === channel.id &&
          (link === null || s.invitationLink === link.link) &&
          inPeriod(s, from, to) &&
          startOfUtcDay(s.date) === day,
      );
      // Joins and leaves are invented but stable for a seed, channel, link and day.
      const daily = seededRandom(hashSeed(ctx.seed, channel.id, link?.link ?? "", day));
      const joins = sales.length + daily.int(0, 6);
      rows.push({
        date: formatDateTime(new Date(day)).slice(0, 10),
        channel_id: channel.id,
        invitation_link: link?.link ?? null,
        joins,
        leaves: daily.int(0, Math.ceil(joins / 2)),
        sales: sales.length,
        amount: round2(sales.reduce((sum, s) => sum + s.amount, 0)),
        currency: channel.currency,
      });
    }
    return list(rows);
  },

  channelSales: (ctx, body) => {
    const v = validate("channelSales", body);
    if (!v.ok) return v.reply;
    const channel = ownChannel(ctx, v.data.channel_id);
    if (isReply(channel)) return channel;
    const link = ownLink(channel, v.data.invitation_link);
    if (isReply(link)) return link;
    const { start_date_time: from, end_date_time: to } = v.data;
    return list(
      ctx.client.sales
        .filter(
          (s) =>
            s.channelId === channel.id &&
            (link === null || s.invitationLink === link.link) &&
            inPeriod(s, from, to),
        )
        .map(saleWire),
    );
  },

  createPublicLink: (ctx, body) => {
    const v = validate("createPublicLink", body);
    if (!v.ok) return v.reply;
    const channel = ownChannel(ctx, v.data.channel_id);
    if (isReply(channel)) return channel;
    const link: SandboxLink = {
      ...ctx.world.newLink(v.data.name, ctx.now()),
      durationHours: v.data.duration_hours ?? 0,
      requiresApproval: v.data.requires_approval === "yes",
      autoApproval: v.data.auto_approval === "yes",
    };
    channel.links.push(link);
    ctx.client.createdLinks.push({ ...link, channelId: channel.id });
    return ok([{ ...linkWire(link), channel_id: channel.id }]);
  },

  setWelcomeMessage: (ctx, body) => {
    const v = validate("setWelcomeMessage", body);
    if (!v.ok) return v.reply;
    const channel = ownChannel(ctx, v.data.channel_id);
    if (isReply(channel)) return channel;
    const { message, invite_link, button, button_callback } = v.data;
    ctx.client.welcomeMessages.set(channel.id, {
      message,
      ...(invite_link === undefined ? {} : { invite_link }),
      ...(button === undefined ? {} : { button }),
      ...(button_callback === undefined ? {} : { button_callback }),
    });
    return ok({ status: "ok", channel_id: channel.id });
  },
};

export function handleAuthenticated(
  endpoint: Exclude<EndpointName, "version">,
  ctx: ApiContext,
  body: unknown,
): Reply {
  return handlers[endpoint](ctx, body);
}

export const versionReply = (): Reply => ok({ status: "ok", version: "1.0.0" });
