/**
 * The `npm run bench` flags of the client bounds (src/driver/clients/client-bounds.ts): one row
 * per bound, so the flag, its default in --help, its parsing and its message cannot disagree.
 * Sizes take a whole number of bytes or a KiB / MiB / GiB suffix (`64KiB`, `1MiB`); durations
 * the bench's duration syntax (`500ms`, `45s`, `2m`).
 */
import {
  type ClientBounds,
  clientBoundsProblem,
  DEFAULT_CLIENT_BOUNDS,
  formatBytes,
  formatMs,
  MAX_BOUND_BYTES,
  MAX_BOUND_MS,
} from "../driver/clients/client-bounds.ts";
import { parseDurationMs } from "../util/parse-flags.ts";
import { UsageError } from "../util/usage-error.ts";

interface BoundFlag {
  key: keyof ClientBounds;
  kind: "size" | "duration";
  /** The help line after the flag, with `{default}` where the default goes. */
  help: string;
  /** Smallest value that makes sense (a bound below it would cut every healthy connection). */
  min: number;
}

/** Our servers' SSE heartbeat (servers/http-shell.ts): a stream idle bound must exceed it. */
export const OUR_HEARTBEAT_MS = 15_000;

export const CLIENT_BOUND_FLAGS = {
  "max-sse-line-bytes": {
    key: "maxSseLineBytes",
    kind: "size",
    min: 1024,
    help: "longest SSE line (field or comment) (default: {default})",
  },
  "max-sse-event-bytes": {
    key: "maxSseEventBytes",
    kind: "size",
    min: 1024,
    help: "largest SSE event, its data lines joined (default: {default})",
  },
  "max-cursor-bytes": {
    key: "maxCursorBytes",
    kind: "size",
    min: 64,
    help: "longest SSE id (longer: ignored) or poll cursor (longer: refused) (default: {default})",
  },
  "max-body-bytes": {
    key: "maxBodyBytes",
    kind: "size",
    min: 1024,
    help: "largest poll answer body (default: {default})",
  },
  "max-header-bytes": {
    key: "maxHeaderBytes",
    kind: "size",
    min: 1024,
    help: "largest status line + response headers (default: {default})",
  },
  "header-timeout": {
    key: "headerTimeoutMs",
    kind: "duration",
    min: 1,
    help: "first response byte -> end of headers (default: {default})",
  },
  "first-byte-timeout": {
    key: "firstByteTimeoutMs",
    kind: "duration",
    min: 1,
    help: "request -> first response byte; long polling: after the hold (default: {default})",
  },
  "answer-timeout": {
    key: "answerTimeoutMs",
    kind: "duration",
    min: 1,
    help: "poll request -> end of its answer; long polling: after the hold (default: {default})",
  },
  "sse-idle-timeout": {
    key: "sseIdleTimeoutMs",
    kind: "duration",
    min: 1,
    help: "an open SSE stream without a complete line is cut as stalled; against our servers more than their 15 s heartbeat (default: {default})",
  },
  "retry-min": {
    key: "retryMinMs",
    kind: "duration",
    min: 1,
    help: "least wait before a retry; SSE retry: and Retry-After are raised to it (default: {default})",
  },
  "retry-max": {
    key: "retryMaxMs",
    kind: "duration",
    min: 1,
    help: "SSE retry: and Retry-After are lowered to it (default: {default})",
  },
  "backoff-max": {
    key: "backoffMaxMs",
    kind: "duration",
    min: 1,
    help: "repeated failures back off (exponential, jittered) up to this wait (default: {default})",
  },
} as const satisfies Record<string, BoundFlag>;

export type ClientBoundFlag = keyof typeof CLIENT_BOUND_FLAGS;

/** The parseFlags spec of the bound flags. */
export const CLIENT_BOUND_FLAG_SPEC = Object.fromEntries(
  Object.keys(CLIENT_BOUND_FLAGS).map((flag) => [flag, { type: "string" }]),
) as { [K in ClientBoundFlag]: { type: "string" } };

/** A value as the flag takes it: "1MiB", "45s", "100ms". */
function asFlag(kind: BoundFlag["kind"], value: number): string {
  return (kind === "size" ? formatBytes(value) : formatMs(value)).replace(" ", "");
}

function formatDefault(flag: BoundFlag): string {
  return asFlag(flag.kind, DEFAULT_CLIENT_BOUNDS[flag.key]);
}

