import type { z } from "zod";
import { formatPremiumpayDateTime } from "./dates.js";
import { DEFAULT_PATHS, type EndpointName, type PremiumpayPaths } from "./endpoints.js";
import { PremiumpayError } from "./errors.js";
import { type CallLogger, type CallObserver, type Credentials, callPremiumpay } from "./http.js";
import { type RetryOptions, retrySettings, withRetries } from "./retry.js";
import {
  aggregatedListSchema,
  aggregatedSalesRequestSchema,
  channelRangeRequestSchema,
  channelsRequestSchema,
  createPublicLinkRequestSchema,
  gatewaysRequestSchema,
  listSchemas,
  publicLinkSchema,
  salesRequestSchema,
  setWelcomeMessageRequestSchema,
  statusSchema,
  versionSchema,
  welcomeMessageSchema,
} from "./schemas.js";
import type {
  AggregatedRow,
  AggregatedSalesParams,
  Channel,
  ChannelRangeParams,
  ChannelResult,
  ChannelsParams,
  CreatePublicLinkParams,
  Gateway,
  GatewaysParams,
  PublicLink,
  Sale,
  SalesParams,
  SetWelcomeMessageParams,
  StatusInfo,
  VersionInfo,
  WelcomeMessageResult,
} from "./types.js";

export interface PremiumpayClientOptions {
  baseUrl: string;
  clientId: string;
  /** The JWT premiumpay issued for this client id. Never logged, never part of an error. */
  token: string;
  timeoutMs?: number;
  /** Overrides of the path table in endpoints.ts (e.g. from PREMIUMPAY_PATHS). */
  paths?: Partial<PremiumpayPaths>;
  /** Backoff for reads; creating calls are never retried. */
  retry?: RetryOptions;
  /** Where each failure is reported (warn) and each call traced (debug). Nothing is logged without one. */
  logger?: CallLogger;
  /** Told of every request (endpoint, outcome, duration), for the metrics. */
  onCall?: CallObserver;
}

export interface PremiumpayClient {
  version(): Promise<VersionInfo>;
  status(): Promise<StatusInfo>;
  sales(params: SalesParams): Promise<Sale[]>;
  gateways(params?: GatewaysParams): Promise<Gateway[]>;
  aggregatedSales(params: AggregatedSalesParams): Promise<AggregatedRow[]>;
  channels(params?: ChannelsParams): Promise<Channel[]>;
  channelResults(params: ChannelRangeParams): Promise<ChannelResult[]>;
  channelSales(params: ChannelRangeParams): Promise<Sale[]>;
  /** Not retried: a lost answer may still have created the link. */
  createPublicLink(params: CreatePublicLinkParams): Promise<PublicLink>;
  /** Not retried, like every creating call. */
  setWelcomeMessage(params: SetWelcomeMessageParams): Promise<WelcomeMessageResult>;
}

/** The API page's limit for the X-client-id header. */
export const MAX_CLIENT_ID_LENGTH = 50;

const DEFAULT_TIMEOUT_MS = 10_000;
/** Header values must be visible ASCII; anything else would be refused by Node or mangled on the way. */
const HEADER_SAFE = /^[\x21-\x7e]+$/;

const yesNo = (flag: boolean | undefined) => (flag === undefined ? undefined : flag ? "yes" : "no");

/** Drops absent optional fields so they are not sent at all. */
function compact(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined));
}

function range(params: { from: Date; to: Date }) {
  return {
    start_date_time: formatPremiumpayDateTime(params.from),
    end_date_time: formatPremiumpayDateTime(params.to),
  };
}

