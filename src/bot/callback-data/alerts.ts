import { cbEnum, cbInt, defineCallback } from "./codec.js";

/**
 * /alerts settings: `al1:<action>:<value>`. `tg` carries a channel id to toggle, `pg` a page (the shared channel
 * chooser); the other actions ignore their value (0).
 */
export const ALERT_ACTIONS = [
  "on",
  "off",
  "chs",
  "min",
  "quiet",
  "test",
  "done",
  "tg",
  "pg",
  "all",
  "back",
] as const;
export const alertsCallback = defineCallback("al1", cbEnum(ALERT_ACTIONS), cbInt);
