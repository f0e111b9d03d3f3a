/**
 * Which datasets the legend lists: every one but the bands of 95 % intervals (two datasets per
 * line, see bandDatasets in chart-spec.ts), which the chart's subtitle explains once. Like the
 * log tick labels (tick-format.ts), a callback cannot travel in JSON, so both renderers attach
 * it at render time: Node through `withLegendFilter`, report.html through LEGEND_FILTER_SOURCE.
 */

/**
 * True unless the item is an interval band. Self-contained on purpose (no imports, no outer
 * variables): its source text is embedded in report.html. The suffix is BAND_LABEL_SUFFIX
 * (chart-spec.ts); a test keeps the two equal.
 */
export function legendItemShown(item: { text?: string }): boolean {
  return !String(item.text === undefined ? "" : item.text).endsWith(" (95 % interval)");
}

/** The source of legendItemShown, as a JavaScript function expression for the HTML page. */
export const LEGEND_FILTER_SOURCE: string = legendItemShown.toString();

/** Options as seen by the filter: only the parts it touches. */
interface LegendLike {
  options?: {
    plugins?: { legend?: { labels?: Record<string, unknown> } & Record<string, unknown> };
  };
}

/** Attaches the legend filter, in place. */
export function withLegendFilter<T extends LegendLike>(config: T): T {
  const legend = config.options?.plugins?.legend;
  if (legend !== undefined) legend.labels = { ...legend.labels, filter: legendItemShown };
  return config;
}