/** Column of the descriptions in --help, as in the rest of BENCH_HELP. */
const HELP_COLUMN = 23;
const HELP_WIDTH = 95;

/**
 * `name` then `text` wrapped to HELP_WIDTH, continuation lines indented to HELP_COLUMN; a name
 * too long for its column gets the text on the next line. "(default: x)" is never split.
 */
function wrapHelp(name: string, text: string): string {
  const indent = " ".repeat(HELP_COLUMN);
  const lines: string[] = name.length < HELP_COLUMN ? [] : [name];
  let line = name.length < HELP_COLUMN ? name.padEnd(HELP_COLUMN) : indent;
  const words = text.replace("(default: ", "(default:\u0000").split(" ");
  for (const word of words.map((w) => w.replace("\u0000", " "))) {
    const fresh = line.length === HELP_COLUMN;
    if (!fresh && line.length + 1 + word.length > HELP_WIDTH) {
      lines.push(line);
      line = indent + word;
    } else {
      line = fresh ? line + word : `${line} ${word}`;
    }
  }
  lines.push(line);
  return lines.join("\n");
}

/** The "Client bounds" section of --help. */
export function clientBoundsHelp(): string {
  const rows = Object.entries(CLIENT_BOUND_FLAGS).map(([flag, spec]) =>
    wrapHelp(
      `  --${flag} ${spec.kind === "size" ? "N" : "D"}`,
      spec.help.replace("{default}", formatDefault(spec)),
    ),
  );
  return `Client bounds (a connection that crosses one is ended, counted as an error with its reason
and retried with backoff; sizes as 65536, 64KiB or 1MiB, durations as 500ms or 45s):
${rows.join("\n")}
`;
}

/** `65536`, `64KiB`, `1.5 MiB`: bytes. */
export function parseSizeBytes(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(b|kib|mib|gib)?$/i.exec(text.trim());
  if (!match) {
    throw new UsageError(`${flag} '${text}' is not a size; use e.g. 65536, 64KiB or 1MiB.`);
  }
  const unit = (match[2] ?? "b").toLowerCase();
  const factor =
    unit === "gib" ? 1024 ** 3 : unit === "mib" ? 1024 ** 2 : unit === "kib" ? 1024 : 1;
  return Math.round(Number(match[1]) * factor);
}

/**
 * The bounds from the flags given, the defaults for the rest. `target`: the bench measures a
 * `--target` (its heartbeat is its own), so the idle bound need not exceed ours.
 */
export function parseClientBounds(
  values: Partial<Record<ClientBoundFlag, string>>,
  target: boolean,
): ClientBounds {
  const bounds: ClientBounds = { ...DEFAULT_CLIENT_BOUNDS };
  for (const [flag, spec] of Object.entries(CLIENT_BOUND_FLAGS) as [ClientBoundFlag, BoundFlag][]) {
    const text = values[flag];
    if (text === undefined) continue;
    const name = `--${flag}`;
    const value = spec.kind === "size" ? parseSizeBytes(text, name) : parseDurationMs(text, name);
    const max = spec.kind === "size" ? MAX_BOUND_BYTES : MAX_BOUND_MS;
    if (value < spec.min || value > max) {
      throw new UsageError(
        `${name} ${text} is out of range; give one from ${asFlag(spec.kind, spec.min)} to ${asFlag(spec.kind, max)}, e.g. ${name} ${formatDefault(spec)}.`,
      );
    }
    bounds[spec.key] = value;
  }
  if (!target && bounds.sseIdleTimeoutMs <= OUR_HEARTBEAT_MS) {
    throw new UsageError(
      `--sse-idle-timeout ${asFlag("duration", bounds.sseIdleTimeoutMs)} would cut every idle stream of our servers, whose heartbeat comes every ${asFlag("duration", OUR_HEARTBEAT_MS)}; give more, e.g. --sse-idle-timeout ${asFlag("duration", DEFAULT_CLIENT_BOUNDS.sseIdleTimeoutMs)}.`,
    );
  }
  if (bounds.retryMinMs > bounds.retryMaxMs) {
    throw new UsageError(
      `--retry-min ${asFlag("duration", bounds.retryMinMs)} exceeds --retry-max ${asFlag("duration", bounds.retryMaxMs)}; give a smaller --retry-min or a larger --retry-max.`,
    );
  }
  const problem = clientBoundsProblem(bounds);
  if (problem !== null) throw new UsageError(`client bounds: ${problem}.`);
  return bounds;
}
