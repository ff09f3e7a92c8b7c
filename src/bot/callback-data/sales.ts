import { EXPORT_PERIOD_KINDS, PERIOD_KINDS } from "../../reports/periods.js";
import { cbEnum, cbInt, defineCallback } from "./codec.js";

/** /sales link step: `sl1:all:0` for every link of the channel, `sl1:one:<index>` for one of its links. */
export const salesLinkCallback = defineCallback("sl1", cbEnum(["all", "one"]), cbInt);

/** The first period choice of /results and /report. */
export const periodCallback = defineCallback("pd1", cbEnum(PERIOD_KINDS));

/**
 * What a period screen may offer besides periods: a chart of its figures, its sales as a CSV file, or the link
 * figures of the same channel and period (/sales).
 */
export const PERIOD_ACTIONS = ["chart", "export", "links"] as const;
export type PeriodAction = (typeof PERIOD_ACTIONS)[number];

/**
 * The buttons under a sales, results, report or links screen: show a period, refresh the current one, one of the
 * screen's actions, or start over with another channel (another report for /report).
 */
export const salesViewCallback = defineCallback(
  "sv1",
  cbEnum([...PERIOD_KINDS, "refresh", "other", ...PERIOD_ACTIONS]),
);
export type SalesViewAction = NonNullable<ReturnType<typeof salesViewCallback.unpack>>[0];

/**
 * The period of a CSV export: `xp1:shown` for the period on screen, `xp1:last90` or `xp1:last12m` for an
 * export-only longer one, `xp1:back` to the figures without a file.
 */
export const exportPeriodCallback = defineCallback("xp1", cbEnum(["shown", ...EXPORT_PERIOD_KINDS, "back"]));

/** An entry of a period screen's figures opening its own screen (a link of /links): its index in the figures. */
export const periodEntryCallback = defineCallback("pe1", cbInt);

/** "Back to the links" on a link's own screen in /links. */
export const linkBackCallback = defineCallback("lb1");

export const REPORT_KINDS = ["country", "payment_method", "service", "gateway"] as const;

/** /report first step: aggregated by one field, or the sales of one gateway. */
export const reportKindCallback = defineCallback("rk1", cbEnum(REPORT_KINDS));

/** /report gateway path: `rg1:<gateway id>`. Ids are checked against the operator's own list. */
export const gatewayCallback = defineCallback("rg1", cbInt);

/** /report service step: `rs1:all:0` for the whole gateway, `rs1:one:<service id>`, `rs1:page:<n>` to turn pages. */
export const serviceCallback = defineCallback("rs1", cbEnum(["all", "one", "page"]), cbInt);
