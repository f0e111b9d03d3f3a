/**
 * Markdown building blocks shared by summary.md, comparison.md and their sections, in a module
 * of their own so a section renderer can use them without importing the page renderer.
 */
import { escapeMarkdownCell } from "./format.ts";

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

/** Escapes text for Markdown prose (not a table cell): no emphasis, links, code or HTML. */
export function escapeMarkdownInline(text: string): string {
  return text.replace(/([\\`*_[\]<>|])/g, "\\$1");
}
