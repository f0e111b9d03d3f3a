/**
 * Property tests of the workload flags with arbitrary values, through the flag parser and the
 * planner as `npm run bench` chains them: the result is either a plan or a UsageError whose
 * message is one line (no stack) naming a flag or a scenario field, never another exception.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_STRATEGIES } from "../model/strategies.ts";
import { resolvePlan } from "../plan/resolve-runs.ts";
import { UsageError } from "../util/usage-error.ts";
import { parseBenchOptions, scenarioOf, workloadPlanOptions } from "./bench-options.ts";
import { WORKLOAD_PARAM_FLAGS } from "./workload-flags.ts";

const NUM_RUNS = 400;
const LINE_BREAK = /[\r\n\u2028\u2029]/;

const FLAGS = [
  ...WORKLOAD_PARAM_FLAGS.map((f) => f.flag),
  "history",
  "sweep",
  "clients",
  "duration",
];

const number = fc.oneof(
  fc.double({ min: -10, max: 200_000, noNaN: true }).map(String),
  fc.integer({ min: -5, max: 100_000 }).map(String),
);
const value = fc.oneof(
  number,
  fc
    .tuple(number, fc.constantFrom("/s", "/min", "/h", "/d", "ms", "s", "m", "KiB", "%", ""))
    .map(([n, unit]) => `${n}${unit}`),
  fc.constantFrom("per-user", "all-users", "poisson", "fixed", "", "-", "1e3", "NaN", "Infinity"),
  fc
    .tuple(
      fc.constantFrom("rate", "ratePerSec", "payloadBytes", "clients", "fanout", "hold", "x", ""),
      fc.array(fc.oneof(number, fc.constantFrom("1/min", "5s", "2KiB", "")), { maxLength: 4 }),
    )
    .map(([param, items]) => `${param}=${items.join(",")}`),
  fc.string({ maxLength: 12 }),
);

const argv = fc
  .array(fc.tuple(fc.constantFrom(...FLAGS), value), { maxLength: 5 })
  .chain((pairs) =>
    fc
      .constantFrom("steady", "idle", "rate-sweep", "steady,burst", "redis-blip", "capacity")
      .map((scenario) => ["--scenario", scenario, ...pairs.flatMap(([f, v]) => [`--${f}=${v}`])]),
  );

/** `--scenario-file` values: the examples, a missing file, a directory, an empty value. */
const fileArgs = fc
  .array(
    fc.constantFrom(
      "examples/chat-unread-badge.json",
      "examples/live-dashboard.json",
      "examples/none.json",
      "examples",
      "",
    ),
    { maxLength: 2 },
  )
  .map((files) => files.flatMap((f) => ["--scenario-file", f]));

describe("workload flags with arbitrary values", () => {
  it("a plan or one line naming the flag or field; never a stack trace", () => {
    fc.assert(
      fc.property(argv, fileArgs, fc.boolean(), (args, files, quick) => {
        try {
          const options = parseBenchOptions([...files, ...args, ...(quick ? ["--quick"] : [])]);
          const plan = resolvePlan(
            options.scenarios.map((id) => scenarioOf(options, id)),
            {
              quick: options.quick,
              strategies: DEFAULT_STRATEGIES,
              ...(options.clients !== undefined ? { clients: options.clients } : {}),
              ...(options.durationMs !== undefined ? { durationMs: options.durationMs } : {}),
              ...workloadPlanOptions(options),
            },
          );
          // What planned carries the flags: every run has each parameter a flag set.
          for (const run of plan.runs) {
            for (const [param, v] of Object.entries(options.workload.overrides)) {
              expect(run.params[param as keyof typeof run.params]).toBe(v);
            }
          }
        } catch (error) {
          expect(error).toBeInstanceOf(UsageError);
          const message = (error as UsageError).message;
          expect(message).not.toMatch(LINE_BREAK);
          expect(message).not.toMatch(/\bat .+:\d+:\d+/);
          // Names a flag (--rate) or a scenario field (params.ratePerSec, scenario 'x').
          expect(message).toMatch(/--[a-z]|params[.:]|scenario '|fault[.:]|\.json: scenarios/);
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
