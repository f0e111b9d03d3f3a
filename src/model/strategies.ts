/**
 * The three delivery strategies under test. This one spelling is used in file names,
 * CLI flags, JSON keys and chart legends.
 */
export const STRATEGIES = ["short-polling", "long-polling", "sse"] as const;

export type StrategyId = (typeof STRATEGIES)[number];

export function isStrategyId(value: string): value is StrategyId {
  return (STRATEGIES as readonly string[]).includes(value);
}
