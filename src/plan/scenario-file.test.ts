import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SCENARIO_IDS } from "../../scenarios/index.ts";
import { PARAM_LIMITS } from "../model/param-limits.ts";
import { usageErrorOf } from "../util/test-support/thrown.ts";
import { resolvePlan } from "./resolve-runs.ts";
import { parseScenarioFileText, readScenarioFile, readScenarioFiles } from "./scenario-file.ts";

const EXAMPLES = path.resolve(import.meta.dirname, "../../examples");

const mine = (params: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    scenarios: [{ id: "my-app", description: "My workload.", params, ...extra }],
  });

describe("parseScenarioFileText", () => {
  it("a user's numbers, the rest from the defaults, and the standard quick form", () => {
    const [scenario] = parseScenarioFileText(
      mine({ clients: 4_000, ratePerSec: 1 / 60, payloadBytes: 2_048, shortPollIntervalMs: 5_000 }),
      "mine.json",
    );
    expect(scenario?.params).toMatchObject({
      clients: 4_000,
      payloadBytes: 2_048,
      longPollHoldMs: PARAM_LIMITS.longPollHoldMs.default,
      fanout: "per-user",
      // one 5 s poll + 10 % jitter + 1 s
      drainMs: 6_500,
    });
    expect(scenario?.quick.params).toMatchObject({ clients: 20, durationMs: 1_000 });
    const runs = resolvePlan(scenario ? [scenario] : [], { quick: true, strategies: ["sse"] }).runs;
    expect(runs[0]?.params).toMatchObject({ clients: 20, payloadBytes: 2_048 });
  });

  it("names the file, the JSON path, the value and the fix", () => {
    expect(usageErrorOf(() => parseScenarioFileText(mine({ ratePerSec: -1 }), "mine.json"))).toBe(
      "mine.json: scenarios[0].params.ratePerSec: -1 is out of range; use 0..100 (notifications per user per second)",
    );
    expect(usageErrorOf(() => parseScenarioFileText(mine({ rate: 1 }), "f.json"))).toMatch(
      /^f\.json: scenarios\[0\]\.params\.rate: is not a parameter; known: clients, ratePerSec/,
    );
    expect(
      usageErrorOf(() =>
        parseScenarioFileText(
          mine({}, { fault: { kind: "redis-blip", atMs: 1_000, durationMs: 20_000 } }),
          "f.json",
        ),
      ),
    ).toMatch(/^f\.json: scenarios\[0\]\.fault\.atMs: the fault \(atMs 1000 \+ durationMs 20000\)/);
    expect(usageErrorOf(() => parseScenarioFileText("{", "f.json"))).toMatch(
      /^f\.json: not valid JSON \(.+\); a scenario file is JSON like \{"scenarios"/,
    );
    expect(usageErrorOf(() => parseScenarioFileText("[]", "f.json"))).toMatch(
      /^f\.json: is a list; wrap it as \{"scenarios": \[\.\.\.\]\}/,
    );
    expect(usageErrorOf(() => parseScenarioFileText('{"scenarios": []}', "f.json"))).toBe(
      "f.json: scenarios: is empty; give at least one scenario",
    );
    const twice = JSON.stringify({
      scenarios: [
        { id: "a", description: "x" },
        { id: "a", description: "y" },
      ],
    });
    expect(usageErrorOf(() => parseScenarioFileText(twice, "f.json"))).toBe(
      "f.json: scenarios[1].id: 'a' is used twice in this file; give each scenario its own id",
    );
  });

  it("sweeps over any numeric parameter, faults and the quick form", () => {
    const [sweep] = parseScenarioFileText(
      mine(
        {},
        {
          sweep: { parameter: "longPollHoldMs", steps: [{ value: 5_000 }, { value: 25_000 }] },
          quick: { steps: [{ value: 500 }] },
        },
      ),
      "f.json",
    );
    const runs = resolvePlan(sweep ? [sweep] : [], { quick: true, strategies: ["long-polling"] });
    expect(runs.runs.map((r) => r.step)).toEqual([
      { parameter: "longPollHoldMs", label: "500", value: 500 },
    ]);
    const [fault] = parseScenarioFileText(
      mine(
        { durationMs: 20_000 },
        {
          fault: { kind: "reconnect-storm", atMs: 5_000, durationMs: 1_000 },
          quick: { params: { durationMs: 5_000 }, fault: { atMs: 1_500 } },
        },
      ),
      "f.json",
    );
    expect(fault?.quick.fault).toEqual({ atMs: 1_500 });
  });
});

describe("readScenarioFiles", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "pvp-scenario-file-"));
    await writeFile(path.join(dir, "a.json"), mine());
    await writeFile(
      path.join(dir, "steady.json"),
      JSON.stringify({ scenarios: [{ id: "steady", description: "x" }] }),
    );
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("reads files in order; ids are unique across files and apart from the built-ins", () => {
    const a = path.join(dir, "a.json");
    expect(readScenarioFiles([a], SCENARIO_IDS).map((s) => s.id)).toEqual(["my-app"]);
    expect(usageErrorOf(() => readScenarioFiles([a, a], SCENARIO_IDS))).toBe(
      `${a}: scenarios[0].id: 'my-app' is also in ${a}; give each scenario its own id.`,
    );
    const steady = path.join(dir, "steady.json");
    expect(usageErrorOf(() => readScenarioFiles([steady], SCENARIO_IDS))).toBe(
      `${steady}: scenarios[0].id: 'steady' is a built-in scenario's id; give yours another, e.g. 'my-steady'.`,
    );
    expect(usageErrorOf(() => readScenarioFiles([path.join(dir, "none.json")], []))).toMatch(
      /cannot read it \(ENOENT\); give the path of a JSON or YAML scenario file/,
    );
  });
});

