import type { Locale } from "../config.js";

/**
 * City names where a language writes them differently from the zone id, from CLDR's exemplar cities. Intl
 * knows these names but offers no way to read them (its zone names are "Central European Time", shared by
 * Madrid and Berlin), and the CLDR data package weighs tens of megabytes for these few names.
 */
const CITY_NAMES: Record<Locale, Readonly<Record<string, string>>> = {
  en: {
    "America/Bogota": "Bogotá",
    "America/Sao_Paulo": "São Paulo",
  },
  es: {
    "America/Bogota": "Bogotá",
    "America/Los_Angeles": "Los Ángeles",
    "America/Mexico_City": "Ciudad de México",
    "America/New_York": "Nueva York",
    "America/Santiago": "Santiago de Chile",
    "America/Sao_Paulo": "São Paulo",
    "Asia/Dubai": "Dubái",
    "Asia/Kolkata": "Calcuta",
    "Asia/Singapore": "Singapur",
    "Asia/Tokyo": "Tokio",
    "Australia/Sydney": "Sídney",
    "Europe/Berlin": "Berlín",
    "Europe/Lisbon": "Lisboa",
    "Europe/London": "Londres",
    "Europe/Moscow": "Moscú",
  },
};

/**
 * The zone's city as the operator's language writes it ("Londres", "Ciudad de México"); for any other zone, the
 * city part of its id ("America/Argentina/Buenos_Aires" → "Buenos Aires", "UTC" → "UTC"). Plain text.
 */
export function timezoneName(zone: string, locale: Locale): string {
  return CITY_NAMES[locale][zone] ?? zone.replace(/^.*\//, "").replace(/_/g, " ");
}
