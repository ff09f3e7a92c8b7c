const MAX_SLUG_LENGTH = 48;

/** "Fotografía Pro!" → "fotografia-pro": accents folded, anything else but letters and digits a dash. */
export function slug(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .slice(0, MAX_SLUG_LENGTH)
    .replace(/^-+|-+$/g, "");
}

/**
 * What the file holds, in its name: `sales-trading-vip-2026-11-01_2026-11-30.csv`. `subject` is the channel's
 * name (or the translated "all channels"); `fallback` names it when nothing of it survives slugging (Arabic, emoji).
 */
export function exportFileName(subject: string, fallback: string, firstDay: string, lastDay: string): string {
  const name = slug(subject) || slug(fallback) || "export";
  return `sales-${name}-${firstDay}_${lastDay}.csv`;
}
