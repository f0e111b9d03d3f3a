/**
 * The delivery strategies under test. This one spelling is used in file names, CLI flags, JSON
 * keys and chart legends. `STRATEGIES` is every strategy in the canonical order (tables, charts,
 * validation); `DEFAULT_STRATEGIES` is the default suite: the three the project is about (short
 * polling, long polling, SSE). WebSocket is opt-in (`--strategies websocket,...` or `all`): it is
 * the two-way protocol people ask about next, measured on the same terms.
 */
export const STRATEGIES = ["short-polling", "long-polling", "sse", "websocket"] as const;

export type StrategyId = (typeof STRATEGIES)[number];

/** What `npm run bench` runs when `--strategies` is not given. */
export const DEFAULT_STRATEGIES: readonly StrategyId[] = ["short-polling", "long-polling", "sse"];

export function isStrategyId(value: string): value is StrategyId {
  return (STRATEGIES as readonly string[]).includes(value);
}
