/** Telegram shows long button labels cut anyway; cutting them ourselves keeps the ellipsis where we want it. */
export const BUTTON_LABEL_MAX = 48;

/** A button label of at most `max` characters, counted as code points so an emoji is never split in half. */
export function buttonLabel(text: string, max = BUTTON_LABEL_MAX): string {
  const chars = Array.from(text);
  return chars.length > max ? `${chars.slice(0, max - 1).join("")}…` : text;
}
