/**
 * Tick labels for logarithmic axes. Chart.js labels every log tick (1, 2, 3, ... 9, 10, 20, ...),
 * which crowds the axis; we label only 1-2-5 steps and keep the other grid lines unlabelled.
 * Callbacks cannot travel in JSON, so renderers attach them at render time: Node through
 * `withTickFormatters`, report.html through LOG_TICK_LABEL_SOURCE (the same function as text).
 */

/**
 * Label for a log-axis tick: "", unless the value is 1, 2 or 5 times a power of ten.
 * Self-contained on purpose (no imports, no outer variables): its source text is embedded in report.html.
 */
export function logTickLabel(value: number | string): string {
  const v = Number(value);
  if (!(v > 0)) return "";
  const exponent = Math.floor(Math.log10(v) + 1e-9);
  const significand = Math.round((v / 10 ** exponent) * 1000) / 1000;
  if (significand !== 1 && significand !== 2 && significand !== 5) return "";
  const rounded = Number(v.toPrecision(3));
  return rounded >= 1000 ? rounded.toLocaleString("en-US") : String(rounded);
}

/** The source of logTickLabel, as a JavaScript function expression for the HTML page. */
export const LOG_TICK_LABEL_SOURCE: string = logTickLabel.toString();

/** Options as seen by the formatter: only the parts it touches. */
interface ScalesLike {
  options?: {
    scales?: Record<string, { type?: string; ticks?: Record<string, unknown> } | undefined>;
  };
}

/** Attaches the log tick formatter to every logarithmic scale, in place. */
export function withTickFormatters<T extends ScalesLike>(config: T): T {
  for (const scale of Object.values(config.options?.scales ?? {})) {
    if (scale?.type !== "logarithmic") continue;
    scale.ticks = { ...scale.ticks, callback: logTickLabel, maxRotation: 0, autoSkip: false };
  }
  return config;
}
