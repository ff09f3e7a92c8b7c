/**
 * Turns a message's text and entities (as the emulator parsed them from the bot's Telegram HTML) into HTML for the
 * web page. Only tags built here reach the page and every piece of text is escaped, so a channel named
 * `<img onerror=…>` shows as text, exactly as in Telegram.
 */
import type { InlineKeyboardButton, MessageEntity } from "grammy/types";
import type { StoredMessage } from "../sandbox/telegram/index.js";

export type ButtonView =
  | { kind: "callback"; text: string; data: string }
  | { kind: "url"; text: string; url: string }
  /** A button type the page cannot act on (web apps, games…): shown, but inert. */
  | { kind: "other"; text: string };

export interface MessageView {
  id: number;
  from: "user" | "bot";
  /** Safe HTML built from the text and entities. */
  html: string;
  text: string;
  /** Unix seconds. */
  date: number;
  edited: boolean;
  buttons: ButtonView[][];
  /** A photo (shown inline) or a document (offered as a download); `html` is then its caption. */
  media?: MediaView;
}

export interface MediaView {
  kind: "photo" | "document";
  /** Where the demo server serves the file's bytes. */
  url: string;
  fileName: string;
  size: number;
  width: number;
  height: number;
}

/** The demo server's address for a file the bot sent. */
export const fileUrl = (fileId: string) => `/api/files/${encodeURIComponent(fileId)}`;

const SAFE_URL = /^(?:https?:|tg:|mailto:)/i;
/** Commands in a bot's text are tappable in Telegram; the page does the same. */
const COMMAND = /(^|[\s(])(\/[a-z0-9_]{1,32})(?![\w/])/gi;

function escapeText(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/** A URL the page may link to, or undefined (javascript:, data: and relative URLs are not links). */
export function safeUrl(url: string): string | undefined {
  const trimmed = url.trim();
  return SAFE_URL.test(trimmed) ? trimmed : undefined;
}

function tagsOf(entity: MessageEntity, text: string): [open: string, close: string] | undefined {
  switch (entity.type) {
    case "bold":
      return ["<b>", "</b>"];
    case "italic":
      return ["<i>", "</i>"];
    case "underline":
      return ["<u>", "</u>"];
    case "strikethrough":
      return ["<s>", "</s>"];
    case "spoiler":
      return ['<span class="spoiler">', "</span>"];
    case "code":
      return ["<code>", "</code>"];
    case "pre":
      return ["<pre>", "</pre>"];
    case "blockquote":
      return ["<blockquote>", "</blockquote>"];
    case "expandable_blockquote":
      return ['<blockquote class="expandable">', "</blockquote>"];
    case "text_link":
    case "url": {
      const target = safeUrl(
        entity.type === "text_link" ? entity.url : text.slice(entity.offset, entity.offset + entity.length),
      );
      if (target === undefined) return undefined;
      return [`<a href="${escapeText(target)}" target="_blank" rel="noopener noreferrer">`, "</a>"];
    }
    default:
      // Custom emoji, dates, mentions and the rest show as their plain text.
      return undefined;
  }
}

/** Literal spans (code, links) keep commands as typed; elsewhere in a bot message they become tappable. */
const LITERAL = new Set(["code", "pre", "text_link", "url"]);

function plain(text: string, linkCommands: boolean): string {
  if (!linkCommands) return escapeText(text);
  let html = "";
  let last = 0;
  for (const match of text.matchAll(COMMAND)) {
    const start = match.index + (match[1] ?? "").length;
    const command = match[2] ?? "";
    html += escapeText(text.slice(last, start));
    html += `<a class="command" href="#" data-command="${escapeText(command)}">${escapeText(command)}</a>`;
    last = start + command.length;
  }
  return html + escapeText(text.slice(last));
}

/** HTML for a text with entities (offsets in UTF-16 code units, as Telegram gives them). */
export function renderEntities(
  text: string,
  entities: readonly MessageEntity[],
  options: { linkCommands: boolean },
): string {
  const sorted = [...entities]
    .filter((entity) => entity.length > 0 && entity.offset >= 0 && entity.offset < text.length)
    .sort((a, b) => a.offset - b.offset || b.length - a.length);
  const open: { end: number; close: string; literal: boolean }[] = [];
  let html = "";
  let position = 0;
  const literal = () => open.some((span) => span.literal);
  const advance = (to: number) => {
    if (to <= position) return;
    html += plain(text.slice(position, to), options.linkCommands && !literal());
    position = to;
  };
  const closeUpTo = (offset: number) => {
    for (let top = open.at(-1); top !== undefined && top.end <= offset; top = open.at(-1)) {
      advance(top.end);
      html += top.close;
      open.pop();
    }
  };
  for (const entity of sorted) {
    closeUpTo(entity.offset);
    advance(entity.offset);
    const tags = tagsOf(entity, text);
    // Entities parsed from HTML nest; one that would cross its parent's end is cut there to keep the HTML valid.
    const end = Math.min(entity.offset + entity.length, open.at(-1)?.end ?? text.length, text.length);
    if (tags === undefined) {
      open.push({ end, close: "", literal: false });
      continue;
    }
    html += tags[0];
    open.push({ end, close: tags[1], literal: LITERAL.has(entity.type) });
  }
  closeUpTo(Number.POSITIVE_INFINITY);
  advance(text.length);
  return html;
}

function buttonView(button: InlineKeyboardButton): ButtonView {
  if ("callback_data" in button) return { kind: "callback", text: button.text, data: button.callback_data };
  if ("url" in button) {
    const url = safeUrl(button.url);
    return url === undefined ? { kind: "other", text: button.text } : { kind: "url", text: button.text, url };
  }
  return { kind: "other", text: button.text };
}

export function messageView(message: StoredMessage): MessageView {
  return {
    id: message.messageId,
    from: message.from,
    html: renderEntities(message.text, message.entities, { linkCommands: message.from === "bot" }),
    text: message.text,
    date: message.date,
    edited: message.editCount > 0,
    buttons: (message.replyMarkup?.inline_keyboard ?? []).map((row) => row.map(buttonView)),
    ...(message.media && {
      media: {
        kind: message.media.kind,
        url: fileUrl(message.media.fileId),
        fileName: message.media.fileName,
        size: message.media.bytes.length,
        width: message.media.width,
        height: message.media.height,
      },
    }),
  };
}
