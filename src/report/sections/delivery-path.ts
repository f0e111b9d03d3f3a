/**
 * The "Delivery path" section of report.html and summary.md: one table of the runs that went
 * through nginx (TLS, HTTP/2), with the proxy's cost beside the server's. Renders nothing
 * without such runs.
 */
import type { BenchResults } from "../../model/results.ts";
import { escapeHtml, renderHtmlTable, strategyCellHtml } from "../markup/html.ts";
import { escapeMarkdownInline, renderMarkdownTable } from "../markup/markdown.ts";
import {
  buildDeliveryPathRows,
  DELIVERY_PATH_HEADERS,
  DELIVERY_PATH_INTRO,
  type DeliveryPathRow,
} from "../model/delivery-path-rows.ts";

/** Anchor of the section in report.html. */
export const DELIVERY_PATH_SECTION_ID = "delivery-path";
const TITLE = "Delivery path: proxy, TLS, HTTP/2";

function scenarioLabel(row: DeliveryPathRow): string {
  return `${row.scenario}${row.step === null ? "" : ` [${row.step}]`}${row.repetition > 1 ? ` run ${row.repetition}` : ""}`;
}

/** The section as HTML; "" when no run went through a proxy. */
export function renderDeliveryPathSectionHtml(results: BenchResults): string {
  const rows = buildDeliveryPathRows(results);
  if (rows.length === 0) return "";
  return [
    `<section class="scenario" id="${DELIVERY_PATH_SECTION_ID}">`,
    `<h2>${TITLE}</h2>`,
    `<p>${escapeHtml(DELIVERY_PATH_INTRO)}</p>`,
    renderHtmlTable(
      DELIVERY_PATH_HEADERS,
      rows.map((row) => ({
        cells: [
          escapeHtml(scenarioLabel(row)),
          strategyCellHtml(row.strategy, row.strategy, row.valid),
          escapeHtml(row.path),
          ...row.cells.map(escapeHtml),
        ],
      })),
      3,
    ),
    "</section>",
  ].join("\n");
}

/** The section as Markdown lines; [] when no run went through a proxy. */
export function renderDeliveryPathSectionMarkdown(results: BenchResults): string[] {
  const rows = buildDeliveryPathRows(results);
  if (rows.length === 0) return [];
  return [
    "",
    `## ${TITLE}`,
    "",
    escapeMarkdownInline(DELIVERY_PATH_INTRO),
    "",
    renderMarkdownTable(
      DELIVERY_PATH_HEADERS,
      // plain text: the table escapes its cells
      rows.map((row) => [
        scenarioLabel(row),
        `${row.strategy}${row.valid ? "" : " (invalid)"}`,
        row.path,
        ...row.cells,
      ]),
      3,
    ),
  ];
}