/** A scenario file in YAML: `my-app` with the given params block (indented lines). */
const mineYaml = (params: string) =>
  ["scenarios:", "  - id: my-app", "    description: My workload.", "    params:", params, ""].join(
    "\n",
  );

describe("YAML scenario files", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "pvp-scenario-yaml-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("examples/chat-unread-badge.yaml, read as --scenario-file reads it, is the JSON example's workload", () => {
    const yaml = path.join(EXAMPLES, "chat-unread-badge.yaml");
    const fromYaml = readScenarioFiles([yaml], SCENARIO_IDS);
    expect(fromYaml.map((s) => s.id)).toEqual(["chat-unread-badge"]);
    expect(fromYaml[0]?.params).toMatchObject({
      clients: 2_000,
      ratePerSec: 0.033,
      payloadBytes: 300,
    });
    expect(fromYaml).toEqual(readScenarioFile(path.join(EXAMPLES, "chat-unread-badge.json")));
    const plan = resolvePlan(fromYaml, { quick: true, strategies: ["sse"] });
    expect(plan.runs[0]?.params).toMatchObject({ clients: 20, ratePerSec: 1, payloadBytes: 300 });
  });

  it(".yaml and .yml meet the same schema, with the same path-naming messages as JSON", async () => {
    const yml = path.join(dir, "mine.yml");
    await writeFile(yml, mineYaml("      clients: 4000\n      shortPollIntervalMs: 5000"));
    const [scenario] = readScenarioFiles([yml], SCENARIO_IDS);
    expect(scenario?.params).toMatchObject({ clients: 4_000, drainMs: 6_500 });
    expect(scenario).toEqual(
      parseScenarioFileText(mine({ clients: 4_000, shortPollIntervalMs: 5_000 }), "mine.json")[0],
    );
    expect(
      usageErrorOf(() => parseScenarioFileText(mineYaml("      ratePerSec: -1"), "mine.yaml")),
    ).toBe(
      "mine.yaml: scenarios[0].params.ratePerSec: -1 is out of range; use 0..100 (notifications per user per second)",
    );
    const bad = path.join(dir, "bad.YAML");
    await writeFile(bad, mineYaml("      rate: 1"));
    expect(usageErrorOf(() => readScenarioFiles([bad], SCENARIO_IDS))).toMatch(
      new RegExp(
        `^${bad.replaceAll(".", "\\.")}: scenarios\\[0\\]\\.params\\.rate: is not a parameter; known: clients,`,
      ),
    );
  });

  it("the README's YAML example is a valid scenario file", async () => {
    const readme = await readFile(path.resolve(EXAMPLES, "../README.md"), "utf8");
    const blocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");
    expect(blocks.length).toBeGreaterThan(0);
    for (const block of blocks) {
      const [scenario] = parseScenarioFileText(block, "README.yaml");
      expect(scenario?.params).toMatchObject({ clients: 4_000, shortPollIntervalMs: 5_000 });
    }
  });

  it("a YAML syntax error is one line naming the file, the line and the column", () => {
    const misindented = ["scenarios:", "  - id: my-app", "   description: x", ""].join("\n");
    expect(usageErrorOf(() => parseScenarioFileText(misindented, "f.yaml"))).toBe(
      "f.yaml: not valid YAML at line 3, column 1 (Sequence item without - indicator); a scenario file is YAML like 'scenarios: [{id: my-app, description: ..., params: {...}}]' (see docs/scenario.schema.json).",
    );
    const twice = mineYaml("      clients: 10\n      clients: 20");
    expect(usageErrorOf(() => parseScenarioFileText(twice, "f.yml"))).toMatch(
      /^f\.yml: not valid YAML at line 6, column 7 \(Map keys must be unique\); /,
    );
    expect(
      usageErrorOf(() => parseScenarioFileText("scenarios: []\n---\nmore: 1\n", "f.yaml")),
    ).toMatch(/^f\.yaml: not valid YAML at line 2, column 1 \(Source contains multiple documents/);
    expect(usageErrorOf(() => parseScenarioFileText("scenarios: [1, 2\n", "f.yaml"))).toMatch(
      /^f\.yaml: not valid YAML at line \d+, column \d+ \(.+\); a scenario file is YAML like/,
    );
    expect(usageErrorOf(() => parseScenarioFileText("scenarios: *nowhere\n", "f.yaml"))).toMatch(
      /^f\.yaml: not valid YAML \(.*nowhere.*\); a scenario file is YAML like/,
    );
  });

  it("YAML 1.2: what JSON cannot say is refused by name, and `yes` is no boolean", () => {
    expect(
      usageErrorOf(() => parseScenarioFileText(mineYaml("      ratePerSec: .inf"), "f.yaml")),
    ).toBe(
      "f.yaml: scenarios[0].params.ratePerSec: Infinity is not a finite number; write a number",
    );
    const yes = [
      ...mineYaml("      clients: 10").split("\n").slice(0, -1),
      "    defaultSuite: yes",
      "",
    ];
    expect(usageErrorOf(() => parseScenarioFileText(yes.join("\n"), "f.yaml"))).toBe(
      "f.yaml: scenarios[0].defaultSuite: must be true or false",
    );
    expect(usageErrorOf(() => parseScenarioFileText("# nothing here\n", "f.yaml"))).toMatch(
      /^f\.yaml: is empty; a scenario file is YAML like/,
    );
    expect(usageErrorOf(() => parseScenarioFileText("- id: my-app\n", "f.yaml"))).toBe(
      "f.yaml: is a list; put it under a 'scenarios:' key (see docs/scenario.schema.json).",
    );
    // the name decides the format: YAML in a .json file is refused as JSON
    expect(
      usageErrorOf(() => parseScenarioFileText(mineYaml("      clients: 10"), "f.json")),
    ).toMatch(/^f\.json: not valid JSON/);
  });
});
