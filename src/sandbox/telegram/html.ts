/**
 * Parser for the HTML subset Telegram accepts with `parse_mode: "HTML"`.
 *
 * Written by hand because no library implements Telegram's subset: general HTML parsers are lenient
 * (they repair unclosed tags, accept unknown tags and bare `&`), whereas Telegram rejects the whole
 * message, and the emulator must reject exactly what would fail in production. Deliberately strict
 * where Telegram is lenient in practice (a bare `&` is an error here) so escaping bugs surface in tests.
 */
import type { MessageEntity } from "grammy/types";

export class HtmlParseError extends Error {}

export interface ParsedHtml {
  /** The visible text, as Telegram stores it. */
  text: string;
  /** Entities with offsets and lengths in UTF-16 code units, sorted like Telegram sorts them. */
  entities: MessageEntity[];
}

interface OpenTag {
  name: string;
  start: number;
  attributes: Map<string, string>;
  /** `<code>` directly inside `<pre>` only names the language of the pre block. */
  languageOfPre?: boolean;
  language?: string;
}

const SUPPORTED_TAGS = new Set([
  "b",
  "strong",
  "i",
  "em",
  "u",
  "ins",
  "s",
  "strike",
  "del",
  "span",
  "tg-spoiler",
  "a",
  "code",
  "pre",
  "blockquote",
  "tg-emoji",
  "tg-time",
]);

const DATE_TIME_FORMAT = /^(?:r|w?[dD]?[tT]?)$/;
type DateTimeFormat = MessageEntity.DateTimeMessageEntity["date_time_format"];

const NAMED_ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"' };
const ENTITY_PATTERN = /&(?:#(\d{1,8})|#[xX]([0-9a-fA-F]{1,8})|([a-zA-Z]+));/y;

export function parseTelegramHtml(html: string): ParsedHtml {
  let text = "";
  const stack: OpenTag[] = [];
  const entities: MessageEntity[] = [];
  const byteOffset = (index: number) => Buffer.byteLength(html.slice(0, index), "utf8");

  let i = 0;
  while (i < html.length) {
    const char = html[i];
    if (char === "&") {
      const decoded = decodeEntityAt(html, i);
      if (decoded === undefined) {
        fail(
          `Character "&" at byte offset ${byteOffset(i)} does not start a supported HTML entity; use "&amp;"`,
        );
      }
      text += decoded.value;
      i = decoded.end;
      continue;
    }
    if (char !== "<") {
      text += char;
      i++;
      continue;
    }

    const tagStart = i;
    if (html[i + 1] === "/") {
      const close = html.indexOf(">", i);
      if (close === -1) fail(`Unclosed end tag at byte offset ${byteOffset(tagStart)}`);
      const name = html
        .slice(i + 2, close)
        .trim()
        .toLowerCase();
      const open = stack.pop();
      if (open === undefined) fail(`Unexpected end tag at byte offset ${byteOffset(tagStart)}`);
      if (open.name !== name) {
        fail(
          `Unmatched end tag at byte offset ${byteOffset(tagStart)}, expected "</${open.name}>", found "</${name}>"`,
        );
      }
      const entity = toEntity(open, text.length - open.start);
      if (entity !== undefined) entities.push(entity);
      const pre = stack[stack.length - 1];
      if (open.languageOfPre && open.language !== undefined && pre !== undefined)
        pre.language = open.language;
      i = close + 1;
      continue;
    }

    const nameMatch = /^[a-zA-Z][a-zA-Z0-9-]*/.exec(html.slice(i + 1, i + 40));
    if (nameMatch === null) {
      fail(`Character "<" at byte offset ${byteOffset(tagStart)} does not start a tag; use "&lt;"`);
    }
    const name = nameMatch[0].toLowerCase();
    if (!SUPPORTED_TAGS.has(name))
      fail(`Unsupported start tag "${name}" at byte offset ${byteOffset(tagStart)}`);
    const parsed = parseAttributes(html, i + 1 + name.length);
    if (parsed === undefined) fail(`Unclosed start tag at byte offset ${byteOffset(tagStart)}`);
    const { attributes, end } = parsed;
    validateTag(name, attributes);
    const parent = stack[stack.length - 1];
    const tag: OpenTag = { name, start: text.length, attributes };
    if (name === "code" && parent?.name === "pre") {
      tag.languageOfPre = true;
      const match = /^language-(.+)$/.exec(attributes.get("class") ?? "");
      if (match?.[1] !== undefined) tag.language = match[1];
    }
    stack.push(tag);
    i = end;
  }

  const unclosed = stack[stack.length - 1];
  if (unclosed !== undefined) fail(`Can't find end tag corresponding to start tag "${unclosed.name}"`);
  entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
  return { text, entities };
}

function fail(message: string): never {
  throw new HtmlParseError(message);
}

export function escapeHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

function decodeEntityAt(html: string, index: number): { value: string; end: number } | undefined {
  ENTITY_PATTERN.lastIndex = index;
  const match = ENTITY_PATTERN.exec(html);
  if (match === null) return undefined;
  const end = index + match[0].length;
  if (match[3] !== undefined) {
    const value = NAMED_ENTITIES[match[3]];
    return value === undefined ? undefined : { value, end };
  }
  const codePoint = match[1] !== undefined ? Number(match[1]) : Number.parseInt(match[2] ?? "", 16);
  if (codePoint === 0 || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff))
    return undefined;
  return { value: String.fromCodePoint(codePoint), end };
}

