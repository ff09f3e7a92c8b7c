import { MENU_ITEMS } from "../flows.js";
import { cbEnum, cbInt, cbWord, defineCallback } from "./codec.js";

export { defineCallback } from "./codec.js";

/** Main menu buttons: `m:<command>`, one per `menu` entry of the command table (flows.ts). */
export const menuCallback = defineCallback("m", cbEnum(MENU_ITEMS));
/** Cancels whatever flow is running; handled before the conversations so it works at any step. */
export const cancelCallback = defineCallback("x");
export const languageCallback = defineCallback("lang", cbEnum(["en", "es"]));
/** Time zones are sent by index into COMMON_TIMEZONES: IANA names can exceed the 64-byte limit with a prefix. */
export const timezoneCallback = defineCallback("tz", cbInt);
export const logoutCallback = defineCallback("lo", cbEnum(["yes", "no"]));
/** Login retry choices after a refused token. */
export const loginRetryCallback = defineCallback("lr", cbEnum(["token", "client"]));
/** Generic "try again" for a step that failed because premiumpay was unavailable. */
export const retryCallback = defineCallback("rt", cbWord);
/** Channel picker: `cp:p:<page>` turns a page, `cp:c:<channel id>` picks, `cp:f:0` clears the name filter. */
export const pickerCallback = defineCallback("cp", cbEnum(["p", "c", "f"]), cbInt);
