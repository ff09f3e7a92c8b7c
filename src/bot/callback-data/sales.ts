import { PERIOD_KINDS } from "../../reports/periods.js";
import { cbEnum, cbInt, defineCallback } from "./codec.js";

/** /sales link step: `sl:all:0` for every link of the channel, `sl:one:<index>` for one of its links. */
export const salesLinkCallback = defineCallback("sl", cbEnum(["all", "one"]), cbInt);

/** The first period choice of /results and /report. */
export const periodCallback = defineCallback("pd", cbEnum(PERIOD_KINDS));

/**
 * The buttons under a sales, results or report screen: show a period, refresh the current one, or start over
 * with another channel (another report for /report).
 */
export const salesViewCallback = defineCallback("sv", cbEnum([...PERIOD_KINDS, "refresh", "other"]));

export const REPORT_KINDS = ["country", "payment_method", "service", "gateway"] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

/** /report first step: aggregated by one field, or the sales of one gateway. */
export const reportKindCallback = defineCallback("rk", cbEnum(REPORT_KINDS));

/** /report gateway path: `rg:<gateway id>`. Ids are checked against the operator's own list. */
export const gatewayCallback = defineCallback("rg", cbInt);

/** /report service step: `rs:all:0` for the whole gateway, `rs:one:<service id>`, `rs:page:<n>` to turn pages. */
export const serviceCallback = defineCallback("rs", cbEnum(["all", "one", "page"]), cbInt);
