/**
 * What the flag tests ask of a refused argv: that it throws a UsageError (never another error)
 * and what its one-line message says, so a test can match the message and the flag it names.
 */
import { expect } from "vitest";
import { UsageError } from "../../util/usage-error.ts";
import { parseBenchOptions } from "../bench-options.ts";

/** The message of the UsageError `parse` throws; fails the test when it throws none or another. */
export function usageErrorOf(parse: () => unknown, what: string): string {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`expected a UsageError for ${what}`);
}

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
