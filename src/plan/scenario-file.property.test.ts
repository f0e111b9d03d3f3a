/**
 * Property tests of the scenario-file validator: arbitrary JSON, and valid files with one field
 * replaced by an arbitrary value, give either scenarios the planner accepts (or refuses in one
 * line) or one line naming the file and the JSON path of the bad field; never a stack trace.
 * The same holds for arbitrary YAML, and a file written in YAML reads exactly as in JSON.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { PARAM_NAMES } from "../model/param-limits.ts";
import { UsageError } from "../util/usage-error.ts";
import { resolvePlan } from "./resolve-runs.ts";
import { parseScenarioFileText } from "./scenario-file.ts";

const NUM_RUNS = 400;
const LINE_BREAK = /[\r\n\u2028\u2029]/;

const BASE = {
  id: "my-app",
  description: "A workload.",
  params: { clients: 100, ratePerSec: 1, durationMs: 5_000 },
  quick: { params: { ratePerSec: 2 } },
};

/** A field path inside a scenario, and what may be put there. */
const path = fc.oneof(
  fc.constantFrom(...PARAM_NAMES).map((name) => ["params", name]),
  fc.constantFrom(...PARAM_NAMES).map((name) => ["quick", "params", name]),
  fc.constantFrom(
    ["id"],
    ["description"],
    ["params"],
    ["quick"],
    ["strategies"],
    ["defaultRepeat"],
    ["sweep"],
    ["sweep", "parameter"],
    ["fault"],
    ["fault", "kind"],
    ["capacity"],
    ["unknownField"],
  ),
);

const anyValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.double(),
  fc.integer({ min: -1_000_000, max: 1_000_000 }),
  fc.constantFrom("poisson", "all-users", "clients", "redis-blip", "sse", "", null),
  fc.constantFrom(
    { parameter: "clients", steps: [{ value: 10 }, { value: 20 }] },
    { parameter: "ratePerSec", steps: [{ value: 100 }] },
    { kind: "reconnect-storm", atMs: 1_000, durationMs: 1_000 },
    { kind: "instance-failover", atMs: 2_000, durationMs: 0 },
  ),
);

function withField(fieldPath: readonly string[], value: unknown): unknown {
  const scenario = structuredClone(BASE) as Record<string, unknown>;
  let node = scenario;
  for (const key of fieldPath.slice(0, -1)) {
    if (typeof node[key] !== "object" || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[fieldPath.at(-1) as string] = value;
  return { scenarios: [scenario] };
}

function expectScenariosOrOneLine(text: string, name = "f.json"): void {
  try {
    const scenarios = parseScenarioFileText(text, name);
    expect(scenarios.length).toBeGreaterThan(0);
    try {
      resolvePlan(scenarios, { quick: true, strategies: ["short-polling", "sse"] });
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      expect((error as Error).message).not.toMatch(LINE_BREAK);
    }
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    const message = (error as UsageError).message;
    expect(message).not.toMatch(LINE_BREAK);
    expect(message).not.toMatch(/\bat .+:\d+:\d+/);
    expect(message.startsWith(`${name}: `)).toBe(true);
    expect(message.slice(name.length + 2)).toMatch(
      /^(scenarios|not valid (JSON|YAML)|is a list|is empty|\$schema|[a-zA-Z$]+: is not|.+ is not an object; give an object with \$schema, scenarios$|-?(Infinity|NaN) is not a finite number)/,
    );
  }
}

describe("scenario files with arbitrary content", () => {
  it("any JSON text: scenarios or one line naming the file and the path", () => {
    fc.assert(
      fc.property(fc.oneof(fc.json({ maxDepth: 3 }), fc.string({ maxLength: 40 })), (text) =>
        expectScenariosOrOneLine(text),
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it("one field of a valid file replaced: scenarios, or one line naming that field", () => {
    fc.assert(
      fc.property(path, anyValue, (fieldPath, value) => {
        const text = JSON.stringify(withField(fieldPath, value));
        try {
          parseScenarioFileText(text, "f.json");
        } catch (error) {
          expect(error).toBeInstanceOf(UsageError);
          const message = (error as UsageError).message;
          expect(message).not.toMatch(LINE_BREAK);
          // The path of the bad field (or of the part of it that is wrong) is named.
          expect(message.startsWith(`f.json: scenarios[0].${fieldPath[0]}`)).toBe(true);
        }
        expectScenariosOrOneLine(text);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("any text as YAML: scenarios or one line naming the file", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 60 }),
          fc.json({ maxDepth: 3 }).map((text) => stringify(JSON.parse(text))),
          fc
            .array(
              fc.constantFrom(
                "scenarios:",
                "  - ",
                "id: a",
                "    ",
                "- ",
                "&x ",
                "*x",
                ": ",
                "\n",
                "'",
                "{",
                "]",
                "\t",
                "#",
              ),
              { maxLength: 12 },
            )
            .map((parts) => parts.join("")),
        ),
        (text) => expectScenariosOrOneLine(text, "f.yaml"),
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it("a file written in YAML reads exactly as the same file in JSON: the scenarios or the message", () => {
    const outcome = (text: string, name: string) => {
      try {
        return { scenarios: parseScenarioFileText(text, name) };
      } catch (error) {
        expect(error).toBeInstanceOf(UsageError);
        const message = (error as Error).message;
        expect(message.startsWith(`${name}: `)).toBe(true);
        return { message: message.slice(name.length) };
      }
    };
    fc.assert(
      fc.property(path, anyValue, (fieldPath, value) => {
        const json = JSON.stringify(withField(fieldPath, value));
        const yaml = stringify(JSON.parse(json));
        expect(outcome(yaml, "f.yaml")).toEqual(outcome(json, "f.json"));
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
