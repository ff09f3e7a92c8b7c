import { InlineKeyboard } from "grammy";
import { formatCount, formatMoney, formatTotals } from "../../format/numbers.js";
import { MAX_MESSAGE_CHARS, renderTable } from "../../format/table.js";
import { buttonLabel } from "../../format/text.js";
import type { AggregatedRow, AggregateField, Gateway, GatewayService } from "../../premiumpay/index.js";
import { PERIOD_KINDS } from "../../reports/periods.js";
import { type SalesSummary, summarizeSales } from "../../reports/sales-summary.js";
import { cancelCallback, retryCallback } from "../callback-data/index.js";
import {
  gatewayCallback,
  REPORT_KINDS,
  reportKindCallback,
  serviceCallback,
} from "../callback-data/sales.js";
import type { BotDeps, FlowContext } from "../context.js";
import { editOrSend } from "../format/edit.js";
import { retryKeyboard } from "../keyboards/index.js";
import { failureText, withPremiumpay } from "../operator.js";
import { choosePeriod, operatorZone, periodLine, showPeriodScreen, waitForButton } from "./sales.js";
import type { Flow } from "./types.js";

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

/**
 * Amounts in different currencies cannot be compared, so rows are grouped by currency (the currency with the
 * largest total first) and sorted by amount within it; ties by number of sales, then by name, so the order is stable.
 */
function sortByAmount(rows: readonly AggregatedRow[]): AggregatedRow[] {
  const totals = new Map<string, number>();
  for (const row of rows) totals.set(row.currency ?? "", (totals.get(row.currency ?? "") ?? 0) + row.amount);
  return [...rows].sort((a, b) => {
    const [currencyA, currencyB] = [a.currency ?? "", b.currency ?? ""];
    if (currencyA !== currencyB) {
      return totals.get(currencyB)! - totals.get(currencyA)! || currencyA.localeCompare(currencyB);
    }
    return b.amount - a.amount || b.count - a.count || a.key.localeCompare(b.key);
  });
}

function renderAggregated(
  ctx: FlowContext,
  field: AggregateField,
  periodHtml: string,
  rows: readonly AggregatedRow[],
): string {
  const header = [ctx.html(`report-title-${field}`), periodHtml, ""];
  if (rows.length === 0) return [...header, ctx.html("report-none")].join("\n");
  const cells = sortByAmount(rows).map((row) => [
    row.key,
    formatCount(row.count, ctx.locale),
    formatMoney(row.amount, row.currency, ctx.locale),
  ]);
  const table = renderTable(
    [
      { header: ctx.t(`report-column-${field}`) },
      { header: ctx.t("report-column-sales"), align: "right" },
      { header: ctx.t("report-column-amount"), align: "right" },
    ],
    cells,
    { maxChars: MAX_MESSAGE_CHARS - header.join("\n").length - TEXT_AROUND_TABLE, maxCellWidth: 28 },
  );
  const lines = [...header, table.html];
  if (table.rowsOmitted > 0) lines.push(ctx.html("table-rows-omitted", { count: table.rowsOmitted }));
  return lines.join("\n");
}

async function aggregatedReport(
  conversation: Flow,
  ctx: FlowContext,
  messageId: number,
  field: AggregateField,
  { deps, userId, zone }: Scope,
): Promise<FlowContext> {
  const chosen = await choosePeriod(
    conversation,
    ctx,
    messageId,
    ctx.html(`report-title-${field}`),
    PERIOD_KINDS,
  );
  return showPeriodScreen(conversation, chosen.ctx, chosen.messageId, zone, {
    kinds: PERIOD_KINDS,
    initial: chosen.kind,
    retryStep: REPORT,
    fetch: (period) =>
      withPremiumpay(deps, userId, (client) =>
        client.aggregatedSales({ from: period.from, to: period.to, by: field }),
      ),
    render: (screenCtx, rows, kind, period) =>
      renderAggregated(screenCtx, field, periodLine(screenCtx, kind, period, zone), rows),
    otherKey: "report-another",
  });
}

/**
 * The operator's gateways with their services, retried on failure, and the message showing the flow now; undefined
 * when there are none.
 */
async function loadGateways(
  conversation: Flow,
  ctx: FlowContext,
  messageId: number,
  { deps, userId }: Scope,
): Promise<{ ctx: FlowContext; gateways: Gateway[]; messageId: number } | undefined> {
  const chatId = ctx.chat!.id;
  let current = ctx;
  let shownIn = await editOrSend(current.api, chatId, messageId, current.html("report-loading"));
  for (;;) {
    const outcome = await conversation.external(() =>
      withPremiumpay(deps, userId, (client) => client.gateways({ includeServices: true })),
    );
    if (outcome.ok) {
      if (outcome.value.length > 0) return { ctx: current, gateways: outcome.value, messageId: shownIn };
      await editOrSend(current.api, chatId, shownIn, current.html("report-no-gateways"));
      return undefined;
    }
    shownIn = await editOrSend(current.api, chatId, shownIn, failureText(current, outcome), {
      reply_markup: retryKeyboard(current, REPORT),
    });
    current = (await waitForButton(conversation, retryCallback)).ctx;
  }
}

