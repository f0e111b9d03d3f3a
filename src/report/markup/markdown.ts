/**
 * Markdown building blocks shared by summary.md, comparison.md and their sections: escaping,
 * tables, bulleted notes and chart images. They know markup, not the report.
 */

/** Escapes text for a Markdown table cell: pipes, newlines, and HTML-significant characters. */
export function escapeMarkdownCell(text: string): string {
  return text
    .replace(/\\/g, "\\\\")
    .replace(/\|/g, "\\|")
    .replace(/[<>]/g, (ch) => (ch === "<" ? "&lt;" : "&gt;"))
    .replace(/\r?\n/g, " ");
}

/** Escapes text for Markdown prose (not a table cell): no emphasis, links, code or HTML. */
export function escapeMarkdownInline(text: string): string {
  return text.replace(/([\\`*_[\]<>|])/g, "\\$1");
}

/**
 * A Markdown table; cells are plain text and get escaped here. `leftAligned` says which columns
 * are text (the first n, or a list of column indexes); the others are numbers and align right.
 */
export function renderMarkdownTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  leftAligned: number | readonly number[] = 3,
): string {
  const isText = (i: number) =>
    typeof leftAligned === "number" ? i < leftAligned : leftAligned.includes(i);
  const line = (cells: readonly string[]) => `| ${cells.map(escapeMarkdownCell).join(" | ")} |`;
  const rule = `|${headers.map((_, i) => (isText(i) ? " --- " : " ---: ")).join("|")}|`;
  return [line(headers), rule, ...rows.map(line)].join("\n");
}

/**
 * Lines of a titled bulleted list of plain-text items, after a blank line: none when there are no
 * items. `title` is Markdown (e.g. "**Invalid runs: ...**").
 */
export function renderMarkdownNotes(title: string, items: readonly string[]): string[] {
  if (items.length === 0) return [];
  return ["", title, "", ...items.map((item) => `- ${escapeMarkdownInline(item)}`)];
}

/** A chart image to embed: its title (alt text) and path relative to the Markdown file. */
export interface MarkdownImage {
  title: string;
  path: string;
}

/** `![title](path)`, the title escaped and the path URI-encoded. */
export function renderMarkdownImage(image: MarkdownImage): string {
  return `![${escapeMarkdownInline(image.title)}](${encodeURI(image.path)})`;
}
