/**
 * Every built-in scenario is written in the scenario-file form (`ScenarioDefinition`, the input
 * of the one schema in src/model/scenario-schema.ts) and parsed here by the same schema a
 * `--scenario-file` goes through, so there is one definition of what a scenario is: a built-in
 * could be moved into a JSON file unchanged (scenarios/index.test.ts round-trips each one).
 */
import type { Scenario, ScenarioDefinition } from "../src/model/scenario.ts";
import { parseWith, scenarioSchema } from "../src/model/scenario-schema.ts";
import { UsageError } from "../src/util/usage-error.ts";

const DEFINITIONS = new WeakMap<Scenario, ScenarioDefinition>();

/** The parsed scenario (defaults filled in); a broken definition fails at load, naming the field. */
export function defineScenario(definition: ScenarioDefinition): Scenario {
  const parsed = parseWith(scenarioSchema, definition);
  if (!parsed.ok) {
    throw new UsageError(`built-in scenario '${String(definition.id)}': ${parsed.message}`);
  }
  DEFINITIONS.set(parsed.data, definition);
  return parsed.data;
}

/** The definition a built-in scenario was parsed from, exactly as written. */
export function definitionOf(scenario: Scenario): ScenarioDefinition | undefined {
  return DEFINITIONS.get(scenario);
}
