import { InlineKeyboard } from "grammy";
import { renderCurrencyBlocks } from "../../format/currency-blocks.js";
import { MAX_MESSAGE_CHARS } from "../../format/table.js";
import { buttonLabel } from "../../format/text.js";
import type { AggregatedRow, AggregateField, Gateway, GatewayService } from "../../premiumpay/index.js";
import { groupByCurrency } from "../../reports/currency-blocks.js";
import { type SalesSummary, salesWithin, summarizeSales } from "../../reports/sales-summary.js";
import { cancelCallback } from "../callback-data/index.js";
import {
  gatewayCallback,
  REPORT_KINDS,
  reportKindCallback,
  serviceCallback,
} from "../callback-data/sales.js";
import type { BotDeps, FlowContext } from "../context.js";
import { withPremiumpay } from "../operator.js";
import { exportAction } from "../screens/export.js";
import {
  fetchWithRetry,
  operatorZone,
  periodLine,
  periodReport,
  type Screen,
  totalLine,
} from "../screens/index.js";

export const REPORT = "report";

const SERVICES_PAGE_SIZE = 8;
/** Telegram refuses keyboards of more than 100 buttons. */
const MAX_GATEWAY_BUTTONS = 40;
/** Room kept for the title, the period line and the "rows not shown" note around the table. */
const TEXT_AROUND_TABLE = 600;

interface Scope {
  deps: BotDeps;
  userId: number;
  zone: string;
}

function kindKeyboard(ctx: FlowContext): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const kind of REPORT_KINDS)
    keyboard.text(ctx.t(`report-kind-${kind}`), reportKindCallback.pack(kind)).row();
  return keyboard.text(ctx.t("button-cancel"), cancelCallback.pack());
}

/** One block per currency (amounts in different currencies are never added up), each with its totals row. */
function renderAggregated(
  ctx: FlowContext,
  field: AggregateField,
  periodHtml: string,
  rows: readonly AggregatedRow[],
): string {
  const header = [ctx.html(`report-title-${field}`), periodHtml, ""];
  if (rows.length === 0) return [...header, ctx.html("report-none")].join("\n");
  const blocks = renderCurrencyBlocks(
    groupByCurrency(rows),
    ctx.locale,
    {
      key: ctx.t(`report-column-${field}`),
      sales: ctx.t("report-column-sales"),
      amount: ctx.t("report-column-amount"),
      total: ctx.t("report-total"),
      noCurrency: ctx.t("report-no-currency"),
    },
    MAX_MESSAGE_CHARS - header.join("\n").length - TEXT_AROUND_TABLE,
  );
  const lines = [...header, blocks.html];
  if (blocks.rowsOmitted > 0) lines.push(ctx.html("table-rows-omitted", { count: blocks.rowsOmitted }));
  return lines.join("\n");
}

async function aggregatedReport(screen: Screen, field: AggregateField, { deps, userId, zone }: Scope) {
  await periodReport(screen, zone, screen.ctx.html(`report-title-${field}`), {
    retryStep: REPORT,
    fetch: (period) =>
      withPremiumpay(deps, userId, (client) =>
        client.aggregatedSales({ from: period.from, to: period.to, by: field }),
      ),
    render: (screenCtx, rows, kind, period) =>
      renderAggregated(screenCtx, field, periodLine(screenCtx, kind, period, zone), rows),
    otherKey: "report-another",
    // The figures cover the whole account: so does the file.
    actions: [exportAction({ channel: null }, zone, REPORT)],
  });
}

/** The operator's gateways with their services, retried on failure; undefined when there are none. */
async function loadGateways(screen: Screen, { deps, userId }: Scope): Promise<Gateway[] | undefined> {
  await screen.show(screen.ctx.html("report-loading"));
  const gateways = await fetchWithRetry(screen, REPORT, () =>
    withPremiumpay(deps, userId, (client) => client.gateways({ includeServices: true })),
  );
  if (gateways.length > 0) return gateways;
  await screen.show(screen.ctx.html("report-no-gateways"));
  return undefined;
}

async function chooseGateway(screen: Screen, gateways: readonly Gateway[]): Promise<Gateway> {
  const { ctx } = screen;
  const offered = gateways.slice(0, MAX_GATEWAY_BUTTONS);
  const keyboard = new InlineKeyboard();
  for (const gateway of offered) {
    keyboard.text(buttonLabel(gateway.name || `#${gateway.id}`), gatewayCallback.pack(gateway.id)).row();
  }
  keyboard.text(ctx.t("button-cancel"), cancelCallback.pack());
  await screen.show(ctx.html("report-choose-gateway"), keyboard);
  // A gateway id that is not in the operator's own list (forged or stale) is refused.
  const { value } = await screen.button(gatewayCallback, {
    accept: ([id]) => offered.some((gateway) => gateway.id === id),
    hintKey: "sales-use-buttons",
  });
  return offered.find((gateway) => gateway.id === value[0])!;
}

