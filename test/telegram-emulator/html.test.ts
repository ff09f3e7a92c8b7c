import { describe, expect, it } from "vitest";
import { escapeHtml, HtmlParseError, parseTelegramHtml } from "../../src/sandbox/telegram/index.js";

describe("parseTelegramHtml", () => {
  it("maps every supported tag to its entity and keeps only the visible text", () => {
    const parsed = parseTelegramHtml(
      "<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s><strike>k</strike><del>d</del>" +
        '<span class="tg-spoiler">p</span><tg-spoiler>q</tg-spoiler><a href="https://example.com/x">l</a>' +
        "<code>c</code><pre>r</pre><blockquote>o</blockquote><blockquote expandable>x</blockquote>" +
        '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji><tg-time unix="1647531900" format="wDT">t</tg-time>',
    );
    expect(parsed.text).toBe("bsieunskdpqlcrox👍t");
    expect(parsed.entities.map((e) => e.type)).toEqual([
      "bold",
      "bold",
      "italic",
      "italic",
      "underline",
      "underline",
      "strikethrough",
      "strikethrough",
      "strikethrough",
      "spoiler",
      "spoiler",
      "text_link",
      "code",
      "pre",
      "blockquote",
      "expandable_blockquote",
      "custom_emoji",
      "date_time",
    ]);
    expect(parsed.entities[11]).toEqual({
      type: "text_link",
      offset: 11,
      length: 1,
      url: "https://example.com/x",
    });
    expect(parsed.entities[16]).toEqual({
      type: "custom_emoji",
      offset: 16,
      length: 2,
      custom_emoji_id: "5368324170671202286",
    });
    expect(parsed.entities[17]).toMatchObject({
      type: "date_time",
      unix_time: 1647531900,
      date_time_format: "wDT",
    });
  });

  it("counts offsets in UTF-16 code units and sorts nested entities outer first", () => {
    const parsed = parseTelegramHtml("😀 <b>bold <i>both</i></b>");
    expect(parsed.text).toBe("😀 bold both");
    expect(parsed.entities).toEqual([
      { type: "bold", offset: 3, length: 9 },
      { type: "italic", offset: 8, length: 4 },
    ]);
  });

  it("decodes the four named entities and numeric ones, in text and attributes", () => {
    const parsed = parseTelegramHtml(
      '&lt;&gt;&amp;&quot;&#65;&#x1F600; <a href="https://x.io/?a=1&amp;b=2">q</a>',
    );
    expect(parsed.text).toBe('<>&"A😀 q');
    expect(parsed.entities[0]).toMatchObject({ url: "https://x.io/?a=1&b=2" });
  });

  it("gives pre the language of a nested code tag instead of a separate code entity", () => {
    const parsed = parseTelegramHtml('<pre><code class="language-python">print(1)</code></pre>');
    expect(parsed.entities).toEqual([{ type: "pre", offset: 0, length: 8, language: "python" }]);
  });

  it("accepts upper-case tags and single-quoted or unquoted attributes, and drops empty entities", () => {
    expect(parseTelegramHtml("<B>x</B>").entities).toEqual([{ type: "bold", offset: 0, length: 1 }]);
    expect(parseTelegramHtml("<a href='https://a.io'>x</a><a href=https://b.io>y</a>").entities).toEqual([
      { type: "text_link", offset: 0, length: 1, url: "https://a.io" },
      { type: "text_link", offset: 1, length: 1, url: "https://b.io" },
    ]);
    expect(parseTelegramHtml("<b></b>x").entities).toEqual([]);
  });

  it.each([
    ["<div>x</div>", 'Unsupported start tag "div" at byte offset 0'],
    ["<b>x", `Can't find end tag corresponding to start tag "b"`],
    ["<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'],
    ["x</b>", "Unexpected end tag at byte offset 1"],
    ["1 < 2", 'Character "<" at byte offset 2 does not start a tag'],
    ["Tom & Jerry", 'Character "&" at byte offset 4 does not start a supported HTML entity'],
    ["a&nbsp;b", 'Character "&" at byte offset 1'],
    ["<a>x</a>", 'Tag "a" must have a non-empty attribute "href"'],
    ["<span>x</span>", 'Tag "span" must have class "tg-spoiler"'],
    ["<tg-emoji>x</tg-emoji>", "valid custom emoji identifier"],
    ['<b class="x>y</b>', "Unclosed start tag at byte offset 0"],
    ["é<div>", "byte offset 2"],
  ])("rejects %j", (html, message) => {
    expect(() => parseTelegramHtml(html)).toThrow(HtmlParseError);
    expect(() => parseTelegramHtml(html)).toThrow(message);
  });

  it("round-trips escaped text", () => {
    const text = "<b> & </a> { $x } &amp;";
    expect(parseTelegramHtml(escapeHtml(text))).toEqual({ text, entities: [] });
  });
});
