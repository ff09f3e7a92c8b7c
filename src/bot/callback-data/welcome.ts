import { cbEnum, cbInt, defineCallback } from "./codec.js";

export const WELCOME_ACTIONS = [
  "skip-link",
  "skip-button",
  "confirm",
  "edit",
  "edit-message",
  "edit-link",
  "edit-button",
] as const;
export type WelcomeAction = (typeof WELCOME_ACTIONS)[number];

/** The welcome flow's buttons: `wm1:<action>`. */
export const welcomeCallback = defineCallback("wm1", cbEnum(WELCOME_ACTIONS));
/**
 * Picks one of the channel's invitation links by its index in the list the flow keeps: link URLs do not fit in
 * 64 bytes, and an index outside that list is refused as forged or stale.
 */
export const welcomeLinkCallback = defineCallback("wl1", cbInt);