/** A gateway's services, 8 a page, plus "All services". Returns null for the whole gateway. */
async function chooseService(screen: Screen, gateway: Gateway): Promise<GatewayService | null> {
  const { services } = gateway;
  if (services.length === 0) return null;
  const pages = Math.ceil(services.length / SERVICES_PAGE_SIZE);
  let page = 0;
  for (;;) {
    const current = screen.ctx;
    const keyboard = new InlineKeyboard()
      .text(current.t("report-all-services"), serviceCallback.pack("all", 0))
      .row();
    for (const service of services.slice(page * SERVICES_PAGE_SIZE, (page + 1) * SERVICES_PAGE_SIZE)) {
      keyboard
        .text(buttonLabel(service.name || `#${service.id}`), serviceCallback.pack("one", service.id))
        .row();
    }
    if (page > 0) keyboard.text(current.t("picker-previous"), serviceCallback.pack("page", page - 1));
    if (page < pages - 1) keyboard.text(current.t("picker-next"), serviceCallback.pack("page", page + 1));
    keyboard.row().text(current.t("button-cancel"), cancelCallback.pack());
    const text = [
      current.html("report-choose-service", { gateway: gateway.name || `#${gateway.id}` }),
      ...(pages > 1 ? [current.html("picker-page", { page: page + 1, pages })] : []),
    ].join("\n");
    await screen.show(text, keyboard);
    const { value } = await screen.button(serviceCallback, {
      accept: ([action, id]) => {
        if (action === "page") return id < pages;
        return action === "all" || services.some((service) => service.id === id);
      },
      hintKey: "sales-use-buttons",
    });
    const [action, id] = value;
    if (action === "page") {
      page = id;
      continue;
    }
    return action === "all" ? null : services.find((service) => service.id === id)!;
  }
}

function gatewayTitle(ctx: FlowContext, gateway: Gateway, service: GatewayService | null): string {
  const gatewayName = gateway.name || `#${gateway.id}`;
  return service
    ? ctx.html("report-gateway-title-service", {
        gateway: gatewayName,
        service: service.name || `#${service.id}`,
      })
    : ctx.html("report-gateway-title", { gateway: gatewayName });
}

function renderGatewaySales(
  ctx: FlowContext,
  gateway: Gateway,
  service: GatewayService | null,
  periodHtml: string,
  summary: SalesSummary,
): string {
  return [
    gatewayTitle(ctx, gateway, service),
    periodHtml,
    "",
    ctx.html("sales-count", { count: summary.count }),
    totalLine(ctx, summary.totals),
  ].join("\n");
}

/** False when the operator has no gateways (the flow then ends). */
async function gatewayReport(screen: Screen, scope: Scope): Promise<boolean> {
  const gateways = await loadGateways(screen, scope);
  if (!gateways) return false;
  const gateway = await chooseGateway(screen, gateways);
  const service = await chooseService(screen, gateway);
  const { deps, userId, zone } = scope;
  await periodReport(screen, zone, gatewayTitle(screen.ctx, gateway, service), {
    retryStep: REPORT,
    fetch: (range) =>
      withPremiumpay(deps, userId, async (client) =>
        summarizeSales(
          salesWithin(
            await client.sales({
              from: range.from,
              to: range.to,
              gatewayId: gateway.id,
              ...(service ? { serviceId: service.id } : {}),
            }),
            range,
          ),
        ),
      ),
    render: (screenCtx, summary, kind, range) =>
      renderGatewaySales(screenCtx, gateway, service, periodLine(screenCtx, kind, range, zone), summary),
    otherKey: "report-another",
    actions: [
      exportAction(
        {
          channel: null,
          gateway: {
            id: gateway.id,
            name: service ? `${gateway.name} ${service.name}` : gateway.name || `#${gateway.id}`,
            ...(service ? { serviceId: service.id } : {}),
          },
        },
        zone,
        REPORT,
      ),
    ],
  });
  return true;
}

/**
 * /report: sales aggregated by country, payment method or service for a period, largest amount first; or the sales
 * of one gateway (and optionally one of its services).
 */
export async function reportFlow(screen: Screen): Promise<void> {
  const { deps } = screen.ctx;
  const userId = screen.ctx.from!.id;
  const scope: Scope = { deps, userId, zone: await operatorZone(screen) };
  for (;;) {
    await screen.send(screen.ctx.html("report-choose-kind"), kindKeyboard(screen.ctx));
    const { value } = await screen.button(reportKindCallback, { hintKey: "sales-use-buttons" });
    const [kind] = value;
    if (kind === "gateway") {
      if (!(await gatewayReport(screen, scope))) return;
    } else {
      await aggregatedReport(screen, kind, scope);
    }
  }
}