export function createPremiumpayClient(options: PremiumpayClientOptions): PremiumpayClient {
  const baseUrl = new URL(options.baseUrl).toString().replace(/\/+$/, "");
  const paths: PremiumpayPaths = { ...DEFAULT_PATHS, ...options.paths };
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const retry = retrySettings(options.retry);
  const logging = {
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.onCall ? { onCall: options.onCall } : {}),
  };

  function credentials(endpoint: EndpointName): Credentials {
    const { clientId, token } = options;
    if (clientId.length === 0 || clientId.length > MAX_CLIENT_ID_LENGTH || !HEADER_SAFE.test(clientId)) {
      throw new PremiumpayError(
        "invalid_request",
        endpoint,
        `the premiumpay client id must be 1–${MAX_CLIENT_ID_LENGTH} visible ASCII characters (got ${clientId.length})`,
      );
    }
    if (!HEADER_SAFE.test(token)) {
      throw new PremiumpayError("invalid_request", endpoint, "the premiumpay token is empty or malformed");
    }
    return { clientId, token };
  }

  function body(
    endpoint: EndpointName,
    schema: z.ZodType,
    raw: Record<string, unknown>,
  ): Record<string, unknown> {
    const result = schema.safeParse(compact(raw));
    if (result.success) return result.data as Record<string, unknown>;
    const issue = result.error.issues[0];
    throw new PremiumpayError(
      "invalid_request",
      endpoint,
      `invalid ${endpoint} request: ${issue?.path.join(".") || "body"} ${issue?.message ?? "is invalid"}`,
    );
  }

  /** Validation runs before the first attempt, so a bad request is never sent nor retried. */
  function read<T>(
    endpoint: EndpointName,
    schema: z.ZodType<T>,
    request?: { schema: z.ZodType; raw: Record<string, unknown> },
    noData?: T,
  ): Promise<T> {
    return Promise.resolve().then(() => {
      const call = {
        ...logging,
        baseUrl,
        timeoutMs,
        endpoint,
        path: paths[endpoint],
        credentials: endpoint === "version" ? null : credentials(endpoint),
        schema,
        noData,
        ...(request ? { body: body(endpoint, request.schema, request.raw) } : {}),
      };
      return withRetries((attempt) => callPremiumpay({ ...call, attempt }), retry);
    });
  }

  function create<T>(
    endpoint: EndpointName,
    schema: z.ZodType<T>,
    request: { schema: z.ZodType; raw: Record<string, unknown> },
  ): Promise<T> {
    return Promise.resolve().then(() =>
      callPremiumpay({
        baseUrl,
        timeoutMs,
        endpoint,
        path: paths[endpoint],
        credentials: credentials(endpoint),
        body: body(endpoint, request.schema, request.raw),
        schema,
        ...logging,
      }),
    );
  }

  const channelRange = (p: ChannelRangeParams) => ({
    schema: channelRangeRequestSchema,
    raw: { ...range(p), channel_id: p.channelId, invitation_link: p.invitationLink },
  });

  return {
    version: () => read("version", versionSchema),
    status: () => read("status", statusSchema),
    sales: (p) =>
      read(
        "sales",
        listSchemas.sales,
        {
          schema: salesRequestSchema,
          raw: { ...range(p), pasarela_id: p.gatewayId, service_id: p.serviceId },
        },
        [],
      ),
    gateways: (p = {}) =>
      read(
        "gateways",
        listSchemas.gateways,
        { schema: gatewaysRequestSchema, raw: { include_services: yesNo(p.includeServices) } },
        [],
      ),
    aggregatedSales: (p) =>
      read(
        "aggregatedSales",
        aggregatedListSchema(p.by),
        { schema: aggregatedSalesRequestSchema, raw: { ...range(p), aggregate_field: p.by } },
        [],
      ),
    channels: (p = {}) =>
      read(
        "channels",
        listSchemas.channels,
        {
          schema: channelsRequestSchema,
          raw: {
            include_links: yesNo(p.includeLinks),
            link_names: p.linkNames,
            exclude_link_names: yesNo(p.excludeLinkNames),
            channel_fields: p.channelFields,
            link_fields: p.linkFields,
            consolidate_links: yesNo(p.consolidateLinks),
          },
        },
        [],
      ),
    channelResults: (p) => read("channelResults", listSchemas.channelResults, channelRange(p), []),
    channelSales: (p) => read("channelSales", listSchemas.channelSales, channelRange(p), []),
    createPublicLink: (p) =>
      create("createPublicLink", publicLinkSchema(p.name), {
        schema: createPublicLinkRequestSchema,
        raw: {
          channel_id: p.channelId,
          name: p.name,
          duration_hours: p.durationHours,
          requires_approval: yesNo(p.requiresApproval),
          auto_approval: yesNo(p.autoApproval),
        },
      }),
    setWelcomeMessage: (p) =>
      create("setWelcomeMessage", welcomeMessageSchema, {
        schema: setWelcomeMessageRequestSchema,
        raw: {
          channel_id: p.channelId,
          message: p.message,
          invite_link: p.inviteLink,
          button: p.buttonText,
          // The API page's prose says `welcome_url`, its schema `button_callback` ("url of the button").
          button_callback: p.buttonUrl,
        },
      }),
  };
}
