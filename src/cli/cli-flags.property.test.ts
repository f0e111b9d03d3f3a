/**
 * Property tests of the flag parsers with arbitrary argv: the result is either options or a
 * UsageError whose message is one line (no CR/LF, no stack) naming a flag, never another
 * exception type.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseServerOptions } from "../../servers/server-options.ts";
import { STRATEGIES, type StrategyId } from "../model/strategies.ts";
import { type FlagSpec, parseFlags } from "../util/parse-flags.ts";
import { UsageError } from "../util/usage-error.ts";
import { parseBenchOptions } from "./bench-options.ts";

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
  "sse-max-buffered-bytes",
  "sse-max-stall-ms",
  "history-max-len",
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
  "allow-remote",
  "json",
  "dry-run",
  "target",
  "target-strategy",
  "publish-url",
  "repeat",
  "until-confident",
  "time-budget",
  "max-repeat",
  "confident-on",
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

/**
 * URL-template-like values for `--target` and `--publish-url`: valid ones, near misses
 * (https, no scheme, placeholders in the host, stray braces) and pieces glued at random.
 */
const templateText = fc.oneof(
  fc.constantFrom(
    "http://127.0.0.1:3000/api/notifications/{userId}/sse",
    "http://127.0.0.1:3000/api/notifications/{userId}/poll?after={cursor}&timeoutMs=25000",
    "http://127.0.0.1:3000/api/notifications/{userId}",
    "https://127.0.0.1/{userId}",
    "http://{userId}/x",
    "http://[::1]:1/{userId}?c={cursor}#{cursor}",
  ),
  fc
    .tuple(
      fc.constantFrom("http://", "https://", "HTTP://", "http:", ""),
      fc.constantFrom("127.0.0.1", "127.0.0.1:0", "[::1]:3000", "localhost:99999", "", "u:p@h"),
      fc.string({
        unit: fc.constantFrom(
          "/",
          "?",
          "#",
          "{",
          "}",
          "{userId}",
          "{cursor}",
          "{x}",
          "=",
          "&",
          ".",
          "%",
          " ",
          "\n",
        ),
        maxLength: 8,
      }),
    )
    .map((parts) => parts.join("")),
);

/** argv made of known flags (as `--f v`, `--f=v` or bare), values, and arbitrary strings. */
function argvOf(flags: string[]) {
  const flag = fc.constantFrom(...flags);
  const value = fc.oneof({ weight: 3, arbitrary: anyText }, { weight: 1, arbitrary: templateText });
  const token = fc.oneof(
    { weight: 3, arbitrary: flag.map((f) => [`--${f}`]) },
    { weight: 3, arbitrary: fc.tuple(flag, value).map(([f, v]) => [`--${f}`, v]) },
    { weight: 2, arbitrary: fc.tuple(flag, value).map(([f, v]) => [`--${f}=${v}`]) },
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

  it("parseBenchOptions with all three --target flags: options or a one-line UsageError", () => {
    const strategy = fc.oneof(fc.constantFrom("sse", "long-polling", "short-polling"), anyText);
    fc.assert(
      fc.property(
        templateText,
        strategy,
        templateText,
        argvOf(BENCH_FLAGS),
        (target, targetStrategy, publishUrl, rest) => {
          const argv = [
            "--target",
            target,
            "--target-strategy",
            targetStrategy,
            "--publish-url",
            publishUrl,
            ...rest,
          ];
          expectOptionsOrUsageError(() => {
            const options = parseBenchOptions(argv);
            if (options.help || options.target === null) return;
            // What parsed is usable: one strategy, and both templates expand.
            expect(options.strategies).toEqual([options.target.strategy]);
            options.target.subscribe.expand({ userId: "user-1", cursor: "" });
            options.target.publish.expand({ userId: "user-1" });
          });
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it("parseBenchOptions: a valid --target command line parses to those templates", () => {
    const paths: Record<StrategyId, string> = {
      sse: "/{userId}/events",
      "long-polling": "/poll/{userId}?cursor={cursor}&hold=20000",
      "short-polling": "/{userId}/list?since={cursor}",
      websocket: "/{userId}/socket?after={cursor}",
    };
    fc.assert(
      fc.property(
        fc.constantFrom(...STRATEGIES),
        fc.integer({ min: 1, max: 65_535 }),
        fc.constantFrom("127.0.0.1", "localhost", "[::1]"),
        fc.string({ maxLength: 12 }).filter((u) => u !== "." && u !== ".."),
        fc.string({ maxLength: 12 }),
        (strategy, port, host, userId, cursor) => {
          const target = `http://${host}:${port}${paths[strategy]}`;
          const publishUrl = `http://${host}:${port}/publish/{userId}`;
          const options = parseBenchOptions([
            "--target",
            target,
            "--target-strategy",
            strategy,
            "--publish-url",
            publishUrl,
          ]);
          expect(options.strategies).toEqual([strategy]);
          expect(options.target).toMatchObject({
            strategy,
            subscribe: { text: target, port, host: host.replace(/^\[(.*)\]$/, "$1") },
            publish: { text: publishUrl, port },
          });
          const url = options.target?.subscribe.expand({ userId, cursor });
          expect(
            decodeURIComponent(
              url?.pathname.split("/").at(strategy === "long-polling" ? 2 : 1) ?? "",
            ),
          ).toBe(userId);
          if (strategy !== "sse") expect([...(url?.searchParams.values() ?? [])][0]).toBe(cursor);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("a value with a line break still gives a one-line message", () => {
    for (const parse of [
      () => parseBenchOptions(["\n"]),
      () => parseBenchOptions(["--clients", "a\nb"]),
      () => parseBenchOptions(["--target", "http://127.0.0.1/\n{userId}"]),
      () =>
        parseBenchOptions([
          "--target",
          "http://127.0.0.1/\r\n{userId}",
          "--target-strategy",
          "sse\n",
          "--publish-url",
          "x",
        ]),
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
