/**
 * The flag tests' refused argv: the UsageError message `npm run bench` gives for it (through
 * the shared usageErrorOf), and a complete --target for flags that refuse to go with one.
 */
import { usageErrorOf } from "../../util/test-support/thrown.ts";
import { parseBenchOptions } from "../bench-options.ts";

/** The UsageError message `npm run bench` flags `argv` are refused with. */
export function benchUsageErrorOf(argv: string[]): string {
  return usageErrorOf(() => parseBenchOptions(argv), argv.join(" "));
}

/** A complete --target (SSE on a local server), for flags that refuse to go with one. */
export const TARGET_ARGV: readonly string[] = [
  "--target",
  "http://127.0.0.1:3000/api/notifications/{userId}/sse",
  "--target-strategy",
  "sse",
  "--publish-url",
  "http://127.0.0.1:3000/api/notifications/{userId}",
];
