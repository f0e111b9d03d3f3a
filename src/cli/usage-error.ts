/**
 * A mistake in what the user typed (flag, value, scenario field). The CLI prints its message
 * on one line and exits with code 2; it never shows a stack trace.
 */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** Exit code for bad input, as in most Unix tools. */
export const USAGE_EXIT_CODE = 2;
