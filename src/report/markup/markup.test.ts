import { describe, expect, test } from "vitest";
import { escapeHtml } from "./html.ts";
import { escapeMarkdownCell } from "./markdown.ts";

describe("markup", () => {
  test("escapes HTML and Markdown", () => {
    expect(escapeHtml(`<b a="1">'&'</b>`)).toBe(
      "&lt;b a=&quot;1&quot;&gt;&#39;&amp;&#39;&lt;/b&gt;",
    );
    expect(escapeMarkdownCell("a|b\n<c>")).toBe("a\\|b &lt;c&gt;");
  });
});
