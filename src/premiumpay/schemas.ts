import { z } from "zod";
import { PREMIUMPAY_DATE_TIME, parsePremiumpayDate } from "./dates.js";
import type {
  AggregatedRow,
  AggregateField,
  Channel,
  ChannelLink,
  ChannelResult,
  Gateway,
  PublicLink,
  Sale,
  Scalar,
  StatusInfo,
  VersionInfo,
  WelcomeMessageResult,
} from "./types.js";

// ---------------------------------------------------------------------------------------------
// Request bodies: exactly the API page's field names. Strict, so a misspelt field fails here
// instead of being silently ignored by premiumpay.

const dateTime = z.string().regex(PREMIUMPAY_DATE_TIME, "must be a date-time like 2019-08-24T14:15:22Z");
const yesNo = z.enum(["yes", "no"]);
const nonEmpty = z.string().trim().min(1);
/** Free text the operator wrote (a welcome message) travels exactly as typed: only all-blank text is refused. */
const verbatimText = z.string().refine((value) => value.trim().length > 0, "must not be blank");
const range = { start_date_time: dateTime, end_date_time: dateTime };

function orderedRange<T extends z.ZodType<{ start_date_time: string; end_date_time: string }>>(schema: T) {
  // Same fixed-width UTC format on both sides, so string order is time order.
  return schema.refine((body) => body.start_date_time <= body.end_date_time, {
    message: "must not be before start_date_time",
    path: ["end_date_time"],
  });
}

export const salesRequestSchema = orderedRange(
  z.strictObject({ ...range, pasarela_id: z.int().optional(), service_id: z.int().optional() }),
);

export const gatewaysRequestSchema = z.strictObject({ include_services: yesNo.optional() });

export const aggregateFieldSchema = z.enum(["country", "payment_method", "service"]);

export const aggregatedSalesRequestSchema = orderedRange(
  z.strictObject({ ...range, aggregate_field: aggregateFieldSchema.optional() }),
);

export const channelsRequestSchema = z.strictObject({
  include_links: yesNo.optional(),
  link_names: z.array(nonEmpty).optional(),
  exclude_link_names: yesNo.optional(),
  channel_fields: z.array(nonEmpty).optional(),
  link_fields: z.array(nonEmpty).optional(),
  consolidate_links: yesNo.optional(),
});

export const channelRangeRequestSchema = orderedRange(
  z.strictObject({ ...range, channel_id: z.int(), invitation_link: nonEmpty.optional() }),
);

export const createPublicLinkRequestSchema = z.strictObject({
  channel_id: z.int(),
  name: nonEmpty,
  duration_hours: z.int().nonnegative().optional(),
  requires_approval: yesNo.optional(),
  auto_approval: yesNo.optional(),
});

export const setWelcomeMessageRequestSchema = z.strictObject({
  channel_id: z.int(),
  message: verbatimText,
  invite_link: nonEmpty.optional(),
  button: nonEmpty.optional(),
  button_callback: nonEmpty.optional(),
});

// ---------------------------------------------------------------------------------------------
// Responses: the API page shows only `[ { } ]`, so parse loosely (unknown fields pass through)
// and accept the aliases premiumpay is known or expected to use.

/** A `{"status":"ko","error":"..."}` body; premiumpay sends it with HTTP 200 too. */
export const koBodySchema = z.looseObject({
  status: z.literal("ko"),
  error: z.string().optional(),
  message: z.string().optional(),
});

const numeric = z.union([
  z.number(),
  z
    .string()
    .trim()
    .regex(/^-?\d+(\.\d+)?$/, "must be a number")
    .transform(Number),
]);
const text = z.string().nullish();
const idLike = z.union([z.string(), z.number()]).transform(String);

function fail(ctx: z.RefinementCtx, message: string, path: PropertyKey[] = []): never {
  ctx.addIssue({ code: "custom", message, path, input: undefined });
  return z.NEVER;
}

function toScalar(value: unknown): Scalar {
  if (value === null || ["string", "number", "boolean"].includes(typeof value)) return value as Scalar;
  // Nested values are rare in these rows; keep them readable rather than failing the whole call.
  return value === undefined ? null : JSON.stringify(value);
}

function flatten(record: Record<string, unknown>): Record<string, Scalar> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, toScalar(v)]));
}

/** Lists may arrive bare (`[...]`, as the API page shows) or wrapped as `{ data: [...] }`. */
function listOf<T extends z.ZodType>(item: T) {
  return z.preprocess(
    (body) =>
      typeof body === "object" && body !== null && !Array.isArray(body) && "data" in body ? body.data : body,
    z.array(item),
  );
}

export const versionSchema = z
  .looseObject({ status: z.string().default("ok"), version: idLike })
  .transform((body): VersionInfo => ({ status: body.status, version: body.version }));

const rateLimitField = z.record(z.string(), z.unknown()).nullish();

export const statusSchema = z
  .looseObject({
    status: z.string(),
    ratelimit: rateLimitField,
    rate_limit: rateLimitField,
    rateLimit: rateLimitField,
  })
  .transform((body): StatusInfo => {
    const rateLimit = body.ratelimit ?? body.rate_limit ?? body.rateLimit;
    return {
      ok: body.status === "ok",
      status: body.status,
      rateLimit: rateLimit ? flatten(rateLimit) : null,
    };
  });

const urlFields = { link: text, url: text, invite_link: text };

const linkShape = z.looseObject({ name: text, ...urlFields });

