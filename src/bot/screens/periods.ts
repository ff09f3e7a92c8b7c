import { InlineKeyboard } from "grammy";
import { formatTotals } from "../../format/numbers.js";
import { localBounds, PERIOD_KINDS, type Period, type PeriodKind, periodOf } from "../../reports/periods.js";
import type { CurrencyTotal } from "../../reports/sales-summary.js";
import { cancelCallback } from "../callback-data/index.js";
import { type PeriodAction, periodCallback, salesViewCallback } from "../callback-data/sales.js";
import type { FlowContext } from "../context.js";
import type { Outcome } from "../errors.js";
import { flowNow } from "./clock.js";
import { fetchWithRetry } from "./retry.js";
import type { Screen } from "./screen.js";

/** "Total: €120.00 · $35.50", or "Total: no sales" rather than an amount without a currency. */
export function totalLine(ctx: FlowContext, totals: readonly CurrencyTotal[]): string {
  if (totals.length === 0) return ctx.html("sales-total-none");
  return ctx.html("sales-total", { totals: formatTotals(totals, ctx.locale) });
}

/** The operator's own time zone, or the bot's default. */
export function operatorZone(screen: Screen): Promise<string> {
  const { deps } = screen.ctx;
  const userId = screen.ctx.from!.id;
  return screen.conversation.external(
    async () => (await deps.store.getOperator(userId))?.timezone ?? deps.config.defaultTimezone,
  );
}

const isPeriodKind = (value: string): value is PeriodKind =>
  (PERIOD_KINDS as readonly string[]).includes(value);

/** One button per period, two a row, then Cancel: the first choice of /results and /report. */
function periodChoiceKeyboard(ctx: FlowContext, kinds: readonly PeriodKind[]): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  kinds.forEach((kind, index) => {
    keyboard.text(ctx.t(`period-button-${kind}`), periodCallback.pack(kind));
    if (index % 2 === 1) keyboard.row();
  });
  return keyboard.row().text(ctx.t("button-cancel"), cancelCallback.pack());
}

/** Asks "Which period?" under `titleHtml` and returns the period picked. */
export async function choosePeriod(
  screen: Screen,
  titleHtml: string,
  kinds: readonly PeriodKind[],
): Promise<PeriodKind> {
  const { ctx } = screen;
  await screen.show(`${titleHtml}\n${ctx.html("period-choose")}`, periodChoiceKeyboard(ctx, kinds));
  const { value } = await screen.button(periodCallback, {
    accept: ([kind]) => kinds.includes(kind),
    hintKey: "sales-use-buttons",
  });
  return value[0];
}

/** "Today, 2026-03-29 until 10:15 (Europe/Madrid)", "Yesterday, …", "Last 7 days: …". */
export function periodLine(ctx: FlowContext, kind: PeriodKind, period: Period, zone: string): string {
  const bounds = localBounds(period, zone);
  switch (kind) {
    case "today":
      return ctx.html("period-line-today", { date: bounds.toDate, time: bounds.toTime, zone });
    case "yesterday":
      return ctx.html("period-line-yesterday", { date: bounds.fromDate, zone });
    case "last7":
    case "last30":
      return ctx.html("period-line-days", {
        days: kind === "last7" ? 7 : 30,
        from: bounds.fromDate,
        to: bounds.toDate,
        time: bounds.toTime,
        zone,
      });
  }
}

function resultKeyboard<T>(ctx: FlowContext, current: PeriodKind, spec: PeriodScreen<T>) {
  const { kinds, otherKey, actions = [] } = spec;
  const keyboard = new InlineKeyboard().text(
    ctx.t("period-button-refresh"),
    salesViewCallback.pack("refresh"),
  );
  for (const action of actions) keyboard.text(ctx.t(action.labelKey), salesViewCallback.pack(action.action));
  keyboard.row();
  for (const kind of kinds) {
    if (kind !== current) keyboard.text(ctx.t(`period-button-${kind}`), salesViewCallback.pack(kind));
  }
  return keyboard
    .row()
    .text(ctx.t(otherKey), salesViewCallback.pack("other"))
    .text(ctx.t("button-cancel"), cancelCallback.pack());
}

/** A button of a period screen that sends something below it (a chart, a file) and leaves the figures as they are. */
export interface PeriodScreenAction<T> {
  action: PeriodAction;
  labelKey: string;
  /** Sends its messages from `conversation.external`; the figures are shown again below them afterwards. */
  run: (screen: Screen, data: T, kind: PeriodKind, period: Period) => Promise<void>;
}

export interface PeriodScreen<T> {
  /** The period buttons offered under the figures. */
  kinds: readonly PeriodKind[];
  initial: PeriodKind;
  /** Name of the retry step (for the Retry button's payload). */
  retryStep: string;
  /** Runs inside `conversation.external`: the value must be JSON-safe. */
  fetch: (period: Period, kind: PeriodKind, now: Date) => Promise<Outcome<T>>;
  render: (ctx: FlowContext, data: T, kind: PeriodKind, period: Period) => string;
  /** Label key of the "start over" button (another channel, another report). */
  otherKey: string;
  actions?: readonly PeriodScreenAction<T>[];
}

/**
 * Shows the figures of a period, refreshed and switched to other periods in place, with Retry when premiumpay
 * fails. Returns on the "start over" click, the figures kept in the chat as a record without their buttons.
 */
export async function showPeriodScreen<T>(
  screen: Screen,
  zone: string,
  spec: PeriodScreen<T>,
): Promise<void> {
  let kind = spec.initial;
  for (;;) {
    const now = await flowNow(screen.conversation, screen.ctx.deps);
    const period = periodOf(kind, now, zone);
    const shownKind = kind;
    const data = await fetchWithRetry(screen, spec.retryStep, () => spec.fetch(period, shownKind, now));
    await screen.show(spec.render(screen.ctx, data, kind, period), resultKeyboard(screen.ctx, kind, spec));
    for (;;) {
      // Only the periods and actions this screen offers: /sales has no 30-day button, so a forged one is refused.
      const { value } = await screen.button(salesViewCallback, {
        accept: ([action]) =>
          isPeriodKind(action)
            ? spec.kinds.includes(action)
            : action === "refresh" ||
              action === "other" ||
              (spec.actions ?? []).some((offered) => offered.action === action),
        hintKey: "sales-use-buttons",
      });
      const [action] = value;
      if (action === "other") {
        await screen.retire();
        return;
      }
      const offered = spec.actions?.find((candidate) => candidate.action === action);
      if (!offered) {
        if (isPeriodKind(action)) kind = action;
        break;
      }
      await screen.retire();
      await offered.run(screen, data, shownKind, period);
      // The figures again under what was sent, so their buttons stay at hand.
      await screen.send(spec.render(screen.ctx, data, kind, period), resultKeyboard(screen.ctx, kind, spec));
    }
  }
}

/** Asks which period under `titleHtml`, then shows its figures with every period to switch to (/results, /report). */
export async function periodReport<T>(
  screen: Screen,
  zone: string,
  titleHtml: string,
  spec: Omit<PeriodScreen<T>, "kinds" | "initial">,
): Promise<void> {
  const initial = await choosePeriod(screen, titleHtml, PERIOD_KINDS);
  await showPeriodScreen(screen, zone, { ...spec, kinds: PERIOD_KINDS, initial });
}
