import type { PlainTranslate } from "../format/translate.js";
import type { Gateway, PremiumpayClient } from "../premiumpay/index.js";
import type { Period } from "../reports/periods.js";
import { localDate } from "../time.js";
import { type CsvFile, type SaleNames, writeSalesCsv } from "./csv.js";
import { exportFileName } from "./file-name.js";
import { salesByWindow } from "./sales-source.js";

export interface SalesExportRequest {
  client: PremiumpayClient;
  /** One channel, or every channel of the account. */
  channel: { id: number; name: string } | null;
  /** With a channel: only the sales through this invitation link, as /sales shows for one link. */
  link?: { url: string; name: string } | undefined;
  /** With every channel: only the sales of this gateway (and service), as /report's gateway screen shows. */
  gateway?: { id: number; name: string; serviceId?: number } | undefined;
  period: Period;
  /** The operator's time zone: the local-time column and the dates in the file name. */
  zone: string;
  t: PlainTranslate;
  onProgress?: (rows: number) => void;
  signal?: AbortSignal;
  windowDays?: number;
  limitBytes?: number;
}

export interface SalesExport extends CsvFile {
  fileName: string;
}

/** Gateway and service names are a nicety: without them the file carries premiumpay's ids. */
async function gatewaysOrNone(client: PremiumpayClient): Promise<Gateway[]> {
  try {
    return await client.gateways({ includeServices: true });
  } catch {
    return [];
  }
}

/**
 * Every sale of the period as a CSV file, written window by window. premiumpay cost: one channel list, one
 * gateway list, and one sales request per window (53 for a year of weekly windows).
 */
export async function exportSales(request: SalesExportRequest): Promise<SalesExport> {
  const { client, channel, link, gateway, period, zone, t } = request;
  const [channels, gateways] = await Promise.all([
    client.channels({ includeLinks: true }),
    gatewaysOrNone(client),
  ]);
  const names: SaleNames = {
    channels: new Map(channels.map((c) => [c.id, c.name])),
    links: new Map(channels.flatMap((c) => c.links.map((link) => [link.url, link.name]))),
    gateways,
  };
  const linkName = channel && link ? link.name || t("export-one-link") : undefined;
  const fileName = exportFileName(
    channel
      ? [channel.name, linkName].filter(Boolean).join(" ")
      : (gateway?.name ?? t("export-all-channels")),
    channel ? `channel-${channel.id}` : gateway ? `gateway-${gateway.id}` : "all-channels",
    localDate(period.from, zone),
    localDate(period.to, zone),
  );
  const pages = salesByWindow(client, {
    channelId: channel?.id,
    ...(channel && link ? { invitationLink: link.url } : {}),
    ...(gateway && !channel ? { gatewayId: gateway.id, serviceId: gateway.serviceId } : {}),
    period,
    windowDays: request.windowDays,
    signal: request.signal,
  });
  const file = await writeSalesCsv(pages, {
    zone,
    t,
    names,
    channelId: channel?.id,
    onProgress: request.onProgress,
    fileName,
    limitBytes: request.limitBytes,
  });
  return { ...file, fileName };
}
