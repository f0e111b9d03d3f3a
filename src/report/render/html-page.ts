/**
 * The HTML page shell shared by report.html and comparison.html: one self-contained document
 * with inline CSS that reads on a phone (tables scroll sideways, charts stack) and in print.
 */
import { escapeHtml, escapeScript } from "../markup/html.ts";

const CSS = `
:root { color-scheme: light; --fg: #1d1d1f; --muted: #5f6368; --line: #dcdcdc; --bad: #b3261e; --bad-bg: #fdecea; --warn: #7a5b00; --warn-bg: #fff7db; --good: #1b6e3a; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--fg); background: #fff; }
header, main, footer { max-width: 1280px; margin: 0 auto; padding: 0 16px; }
h1 { font-size: 1.6rem; margin: 1.2rem 0 0.3rem; }
h2 { font-size: 1.3rem; margin: 2rem 0 0.5rem; border-bottom: 1px solid var(--line); padding-bottom: 0.2rem; }
.meta, .legend, .method-line, footer { color: var(--muted); font-size: 0.9rem; }
nav ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 0.4rem 1rem; }
.table-wrap { overflow-x: auto; -webkit-overflow-scrolling: touch; border: 1px solid var(--line); border-radius: 6px; }
table { border-collapse: collapse; width: 100%; font-size: 0.88rem; font-variant-numeric: tabular-nums; }
th, td { padding: 0.35rem 0.6rem; border-bottom: 1px solid var(--line); text-align: right; white-space: nowrap; }
th { background: #f6f6f6; position: sticky; top: 0; white-space: normal; vertical-align: bottom; min-width: 3.5rem; }
th.text, td.text { text-align: left; }
tr.invalid td { background: var(--bad-bg); }
tr.group-start td { border-top: 2px solid #b9b9b9; }
.swatch { display: inline-block; width: 0.8em; height: 0.8em; border-radius: 2px; margin-right: 0.35em; vertical-align: -0.05em; }
.badge { display: inline-block; font-size: 0.75rem; padding: 0 0.4em; border-radius: 3px; background: var(--bad); color: #fff; margin-left: 0.3em; }
.flag { color: var(--bad); font-weight: 600; }
.warn { color: var(--warn); font-weight: 600; }
.na { color: var(--muted); text-decoration: underline dotted; cursor: help; }
.ci { display: block; font-size: 0.78em; color: var(--muted); line-height: 1.25; }
.ns { color: var(--muted); }
.ci.flag { color: var(--bad); }
.good, .ci.good { color: var(--good); font-weight: 600; }
a.warn { text-decoration: underline dotted; }
details.runs { margin: 0.6rem 0; }
details.runs summary { cursor: pointer; color: var(--muted); font-size: 0.9rem; }
.cell-prose { white-space: normal; min-width: 14rem; max-width: 28rem; }
.notes { margin: 0.6rem 0; padding: 0.5rem 0.9rem; border-radius: 6px; }
.notes.invalid { background: var(--bad-bg); color: var(--bad); }
.notes.warnings { background: var(--warn-bg); color: var(--warn); }
.notes ul { margin: 0.2rem 0; padding-left: 1.2rem; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 520px), 1fr)); gap: 16px; }
figure { margin: 0; border: 1px solid var(--line); border-radius: 6px; padding: 8px; break-inside: avoid; }
.chart-box { position: relative; height: 340px; }
figcaption { font-size: 0.8rem; color: var(--muted); margin-top: 4px; }
@media (max-width: 600px) {
  body { font-size: 14px; }
  header, main, footer { padding: 0 10px; }
  .chart-box { height: 260px; }
  th, td { padding: 0.3rem 0.45rem; }
}
@media print {
  body { font-size: 9.5pt; }
  header, main, footer { max-width: none; padding: 0; }
  nav { display: none; }
  details.runs { display: none; }
  .table-wrap { overflow: visible; border: none; }
  table { font-size: 7.5pt; }
  th { position: static; }
  th, td { white-space: normal; padding: 2px 4px; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
  section.scenario { break-before: page; }
  .charts { grid-template-columns: 1fr 1fr; gap: 8px; }
  .chart-box { height: 230px; }
  a { color: inherit; text-decoration: none; }
}
`;

/** A complete HTML document. `body` is trusted HTML (already escaped); `title` is plain text. */
export function renderHtmlPage(
  title: string,
  body: string,
  scripts: readonly string[] = [],
): string {
  return [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${CSS}</style>`,
    "</head>",
    "<body>",
    body,
    ...scripts.map((source) => `<script>${escapeScript(source)}</script>`),
    "</body>",
    "</html>",
    "",
  ].join("\n");
}
