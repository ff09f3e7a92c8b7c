import { InlineKeyboard } from "grammy";
import { formatTotals } from "../../format/numbers.js";
import { localBounds, PERIOD_KINDS, type Period, type PeriodKind, periodOf } from "../../reports/periods.js";
import type { CurrencyTotal } from "../../reports/sales-summary.js";
import { cancelCallback } from "../callback-data/index.js";
import {
  type PeriodAction,
  periodCallback,
  periodEntryCallback,
  type SalesViewAction,
  salesViewCallback,
} from "../callback-data/sales.js";
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

const ACTIONS_PER_ROW = 3;

/** The actions a screen offers for this period (a chart of days needs more than one day). */
const offeredActions = <T>(spec: PeriodScreen<T>, kind: PeriodKind) =>
  (spec.actions ?? []).filter((action) => action.available?.(kind) ?? true);

function resultKeyboard<T>(ctx: FlowContext, data: T, current: PeriodKind, spec: PeriodScreen<T>) {
  const { kinds, otherKey, entries } = spec;
  const keyboard = new InlineKeyboard();
  (entries?.labels(ctx, data) ?? []).forEach((label, index) => {
    keyboard.text(label, periodEntryCallback.pack(index));
    if (index % 2 === 1) keyboard.row();
  });
  keyboard.row().text(ctx.t("period-button-refresh"), salesViewCallback.pack("refresh"));
  offeredActions(spec, current).forEach((action, index) => {
    // Refresh and two actions a row: four short labels side by side are cut short on a phone.
    if (index % ACTIONS_PER_ROW === ACTIONS_PER_ROW - 1) keyboard.row();
    keyboard.text(ctx.t(action.labelKey), salesViewCallback.pack(action.action));
  });
  keyboard.row();
  for (const kind of kinds) {
    if (kind !== current) keyboard.text(ctx.t(`period-button-${kind}`), salesViewCallback.pack(kind));
  }
  return keyboard
    .row()
    .text(ctx.t(otherKey), salesViewCallback.pack("other"))
    .text(ctx.t("button-cancel"), cancelCallback.pack());
}

/** Where a period screen's figures go after an action: below what it sent, or back into their own message. */
export type ActionOutcome = "sent" | "back";

/** A button of a period screen besides the periods: a chart or a file sent below, or a screen of its own. */
export interface PeriodScreenAction<T> {
  action: PeriodAction;
  labelKey: string;
  /** Offered for these periods only; every period when absent. */
  available?: (kind: PeriodKind) => boolean;
  /**
   * Shows its own views in the screen's message (a question, another screen) and/or sends messages below it from
   * `conversation.external`; "sent" shows the figures again below them, "back" in the same message.
   */
  run: (screen: Screen, data: T, kind: PeriodKind, period: Period) => Promise<ActionOutcome>;
}

/** An action that only sends something below the figures (a chart): their buttons go first. */
export function sendBelow<T>(
  send: (screen: Screen, data: T, kind: PeriodKind, period: Period) => Promise<void>,
): PeriodScreenAction<T>["run"] {
  return async (screen, data, kind, period) => {
    await screen.retire();
    await send(screen, data, kind, period);
    return "sent";
  };
}

/** Entries of the figures (the links of /links) as buttons, each opening a screen of its own. */
export interface PeriodScreenEntries<T> {
  /** One plain-text label per entry, in order (keep them few: they sit above the period buttons). */
  labels: (ctx: FlowContext, data: T) => string[];
  /** Shows the entry's screen; when it returns, the figures are shown again in the same message. */
  open: (screen: Screen, data: T, index: number, kind: PeriodKind, period: Period) => Promise<void>;
}

export interface PeriodScreen<T> {
  /** The period buttons offered under the figures. */
  kinds: readonly PeriodKind[];
  initial: PeriodKind;
  /** Name of the retry step (for the Retry button's payload). */
  retryStep: string;
  /** Runs inside `conversation.external`: the value must be JSON-safe. `fresh` is true for the Refresh button. */
  fetch: (period: Period, kind: PeriodKind, now: Date, fresh: boolean) => Promise<Outcome<T>>;
  render: (ctx: FlowContext, data: T, kind: PeriodKind, period: Period) => string;
  /** Label key of the "start over" button (another channel, another report). */
  otherKey: string;
  actions?: readonly PeriodScreenAction<T>[];
  entries?: PeriodScreenEntries<T>;
}

type PeriodScreenAnswer = { entry: number } | { view: SalesViewAction };

/** A period screen's buttons: its own view buttons, or one of its entries. */
const periodScreenButtons = {
  unpack(data: string | undefined): PeriodScreenAnswer | undefined {
    const view = salesViewCallback.unpack(data);
    if (view) return { view: view[0] };
    const entry = periodEntryCallback.unpack(data);
    return entry ? { entry: entry[0] } : undefined;
  },
};

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
  let fresh = false;
  for (;;) {
    const now = await flowNow(screen.conversation, screen.ctx.deps);
    const period = periodOf(kind, now, zone);
    const shownKind = kind;
    const asked: boolean = fresh;
    const data: T = await fetchWithRetry(screen, spec.retryStep, () =>
      spec.fetch(period, shownKind, now, asked),
    );
    const view = () => spec.render(screen.ctx, data, kind, period);
    const keyboard = () => resultKeyboard(screen.ctx, data, kind, spec);
    await screen.show(view(), keyboard());
    for (;;) {
      // Only the periods, actions and entries this screen offers: /sales has no 30-day button, so a forged one is refused.
      const { value } = await screen.button(periodScreenButtons, {
        accept: (answer) =>
          "entry" in answer
            ? answer.entry < (spec.entries?.labels(screen.ctx, data).length ?? 0)
            : isPeriodKind(answer.view)
              ? spec.kinds.includes(answer.view)
              : answer.view === "refresh" ||
                answer.view === "other" ||
                offeredActions(spec, kind).some((offered) => offered.action === answer.view),
        hintKey: "sales-use-buttons",
      });
      if ("entry" in value) {
        await spec.entries!.open(screen, data, value.entry, shownKind, period);
        // Back from the entry: the same figures in the same message, nothing asked again.
        await screen.show(view(), keyboard());
        continue;
      }
      const action = value.view;
      if (action === "other") {
        await screen.retire();
        return;
      }
      const offered = spec.actions?.find((candidate) => candidate.action === action);
      if (!offered) {
        if (isPeriodKind(action)) kind = action;
        fresh = action === "refresh";
        break;
      }
      const outcome = await offered.run(screen, data, shownKind, period);
      // The figures again in their message, or under what was sent so that their buttons stay at hand.
      if (outcome === "back") await screen.show(view(), keyboard());
      else await screen.send(view(), keyboard());
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