async function chooseGateway(
  conversation: Flow,
  ctx: FlowContext,
  messageId: number,
  gateways: readonly Gateway[],
): Promise<{ ctx: FlowContext; gateway: Gateway; messageId: number }> {
  const offered = gateways.slice(0, MAX_GATEWAY_BUTTONS);
  const keyboard = new InlineKeyboard();
  for (const gateway of offered) {
    keyboard.text(buttonLabel(gateway.name || `#${gateway.id}`), gatewayCallback.pack(gateway.id)).row();
  }
  keyboard.text(ctx.t("button-cancel"), cancelCallback.pack());
  const shownIn = await editOrSend(ctx.api, ctx.chat!.id, messageId, ctx.html("report-choose-gateway"), {
    reply_markup: keyboard,
  });
  // A gateway id that is not in the operator's own list (forged or stale) is refused.
  const { ctx: answer, value } = await waitForButton(conversation, gatewayCallback, ([id]) =>
    offered.some((gateway) => gateway.id === id),
  );
  return { ctx: answer, gateway: offered.find((gateway) => gateway.id === value[0])!, messageId: shownIn };
}

/** A gateway's services, 8 a page, plus "All services". Returns null for the whole gateway. */
async function chooseService(
  conversation: Flow,
  ctx: FlowContext,
  messageId: number,
  gateway: Gateway,
): Promise<{ ctx: FlowContext; service: GatewayService | null; messageId: number }> {
  const { services } = gateway;
  if (services.length === 0) return { ctx, service: null, messageId };
  const pages = Math.ceil(services.length / SERVICES_PAGE_SIZE);
  let current = ctx;
  let page = 0;
  let shownIn = messageId;
  for (;;) {
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
    shownIn = await editOrSend(current.api, current.chat!.id, shownIn, text, { reply_markup: keyboard });
    const { ctx: answer, value } = await waitForButton(conversation, serviceCallback, ([action, id]) => {
      if (action === "page") return id < pages;
      return action === "all" || services.some((service) => service.id === id);
    });
    const [action, id] = value;
    current = answer;
    if (action === "page") {
      page = id;
      continue;
    }
    return {
      ctx: answer,
      service: action === "all" ? null : services.find((service) => service.id === id)!,
      messageId: shownIn,
    };
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
    ctx.html("sales-total", { totals: formatTotals(summary.totals, ctx.locale) }),
  ].join("\n");
}

/** Undefined when the operator has no gateways (the flow then ends). */
async function gatewayReport(
  conversation: Flow,
  ctx: FlowContext,
  messageId: number,
  scope: Scope,
): Promise<FlowContext | undefined> {
  const loaded = await loadGateways(conversation, ctx, messageId, scope);
  if (!loaded) return undefined;
  const picked = await chooseGateway(conversation, loaded.ctx, loaded.messageId, loaded.gateways);
  const { gateway } = picked;
  const chosen = await chooseService(conversation, picked.ctx, picked.messageId, gateway);
  const { service } = chosen;
  const period = await choosePeriod(
    conversation,
    chosen.ctx,
    chosen.messageId,
    gatewayTitle(chosen.ctx, gateway, service),
    PERIOD_KINDS,
  );
  const { deps, userId, zone } = scope;
  return showPeriodScreen(conversation, period.ctx, period.messageId, zone, {
    kinds: PERIOD_KINDS,
    initial: period.kind,
    retryStep: REPORT,
    fetch: (range) =>
      withPremiumpay(deps, userId, async (client) =>
        summarizeSales(
          await client.sales({
            from: range.from,
            to: range.to,
            gatewayId: gateway.id,
            ...(service ? { serviceId: service.id } : {}),
          }),
        ),
      ),
    render: (screenCtx, summary, kind, range) =>
      renderGatewaySales(screenCtx, gateway, service, periodLine(screenCtx, kind, range, zone), summary),
    otherKey: "report-another",
  });
}

/**
 * /report: sales aggregated by country, payment method or service for a period, largest amount first; or the sales
 * of one gateway (and optionally one of its services).
 */
export async function reportConversation(conversation: Flow, ctx: FlowContext): Promise<void> {
  const { deps } = ctx;
  const userId = ctx.from!.id;
  const scope: Scope = { deps, userId, zone: await operatorZone(conversation, deps, userId) };
  let current = ctx;
  for (;;) {
    const screen = await current.reply(current.html("report-choose-kind"), {
      reply_markup: kindKeyboard(current),
    });
    const { ctx: answer, value } = await waitForButton(conversation, reportKindCallback);
    const [kind] = value;
    const next =
      kind === "gateway"
        ? await gatewayReport(conversation, answer, screen.message_id, scope)
        : await aggregatedReport(conversation, answer, screen.message_id, kind, scope);
    if (!next) return;
    current = next;
  }
}
