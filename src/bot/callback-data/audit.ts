import { cbEnum, cbInt, defineCallback } from "./codec.js";

/** /audit: `au1:p:<page>` turns to a page (0 = newest), `au1:csv:0` sends the CSV, `au1:close:0` ends. */
export const auditCallback = defineCallback("au1", cbEnum(["p", "csv", "close"]), cbInt);

/** /group: each button says the state it sets, so an old one pressed again changes nothing more. */
export const TEAM_GROUP_ACTIONS = ["dg-on", "dg-off", "al-on", "al-off", "dc", "done"] as const;
export const teamGroupCallback = defineCallback("tg1", cbEnum(TEAM_GROUP_ACTIONS));
