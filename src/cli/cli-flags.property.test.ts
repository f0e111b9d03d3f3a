/**
 * Property tests of the flag parsers with arbitrary argv: the result is either options or a
 * UsageError whose message is one line (no CR/LF, no stack) naming a flag, never another
 * exception type.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseServerOptions } from "../../servers/server-options.ts";
import { parseBenchOptions } from "./bench-options.ts";
import { type FlagSpec, parseFlags } from "./parse-flags.ts";
import { UsageError } from "./usage-error.ts";

const NUM_RUNS = 500;

const SERVER_FLAGS = [
  "strategy",
  "port",
  "host",
  "redis-url",
  "key-prefix",
  "heartbeat-ms",
  "max-connections",
  "max-per-user",
  "max-header-size",
  "headers-timeout-ms",
  "request-timeout-ms",
  "help",
];
const BENCH_FLAGS = [
  "scenario",
  "strategies",
  "clients",
  "duration",
  "instances",
  "quick",
  "out",
  "redis-url",
  "json",
  "help",
];

const anyText = fc.oneof(
  fc.string({ unit: "binary", maxLength: 30 }),
  fc.string({ maxLength: 30 }),
  fc.constantFrom("", "-", "--", "-h", "0", "-1", "1e3", "3000", "sse", "long-polling", " 7 "),
  fc.stringMatching(/^-{0,2}[a-z-]{0,12}(=.{0,8})?$/),
  fc.integer({ min: -10, max: 200_000 }).map(String),
  // Control characters and separators, dense enough to show up in 500 runs.
  fc.string({
    unit: fc.constantFrom("\n", "\r", "\0", "\t", "\u2028", " ", "=", "-", "a", "1", ","),
    maxLength: 8,
  }),
);

/** argv made of known flags (as `--f v`, `--f=v` or bare), values, and arbitrary strings. */
function argvOf(flags: string[]) {
  const flag = fc.constantFrom(...flags);
  const token = fc.oneof(
    { weight: 3, arbitrary: flag.map((f) => [`--${f}`]) },
    { weight: 3, arbitrary: fc.tuple(flag, anyText).map(([f, v]) => [`--${f}`, v]) },
    { weight: 2, arbitrary: fc.tuple(flag, anyText).map(([f, v]) => [`--${f}=${v}`]) },
    { weight: 1, arbitrary: anyText.map((t) => [t]) },
  );
  return fc.array(token, { maxLength: 8 }).map((tokens) => tokens.flat());
}

const LINE_BREAK = /[\r\n\u2028\u2029]/;

/** Runs `parse`; fails the property on anything but options or a one-line UsageError. */
function expectOptionsOrUsageError(parse: () => unknown): void {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    const message = (error as UsageError).message;
    expect(message).not.toMatch(LINE_BREAK);
    expect(message).not.toMatch(/\bat .+:\d+:\d+/);
    expect(message).toMatch(/(^|[\s'"(])-{1,2}[A-Za-z?]/);
  }
}

describe("flag parsers with arbitrary argv", () => {
  it("parseFlags: values or a one-line UsageError", () => {
    const spec: FlagSpec = {
      name: { type: "string" },
      count: { type: "string" },
      verbose: { type: "boolean", short: "v" },
    };
    fc.assert(
      fc.property(argvOf(["name", "count", "verbose", "other"]), fc.boolean(), (argv, pos) => {
        expectOptionsOrUsageError(() => parseFlags(argv, spec, { allowPositionals: pos }));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("parseBenchOptions: options or a one-line UsageError", () => {
    fc.assert(
      fc.property(argvOf(BENCH_FLAGS), (argv) => {
        expectOptionsOrUsageError(() => parseBenchOptions(argv));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("a value with a line break still gives a one-line message", () => {
    for (const parse of [
      () => parseBenchOptions(["\n"]),
      () => parseBenchOptions(["--clients", "a\nb"]),
      () => parseFlags(["--x\ny"], {}),
    ]) {
      expectOptionsOrUsageError(parse);
    }
  });

  it("parseServerOptions: options or a one-line UsageError", () => {
    fc.assert(
      fc.property(argvOf(SERVER_FLAGS), (argv) => {
        expectOptionsOrUsageError(() => parseServerOptions(argv));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("parseServerOptions: a full valid command line parses to those options", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("short-polling", "long-polling", "sse"),
        fc.integer({ min: 0, max: 65_535 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 1, max: 30_000 }),
        (strategy, port, maxConnections, headersTimeoutMs) => {
          const options = parseServerOptions([
            "--strategy",
            strategy,
            `--port=${port}`,
            "--max-connections",
            String(maxConnections),
            "--headers-timeout-ms",
            String(headersTimeoutMs),
            "--request-timeout-ms",
            String(headersTimeoutMs + 1),
          ]);
          expect(options).toMatchObject({ strategy, port, maxConnections, headersTimeoutMs });
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });
});

describe("UsageError", () => {
  it("escapes control characters so a message is always one line", () => {
    expect(new UsageError("bad value 'a\nb\r\u2028\u0000'").message).toBe(
      "bad value 'a\\nb\\r\\u2028\\u0000'",
    );
  });
});