export const channelSchema = z
  .looseObject({
    id: numeric.optional(),
    channel_id: numeric.optional(),
    name: text,
    title: text,
    channel_name: text,
    links: z.array(linkShape).nullish(),
  })
  .transform((raw, ctx): Channel => {
    const id = raw.id ?? raw.channel_id;
    if (id === undefined) return fail(ctx, "channel has neither id nor channel_id");
    const links: ChannelLink[] = [];
    for (const [i, link] of (raw.links ?? []).entries()) {
      const url = link.link ?? link.url ?? link.invite_link;
      if (!url) return fail(ctx, "link has no link, url or invite_link", ["links", i]);
      links.push({ name: link.name ?? "", url, raw: link });
    }
    return { id, name: raw.name ?? raw.title ?? raw.channel_name ?? "", links, raw };
  });

export const saleSchema = z
  .looseObject({
    amount: numeric.optional(),
    price: numeric.optional(),
    total: numeric.optional(),
    currency: text,
    date: text,
    created_at: text,
    date_time: text,
    country: text,
    payment_method: text,
    invitation_link: text,
  })
  .transform((raw, ctx): Sale => {
    const amount = raw.amount ?? raw.price ?? raw.total;
    if (amount === undefined) return fail(ctx, "sale has no amount, price or total");
    const when = raw.date ?? raw.created_at ?? raw.date_time;
    return {
      amount,
      currency: raw.currency ?? null,
      date: when ? parsePremiumpayDate(when) : null,
      country: raw.country ?? null,
      paymentMethod: raw.payment_method ?? null,
      invitationLink: raw.invitation_link ?? null,
      raw,
    };
  });

const AGGREGATE_KEYS: readonly AggregateField[] = aggregateFieldSchema.options;

export function aggregatedRowSchema(by: AggregateField | undefined) {
  return z
    .looseObject({
      count: numeric.optional(),
      sales: numeric.optional(),
      amount: numeric.optional(),
      total: numeric.optional(),
      currency: text,
    })
    .transform((raw, ctx): AggregatedRow => {
      // Rows are keyed by the aggregate field; without `by` the server picked one, so look at all.
      const keyFields = ["key", ...(by ? [by] : AGGREGATE_KEYS)];
      const keyValue = keyFields.map((field) => raw[field]).find((v) => v !== undefined && v !== null);
      if (typeof keyValue !== "string" && typeof keyValue !== "number") {
        return fail(ctx, `row has no ${keyFields.join(" or ")}`);
      }
      const count = raw.count ?? raw.sales;
      const amount = raw.amount ?? raw.total;
      if (count === undefined) return fail(ctx, "row has neither count nor sales");
      if (amount === undefined) return fail(ctx, "row has neither amount nor total");
      return { key: String(keyValue), count, amount, currency: raw.currency ?? null };
    });
}

const serviceShape = z.looseObject({
  id: numeric.optional(),
  service_id: numeric.optional(),
  channel_id: numeric.optional(),
  name: text,
  title: text,
});

export const gatewaySchema = z
  .looseObject({
    id: numeric.optional(),
    pasarela_id: numeric.optional(),
    gateway_id: numeric.optional(),
    name: text,
    title: text,
    services: z.array(serviceShape).nullish(),
  })
  .transform((raw, ctx): Gateway => {
    const id = raw.id ?? raw.pasarela_id ?? raw.gateway_id;
    if (id === undefined) return fail(ctx, "gateway has no id, pasarela_id or gateway_id");
    const services: Gateway["services"] = [];
    for (const [i, service] of (raw.services ?? []).entries()) {
      const serviceId = service.id ?? service.service_id;
      if (serviceId === undefined) return fail(ctx, "service has neither id nor service_id", ["services", i]);
      const channel = service.channel_id === undefined ? {} : { channelId: service.channel_id };
      services.push({ id: serviceId, name: service.name ?? service.title ?? "", ...channel });
    }
    return { id, name: raw.name ?? raw.title ?? "", services };
  });

export const channelResultSchema = z
  .record(z.string(), z.unknown())
  .transform((row): ChannelResult => flatten(row));

// `.optional()` before the transform keeps an absent key acceptable.
const yesNoFlag = z
  .unknown()
  .optional()
  .transform((v): boolean | null => {
    if (v === true || v === "yes" || v === 1) return true;
    if (v === false || v === "no" || v === 0) return false;
    return null;
  });

const publicLinkShape = z.looseObject({
  name: text,
  ...urlFields,
  duration_hours: numeric.nullish(),
  requires_approval: yesNoFlag,
  auto_approval: yesNoFlag,
});

/** The endpoint answers `[ {...} ]`; a bare object is accepted too. `requestedName` fills a missing name. */
export function publicLinkSchema(requestedName: string) {
  return z.union([z.array(publicLinkShape).min(1), publicLinkShape]).transform((body, ctx): PublicLink => {
    const raw = Array.isArray(body) ? body[0]! : body;
    const url = raw.link ?? raw.url ?? raw.invite_link;
    if (!url) return fail(ctx, "created link has no link, url or invite_link");
    return {
      name: raw.name ?? requestedName,
      url,
      durationHours: raw.duration_hours ?? null,
      requiresApproval: raw.requires_approval,
      autoApproval: raw.auto_approval,
      raw,
    };
  });
}

export const welcomeMessageSchema = z
  .union([z.looseObject({}), z.array(z.unknown())])
  .transform((raw): WelcomeMessageResult => ({ ok: true, raw }));

export const listSchemas = {
  sales: listOf(saleSchema),
  gateways: listOf(gatewaySchema),
  channels: listOf(channelSchema),
  channelResults: listOf(channelResultSchema),
  channelSales: listOf(saleSchema),
};

export function aggregatedListSchema(by: AggregateField | undefined) {
  return listOf(aggregatedRowSchema(by));
}
