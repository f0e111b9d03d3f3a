/**
 * How a scenario's layers combine into one run's params: the one rule lives with the scenario
 * schema (src/model/scenario-schema.ts), which checks every run a scenario implies; the planner
 * imports it from here.
 */
export { paramsFor, stepsFor } from "../model/scenario-schema.ts";
