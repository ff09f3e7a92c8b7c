import type { MessageEntity } from "grammy/types";
import { describe, expect, it } from "vitest";
import { messageView, renderEntities } from "../../src/demo/render.js";
import { parseTelegramHtml, type StoredMessage } from "../../src/sandbox/telegram/index.js";

/** What the page shows for HTML the bot sent, going through the emulator's parser as in the demo. */
function shown(html: string, linkCommands = true): string {
  const { text, entities } = parseTelegramHtml(html);
  return renderEntities(text, entities, { linkCommands });
}

function stored(fields: Partial<StoredMessage>): StoredMessage {
  return {
    chatId: 1,
    messageId: 5,
    from: "bot",
    senderId: 99,
    html: "",
    text: "",
    entities: [],
    date: 1_700_000_000,
    editCount: 0,
    deleted: false,
    ...fields,
  };
}

describe("rendering the bot's Telegram HTML for the page", () => {
  it("keeps Telegram's formatting, nested, and escapes every piece of text", () => {
    expect(shown("<b>Sales</b> of <i>Fitness <u>Premium</u></i>: <code>12 €</code>")).toBe(
      "<b>Sales</b> of <i>Fitness <u>Premium</u></i>: <code>12 €</code>",
    );
    expect(shown("<b>&lt;img src=x onerror=alert(1)&gt;</b> &amp; \"quotes\" 'too'")).toBe(
      "<b>&lt;img src=x onerror=alert(1)&gt;</b> &amp; &quot;quotes&quot; &#39;too&#39;",
    );
    expect(shown('<pre><code class="language-ts">a &lt; b</code></pre>')).toBe("<pre>a &lt; b</pre>");
    expect(shown('<span class="tg-spoiler">secret</span> <blockquote expandable>q</blockquote>')).toBe(
      '<span class="spoiler">secret</span> <blockquote class="expandable">q</blockquote>',
    );
  });

  it("counts offsets in UTF-16 units, so formatting after emoji lands on the right characters", () => {
    expect(shown("✅ 💰 <b>Link</b> 🇪🇸 <i>ok</i>")).toBe("✅ 💰 <b>Link</b> 🇪🇸 <i>ok</i>");
  });

  it("links only to web, tg: and mailto: addresses, opening them in a new tab", () => {
    expect(shown('<a href="https://t.me/+abc">join</a>')).toBe(
      '<a href="https://t.me/+abc" target="_blank" rel="noopener noreferrer">join</a>',
    );
    expect(shown('<a href="javascript:alert(1)">x</a>')).toBe("x");
    expect(shown('<a href="https://x.example/?a=&quot;&gt;">x</a>')).toBe(
      '<a href="https://x.example/?a=&quot;&gt;" target="_blank" rel="noopener noreferrer">x</a>',
    );
  });

  it("makes commands in the bot's text tappable, but not inside code or in the user's own text", () => {
    expect(shown("Send /start or (/link), not a/b or /x/y")).toBe(
      'Send <a class="command" href="#" data-command="/start">/start</a> or (<a class="command" href="#" data-command="/link">/link</a>), not a/b or /x/y',
    );
    expect(shown("<code>/start</code>")).toBe("<code>/start</code>");
    expect(shown("/start", false)).toBe("/start");
  });

  it("cuts an entity that would cross its parent's end, so the HTML stays well formed", () => {
    const entities: MessageEntity[] = [
      { type: "bold", offset: 0, length: 4 },
      { type: "italic", offset: 2, length: 4 },
    ];
    expect(renderEntities("abcdef", entities, { linkCommands: false })).toBe("<b>ab<i>cd</i></b>ef");
  });

  it("describes keyboards: callback and safe url buttons act, the others are inert", () => {
    const view = messageView(
      stored({
        text: "Pick",
        editCount: 1,
        replyMarkup: {
          inline_keyboard: [
            [
              { text: "A", callback_data: "pick:a" },
              { text: "Share", url: "https://t.me/share/url?url=x" },
            ],
            [
              { text: "Evil", url: "javascript:alert(1)" },
              { text: "App", web_app: { url: "https://app.example" } },
            ],
          ],
        },
      }),
    );
    expect(view).toEqual({
      id: 5,
      from: "bot",
      html: "Pick",
      text: "Pick",
      date: 1_700_000_000,
      edited: true,
      buttons: [
        [
          { kind: "callback", text: "A", data: "pick:a" },
          { kind: "url", text: "Share", url: "https://t.me/share/url?url=x" },
        ],
        [
          { kind: "other", text: "Evil" },
          { kind: "other", text: "App" },
        ],
      ],
    });
  });
});

describe("photos and documents on the page", () => {
  it("points at the demo server's copy of the file and keeps the caption as the text", () => {
    const view = messageView(
      stored({
        text: "Sales",
        media: {
          kind: "document",
          fileId: "document-1/../x",
          fileUniqueId: "u",
          fileName: "<img src=x>.csv",
          mimeType: "text/csv",
          bytes: Buffer.from("a,b"),
          width: 0,
          height: 0,
        },
      }),
    );
    expect(view.media).toEqual({
      kind: "document",
      url: "/api/files/document-1%2F..%2Fx",
      fileName: "<img src=x>.csv",
      size: 3,
      width: 0,
      height: 0,
    });
    expect(view.html).toBe("Sales");
    expect(messageView(stored({ text: "x" })).media).toBeUndefined();
  });
});
