/**
 * A mistake in what the user typed (flag, value, scenario field). The CLI prints its message
 * on one line and exits with code 2; it never shows a stack trace.
 */
export class UsageError extends Error {
  override readonly name = "UsageError";

  constructor(message: string) {
    // Messages quote what the user typed, and argv can hold line breaks or other control
    // characters: escape them here, once, so every message stays one line whoever wrote it.
    super(Array.from(message, (char) => (isControl(char) ? escapeControl(char) : char)).join(""));
  }
}

/** C0 controls, DEL, and the two Unicode line separators. */
function isControl(char: string): boolean {
  const code = char.codePointAt(0) ?? 0;
  return code < 0x20 || code === 0x7f || code === 0x2028 || code === 0x2029;
}

function escapeControl(char: string): string {
  const named: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };
  return named[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`;
}

/** Exit code for bad input, as in most Unix tools. */
export const USAGE_EXIT_CODE = 2;
