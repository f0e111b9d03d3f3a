/**
 * The fault registry: one FaultKindModule per FaultKind, so the compiler asks for every part
 * of a new kind.
 *
 * Adding a fault kind `<kind>`:
 * 1. src/model/fault-kinds.ts: the id in FAULT_KINDS and its facts in FAULT_KIND_FACTS
 *    (instant or lasting, the kind-specific FaultSpec fields it reads and their rules, fewest
 *    instances, why it needs our servers or Redis for --target refusal). A new FaultSpec field
 *    also goes into FaultSpec (src/model/scenario.ts) and KIND_FIELDS.
 * 2. src/faults/kinds/<kind>.ts: its FaultKindModule (whom it targets, how it is injected,
 *    whether publishes may fail, whether Redis restarts, whether server cut counters are read).
 * 3. src/faults/kinds/index.ts: one line in FAULT_KIND_MODULES below.
 * 4. src/report/model/fault-runs.ts: one line in FAULT_KIND_EXPLAINERS (what the report says).
 * 5. scenarios/<kind>.ts and its line in scenarios/index.ts: the scenario that runs it (a test
 *    demands one fault scenario per kind); docs/methodology.md, "Faults", says what it tests.
 * Once the id is in FAULT_KINDS the compiler asks for the entries of 1, 3 and 4 (and 3 needs
 * the file of 2); the run, the planner and --target read only these tables, never a kind's id.
 */

import type { FaultKind } from "../../model/fault-kinds.ts";
import type { FaultKindModule } from "./fault-kind-module.ts";
import { historyTrimmed } from "./history-trimmed.ts";
import { instanceFailover } from "./instance-failover.ts";
import { reconnectStorm } from "./reconnect-storm.ts";
import { redisBlip } from "./redis-blip.ts";
import { serverRestart } from "./server-restart.ts";
import { slowConsumer } from "./slow-consumer.ts";

export const FAULT_KIND_MODULES: Readonly<Record<FaultKind, FaultKindModule>> = {
  "server-restart": serverRestart,
  "instance-failover": instanceFailover,
  "redis-blip": redisBlip,
  "reconnect-storm": reconnectStorm,
  "slow-consumer": slowConsumer,
  "history-trimmed": historyTrimmed,
};
