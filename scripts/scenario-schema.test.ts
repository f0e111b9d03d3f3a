/**
 * docs/scenario.schema.json is generated from the zod scenario schema (npm run scenario-schema)
 * and committed for editor completion. This fails when the schema changed and the file was not
 * regenerated, and checks that what an editor reads says units and defaults.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PARAM_LIMITS, PARAM_NAMES } from "../src/model/param-limits.ts";
import {
  buildScenarioJsonSchema,
  DEFAULT_SCHEMA_FILE,
  renderScenarioJsonSchema,
} from "./scenario-schema.ts";

const ROOT = path.resolve(import.meta.dirname, "..");

type Node = { properties?: Record<string, Node>; items?: Node; [key: string]: unknown };

describe("docs/scenario.schema.json", () => {
  it("matches the zod schema (regenerate with: npm run scenario-schema)", async () => {
    const committed = await readFile(path.join(ROOT, DEFAULT_SCHEMA_FILE), "utf8");
    expect(
      committed,
      "docs/scenario.schema.json is stale: run npm run scenario-schema and commit it",
    ).toBe(renderScenarioJsonSchema());
  });

  it("every parameter has its range, default, unit and meaning", () => {
    const schema = buildScenarioJsonSchema() as Node;
    const params = schema.properties?.scenarios?.items?.properties?.params?.properties ?? {};
    expect(Object.keys(params).sort()).toEqual([...PARAM_NAMES].sort());
    for (const name of PARAM_NAMES) {
      const limit = PARAM_LIMITS[name];
      const field = params[name] as Node;
      expect(field.description).toContain(limit.description);
      if (limit.kind === "number") {
        expect(field).toMatchObject({ minimum: limit.min, maximum: limit.max });
        expect(field.description).toContain(`Unit: ${limit.unit}`);
      } else {
        expect(field.enum).toEqual([...limit.values]);
      }
      if (name === "drainMs")
        expect(field.description).toMatch(/default 2000 ms or one short-polling wait/);
      else expect(field.default).toBe(limit.default);
    }
  });
});