/** Reads attributes from `index` (just after the tag name) up to the closing `>`; undefined if unterminated. */
function parseAttributes(
  html: string,
  index: number,
): { attributes: Map<string, string>; end: number } | undefined {
  const attributes = new Map<string, string>();
  let i = index;
  for (;;) {
    while (i < html.length && /\s/.test(html[i] ?? "")) i++;
    if (i >= html.length) return undefined;
    if (html[i] === ">") return { attributes, end: i + 1 };
    const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:.-]*/.exec(html.slice(i, i + 64));
    if (nameMatch === null) {
      fail(
        `Unexpected character "${html[i]}" in a tag at byte offset ${Buffer.byteLength(html.slice(0, i))}`,
      );
    }
    const attrName = nameMatch[0].toLowerCase();
    i += attrName.length;
    while (/\s/.test(html[i] ?? "")) i++;
    if (html[i] !== "=") {
      attributes.set(attrName, "");
      continue;
    }
    i++;
    while (/\s/.test(html[i] ?? "")) i++;
    const quote = html[i];
    let raw: string;
    if (quote === '"' || quote === "'") {
      const end = html.indexOf(quote, i + 1);
      if (end === -1) return undefined;
      raw = html.slice(i + 1, end);
      i = end + 1;
    } else {
      const match = /^[^\s>]+/.exec(html.slice(i));
      raw = match?.[0] ?? "";
      i += raw.length;
    }
    attributes.set(attrName, decodeAttribute(raw));
  }
}

function decodeAttribute(raw: string): string {
  let value = "";
  let i = 0;
  while (i < raw.length) {
    if (raw[i] === "&") {
      const decoded = decodeEntityAt(raw, i);
      if (decoded === undefined) fail(`Unsupported HTML entity in attribute value "${raw}"`);
      value += decoded.value;
      i = decoded.end;
    } else {
      value += raw[i];
      i++;
    }
  }
  return value;
}

function validateTag(name: string, attributes: Map<string, string>): void {
  if (name === "span" && attributes.get("class") !== "tg-spoiler") {
    fail('Tag "span" must have class "tg-spoiler"');
  }
  if (name === "a" && !attributes.get("href")) fail('Tag "a" must have a non-empty attribute "href"');
  if (name === "tg-emoji" && !/^\d+$/.test(attributes.get("emoji-id") ?? "")) {
    fail("Custom emoji entity must contain a valid custom emoji identifier");
  }
  if (name === "tg-time" && !/^\d+$/.test(attributes.get("unix") ?? "")) {
    fail('Tag "tg-time" must have a valid attribute "unix"');
  }
  if (name === "tg-time" && !DATE_TIME_FORMAT.test(attributes.get("format") ?? "")) {
    fail('Tag "tg-time" has an invalid attribute "format"');
  }
}

function toEntity(tag: OpenTag, length: number): MessageEntity | undefined {
  // Telegram drops entities that cover no text.
  if (length === 0 || tag.languageOfPre) return undefined;
  const offset = tag.start;
  switch (tag.name) {
    case "b":
    case "strong":
      return { type: "bold", offset, length };
    case "i":
    case "em":
      return { type: "italic", offset, length };
    case "u":
    case "ins":
      return { type: "underline", offset, length };
    case "s":
    case "strike":
    case "del":
      return { type: "strikethrough", offset, length };
    case "span":
    case "tg-spoiler":
      return { type: "spoiler", offset, length };
    case "a":
      return { type: "text_link", offset, length, url: tag.attributes.get("href") ?? "" };
    case "code":
      return { type: "code", offset, length };
    case "pre":
      return tag.language === undefined
        ? { type: "pre", offset, length }
        : { type: "pre", offset, length, language: tag.language };
    case "blockquote":
      return {
        type: tag.attributes.has("expandable") ? "expandable_blockquote" : "blockquote",
        offset,
        length,
      };
    case "tg-emoji":
      return { type: "custom_emoji", offset, length, custom_emoji_id: tag.attributes.get("emoji-id") ?? "" };
    case "tg-time":
      return {
        type: "date_time",
        offset,
        length,
        unix_time: Number(tag.attributes.get("unix")),
        date_time_format: (tag.attributes.get("format") ?? "") as DateTimeFormat,
      };
    default:
      return undefined;
  }
}
