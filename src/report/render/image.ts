/**
 * PNG and SVG rendering of chart configurations through chartjs-node-canvas (node-canvas/Cairo).
 * Renderers are cached per size and type because each one loads its own copy of Chart.js.
 *
 * Error bars come from chartjs-chart-error-bars (sgratzl; Chart.js 4 peer, maintained alongside
 * Chart.js releases) rather than hand-drawn whiskers: it is a real chart type, so the value
 * axis grows to hold the whiskers, tooltips show the bounds, and the same configuration draws
 * the same marks here and in report.html (which inlines its UMD build after Chart.js's, see
 * write-report.ts). It is registered through chartjs-node-canvas's `plugins.modern`, which
 * loads it while the renderer's own fresh copy of Chart.js is in the require cache: the
 * controllers then extend and register into that very copy.
 */
import type { ChartConfiguration, Plugin } from "chart.js";
import { ChartJSNodeCanvas } from "chartjs-node-canvas";
import type { ReportChartConfig } from "../charts/chart-spec.ts";
import { withLegendFilter } from "../charts/legend-filter.ts";
import { withTickFormatters } from "../charts/tick-format.ts";

/** The Chart.js plugin package every renderer registers (barWithErrorBars). */
export const ERROR_BARS_PACKAGE = "chartjs-chart-error-bars";

export interface ImageSize {
  widthPx: number;
  heightPx: number;
}

/** Default chart size for files: 16:9, wide enough for a README column at 2x zoom. */
export const DEFAULT_IMAGE_SIZE: ImageSize = { widthPx: 960, heightPx: 540 };

/**
 * Paints a white background first, so charts stay readable on dark-themed Markdown viewers.
 * chartjs-node-canvas's own backgroundColour option paints with "destination-over", which Cairo
 * cannot express in SVG and so rasterises the whole SVG into one embedded bitmap; plain painting
 * before anything else is drawn keeps the SVG vector.
 */
const whiteBackground: Plugin = {
  id: "push-vs-poll-white-background",
  beforeDraw(chart) {
    const { ctx, width, height } = chart;
    ctx.save();
    ctx.fillStyle = "white";
    ctx.fillRect(0, 0, width, height);
    ctx.restore();
  },
};

const renderers = new Map<string, ChartJSNodeCanvas>();

function rendererFor(size: ImageSize, type: "png" | "svg"): ChartJSNodeCanvas {
  if (
    !Number.isInteger(size.widthPx) ||
    !Number.isInteger(size.heightPx) ||
    size.widthPx < 1 ||
    size.heightPx < 1
  ) {
    throw new RangeError(
      `image size ${size.widthPx}x${size.heightPx} px is not valid; give whole numbers >= 1.`,
    );
  }
  const cacheKey = `${type}:${size.widthPx}x${size.heightPx}`;
  let renderer = renderers.get(cacheKey);
  if (renderer === undefined) {
    renderer = new ChartJSNodeCanvas({
      width: size.widthPx,
      height: size.heightPx,
      plugins: { modern: [ERROR_BARS_PACKAGE] },
      ...(type === "svg" ? { type: "svg" as const } : {}),
    });
    renderers.set(cacheKey, renderer);
  }
  return renderer;
}

/**
 * Chart.js and chartjs-node-canvas write into the configuration they are given (responsive,
 * parsed data); a deep copy keeps the caller's object reusable for the other format and the HTML.
 */
function copyConfig(config: ReportChartConfig): ChartConfiguration {
  const copy = withLegendFilter(
    withTickFormatters(structuredClone(config)),
  ) as unknown as ChartConfiguration;
  copy.plugins = [...(copy.plugins ?? []), whiteBackground];
  return copy;
}

/** Renders a chart to PNG bytes. */
export async function renderPng(
  config: ReportChartConfig,
  size: ImageSize = DEFAULT_IMAGE_SIZE,
): Promise<Buffer> {
  return rendererFor(size, "png").renderToBuffer(copyConfig(config), "image/png");
}

/** Renders a chart to an SVG document (UTF-8 text). */
export async function renderSvg(
  config: ReportChartConfig,
  size: ImageSize = DEFAULT_IMAGE_SIZE,
): Promise<string> {
  return rendererFor(size, "svg")
    .renderToBufferSync(copyConfig(config), "image/svg+xml")
    .toString("utf8");
}
