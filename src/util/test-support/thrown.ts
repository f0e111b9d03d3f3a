/**
 * What a test asks of a refused input: that it throws an error of the expected class (never
 * another one) and what the error's message says, so the test can match the one line a user
 * would read. One helper for every area's "bad input gives this message" tests.
 */
import { expect } from "vitest";
import { UsageError } from "../usage-error.ts";

/** The message of the `kind` error `fn` throws; fails the test when it throws none or another. */
export function messageThrownBy(
  fn: () => unknown,
  kind: abstract new (...args: never[]) => Error,
  what = "the call",
): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(kind);
    return (error as Error).message;
  }
  throw new Error(`expected a ${kind.name} for ${what}`);
}

/** The message of the UsageError `fn` throws (a flag, a file, a template: exit 2 for users). */
export function usageErrorOf(fn: () => unknown, what?: string): string {
  return messageThrownBy(fn, UsageError, what);
}
