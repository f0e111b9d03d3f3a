/**
 * The scenario registry: every workload the bench can run, in the order `--scenario` lists
 * them and the default suite runs them.
 */

import type { Scenario } from "../src/model/scenario.ts";
import { UsageError } from "../src/util/usage-error.ts";
import { burst } from "./burst.ts";
import { capacity } from "./capacity.ts";
import { h2Multiplex } from "./h2-multiplex.ts";
import { historyTrimmed } from "./history-trimmed.ts";
import { idle } from "./idle.ts";
import { instanceFailover } from "./instance-failover.ts";
import { intervalSweep } from "./interval-sweep.ts";
import { proxyBuffering } from "./proxy-buffering.ts";
import { proxyTimeouts } from "./proxy-timeouts.ts";
import { ramp } from "./ramp.ts";
import { rateSweep } from "./rate-sweep.ts";
import { reconnectStorm } from "./reconnect-storm.ts";
import { redisBlip } from "./redis-blip.ts";
import { serverRestart } from "./server-restart.ts";
import { slowConsumer } from "./slow-consumer.ts";
import { steady } from "./steady.ts";
import { tlsHandshakes } from "./tls-handshakes.ts";
import { twoInstances } from "./two-instances.ts";

export const SCENARIOS: readonly Scenario[] = [
  steady,
  burst,
  idle,
  ramp,
  rateSweep,
  intervalSweep,
  twoInstances,
  capacity,
  serverRestart,
  instanceFailover,
  redisBlip,
  reconnectStorm,
  slowConsumer,
  historyTrimmed,
  // The delivery path (nginx, TLS, HTTP/2): opt-in, skipped without nginx.
  proxyBuffering,
  proxyTimeouts,
  tlsHandshakes,
  h2Multiplex,
];

/** The fault scenarios, in the order `--scenario faults` runs them. */
export const FAULT_SCENARIO_IDS: readonly string[] = SCENARIOS.filter((s) => s.fault).map(
  (s) => s.id,
);

export const SCENARIO_IDS: readonly string[] = SCENARIOS.map((s) => s.id);

/** What `npm run bench` runs without --scenario: the suite that fits in ~10 minutes. */
export const DEFAULT_SCENARIO_IDS: readonly string[] = SCENARIOS.filter(
  (s) => s.defaultSuite !== false,
).map((s) => s.id);

/** The scenario with this id; throws UsageError listing the valid ids otherwise. */
export function getScenario(id: string): Scenario {
  const scenario = SCENARIOS.find((s) => s.id === id);
  if (!scenario) {
    throw new UsageError(`unknown scenario '${id}'; use one of: ${SCENARIO_IDS.join(", ")}.`);
  }
  return scenario;
}
