import { z } from "zod";

/**
 * The premiumpay API page names ten endpoints but not their paths. These defaults are our assumption
 * (see the project's issues); every one can be overridden with the PREMIUMPAY_PATHS JSON variable,
 * e.g. PREMIUMPAY_PATHS='{"channels":"/v2/bots/channels"}'. This table is the only place paths live.
 */
export const DEFAULT_PATHS = {
  version: "/version",
  status: "/status",
  sales: "/data/sales",
  gateways: "/data/gateways",
  aggregatedSales: "/data/sales/aggregated",
  channels: "/bots/channels",
  channelResults: "/bots/channels/results",
  channelSales: "/bots/channels/sales",
  createPublicLink: "/bots/channels/public-link",
  setWelcomeMessage: "/bots/channels/welcome-message",
} as const;

export type EndpointName = keyof typeof DEFAULT_PATHS;

/** `version` and `status` are GETs; the rest are POSTs with a JSON body, as the API page shows. */
export const ENDPOINT_METHOD: Record<EndpointName, "GET" | "POST"> = {
  version: "GET",
  status: "GET",
  sales: "POST",
  gateways: "POST",
  aggregatedSales: "POST",
  channels: "POST",
  channelResults: "POST",
  channelSales: "POST",
  createPublicLink: "POST",
  setWelcomeMessage: "POST",
};

const path = z.string().regex(/^\/[A-Za-z0-9/_.~-]*$/, "must be a path starting with /");

export const premiumpayPathsSchema = z
  .object({
    version: path.default(DEFAULT_PATHS.version),
    status: path.default(DEFAULT_PATHS.status),
    sales: path.default(DEFAULT_PATHS.sales),
    gateways: path.default(DEFAULT_PATHS.gateways),
    aggregatedSales: path.default(DEFAULT_PATHS.aggregatedSales),
    channels: path.default(DEFAULT_PATHS.channels),
    channelResults: path.default(DEFAULT_PATHS.channelResults),
    channelSales: path.default(DEFAULT_PATHS.channelSales),
    createPublicLink: path.default(DEFAULT_PATHS.createPublicLink),
    setWelcomeMessage: path.default(DEFAULT_PATHS.setWelcomeMessage),
  })
  .strict();

export type PremiumpayPaths = z.infer<typeof premiumpayPathsSchema>;
