/**
 * The one palette: a colour per strategy, the same in every chart, table and legend.
 * Okabe-Ito colours, chosen because they stay distinct for colour-blind readers and in greyscale print.
 */
import type { StrategyId } from "../../model/strategies.ts";

/** Line and bar colour per strategy (opaque hex). */
export const STRATEGY_COLORS: Readonly<Record<StrategyId, string>> = {
  "short-polling": "#D55E00",
  "long-polling": "#0072B2",
  sse: "#009E73",
  // Okabe-Ito reddish purple: apart from SSE's green, as the two push strategies are compared most.
  websocket: "#CC79A7",
};

/** Colour of model lines drawn beside measurements (e.g. the interval/2 model). */
export const MODEL_COLOR = "#6B6B6B";

/** Grid and axis colour: light enough not to compete with the data. */
export const GRID_COLOR = "#E3E3E3";

/** The strategy colour with an alpha channel, for bar fills (`alpha` 0..1). */
export function strategyFill(strategy: StrategyId, alpha: number): string {
  const byte = Math.round(Math.min(1, Math.max(0, alpha)) * 255);
  return `${STRATEGY_COLORS[strategy]}${byte.toString(16).padStart(2, "0")}`;
}
