/**
 * HTML building blocks shared by every section and page: escaping, tables, lists, note boxes and
 * the strategy label. They know markup, not the report: no section's wording lives here.
 */
import type { StrategyId } from "../../model/strategies.ts";
import { STRATEGY_COLORS } from "../model/palette.ts";

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch] ?? ch);
}

/** Keeps inline script text from closing its own element early. */
export function escapeScript(source: string): string {
  return source.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");
}

/** JSON for a `<script type="application/json">` block: `<` escaped so no `</script>` can appear. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c");
}

/** A table row: cells that are already HTML, and an optional class for the `<tr>`. */
export interface HtmlRow {
  cells: readonly string[];
  className?: string;
}

/**
 * An HTML table from headers (plain text) and cells that are already HTML. `textColumns` says
 * which columns are left-aligned text: the first n, or a list of column indexes; the rest are
 * right-aligned numbers.
 */
export function renderHtmlTable(
  headers: readonly string[],
  rows: readonly HtmlRow[],
  textColumns: number | readonly number[] = 3,
): string {
  const isText = (i: number) =>
    typeof textColumns === "number" ? i < textColumns : textColumns.includes(i);
  const align = (i: number) => (isText(i) ? ' class="text"' : "");
  const head = `<thead><tr>${headers.map((h, i) => `<th scope="col"${align(i)}>${escapeHtml(h)}</th>`).join("")}</tr></thead>`;
  const body = rows
    .map((row) => {
      const cls = row.className ? ` class="${escapeHtml(row.className)}"` : "";
      return `<tr${cls}>${row.cells.map((c, i) => `<td${align(i)}>${c}</td>`).join("")}</tr>`;
    })
    .join("\n");
  return `<div class="table-wrap"><table>${head}<tbody>\n${body}\n</tbody></table></div>`;
}

/** A bulleted list of plain-text items. */
export function renderHtmlList(items: readonly string[]): string {
  return `<ul>${items.map((i) => `<li>${escapeHtml(i)}</li>`).join("")}</ul>`;
}

/**
 * A tinted note box ("invalid": red, "warnings": amber) with a bold title (HTML) over a list of
 * plain-text items; "" when there are no items.
 */
export function renderNotesHtml(
  kind: "invalid" | "warnings",
  titleHtml: string,
  items: readonly string[],
): string {
  if (items.length === 0) return "";
  return `<div class="notes ${kind}"><strong>${titleHtml}</strong>${renderHtmlList(items)}</div>`;
}

/** A strategy's table cell: its colour swatch, the label, and an "invalid" badge when not valid. */
export function strategyCellHtml(strategy: StrategyId, label: string, valid = true): string {
  return `<span class="swatch" style="background:${STRATEGY_COLORS[strategy]}"></span>${escapeHtml(label)}${valid ? "" : '<span class="badge">invalid</span>'}`;
}
