import { cbEnum, cbInt, defineCallback } from "./codec.js";

/**
 * /digest settings: `dg1:<action>:<value>`. `tm` carries a time as minutes after midnight, `tg` a channel id to
 * toggle, `pg` a page, `chart` the week chart's new state (1 on, 0 off); the other actions ignore their value (0).
 */
export const DIGEST_ACTIONS = [
  "on",
  "off",
  "time",
  "tm",
  "chs",
  "tg",
  "pg",
  "all",
  "back",
  "pv",
  "chart",
  "done",
] as const;
export const digestCallback = defineCallback("dg1", cbEnum(DIGEST_ACTIONS), cbInt);
