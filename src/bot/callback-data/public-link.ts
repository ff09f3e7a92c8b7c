import { cbEnum, defineCallback } from "./codec.js";

/** The duration buttons, in hours (0 = unlimited). Only these values are accepted from a button. */
export const DURATION_PRESETS = ["1", "24", "168", "720", "0"] as const;

/** A duration button: `lkd1:<hours>`. */
export const linkDurationCallback = defineCallback("lkd1", cbEnum(DURATION_PRESETS));
/** A yes/no answer, naming its question so an answer to one is never taken for the other: `lky1:<question>:<yes|no>`. */
export const linkYesNoCallback = defineCallback("lky1", cbEnum(["approval", "auto"]), cbEnum(["yes", "no"]));
/** Summary and failure screens, and "keep the current value" while editing: `lk1:<action>`. */
export const linkActionCallback = defineCallback("lk1", cbEnum(["confirm", "edit", "retry", "back"]));
/** Which field to change from the summary: `lke1:<field>`. */
export const linkEditCallback = defineCallback("lke1", cbEnum(["channel", "name", "duration", "approval"]));
