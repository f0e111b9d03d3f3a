/**
 * Turns the chosen scenarios and CLI options into the ordered list of runs, and estimates how
 * long that list takes so the bench can say so before it starts (and tests can hold the
 * suite to its time budget).
 */

import type { DeliveryPath } from "../model/delivery-path.ts";
import type { CapacitySpec, FaultSpec, Scenario, ScenarioParams } from "../model/scenario.ts";
import { DEFAULT_STRATEGIES, type StrategyId } from "../model/strategies.ts";
import { UsageError } from "../util/usage-error.ts";
import { type AdHocSweep, checkOverrides, withAdHocSweep } from "./cli-overrides.ts";
import { deliveryStepsFor } from "./delivery-plan.ts";
import { paramsFor, stepsFor } from "./merge-params.ts";
import { validateFault } from "./validate-fault.ts";
import { validateParams, validateScenario } from "./validate-scenario.ts";

/**
 * Per-run time outside the scenario's phases: spawning the server process, waiting for
 * /healthz, closing clients and stopping the server. Measured at ~1-1.5 s on a 2-core machine.
 */
export const RUN_OVERHEAD_MS = 1_500;

export interface ResolveOptions {
  /** Use every scenario's `quick` form. */
  quick: boolean;
  /** Strategies to run, in this order within each step; a scenario's own list filters it. */
  strategies: readonly StrategyId[];
  /**
   * `--clients`: replaces `clients` in every run, except in sweeps over clients (ramp), where
   * it would erase the sweep; those runs keep their steps and carry a warning instead.
   */
  clients?: number;
  /** `--duration`: replaces the measured window (`durationMs`) of every run. */
  durationMs?: number;
  /** `--instances`: server processes per run, replacing every scenario's own `instances`. */
  instances?: number;
  /**
   * `--repeat`: runs per scenario step x strategy, interleaved within the step. When absent,
   * each scenario's own `defaultRepeat` for full-size runs and 1 with `quick`. Capacity runs
   * run once whatever it says (a CapacityResult has no repetition).
   */
  repeat?: number;
  /**
   * Parameter flags (`--rate`, `--poll-interval`, `--hold`, ...): replace those parameters in
   * every run, quick or not; refused on a scenario that sweeps one of them.
   */
  overrides?: Partial<ScenarioParams>;
  /** `--sweep param=a,b,c`: every chosen scenario becomes a sweep over `param`. */
  sweep?: AdHocSweep;
  /** `--history`: notifications kept per user stream in every run (a fault's own wins if absent). */
  historyMaxLen?: number;
  /** `--proxy`, `--proxy-buffering`, `--proxy-read-timeout`, `--tls`, `--http2`: every run's delivery path (a scenario's own `delivery` wins). */
  deliveryPath?: Partial<DeliveryPath>;
}

export interface PlannedRun {
  scenario: string;
  /** The sweep step, or null for a scenario without a sweep. */
  step: { parameter: string; label: string; value: number } | null;
  strategy: StrategyId;
  /** Which repetition of its scenario step x strategy this run is, 1-based. */
  repetition: number;
  /**
   * Repetitions planned for its scenario step x strategy (`--repeat`; 1 for capacity runs).
   * With `--until-confident` the bench may add more after these.
   */
  repetitions: number;
  /** Fully resolved: steps, `--quick` and CLI overrides applied, and validated. */
  params: ScenarioParams;
  /** Things to tell the user about this run (e.g. an override that was not applied). */
  warnings: string[];
  /** For capacity scenarios: the resolved spec (quick overrides applied); null otherwise. */
  capacity: CapacitySpec | null;
  /** For fault scenarios: the resolved fault (quick overrides applied); null otherwise. */
  fault: FaultSpec | null;
  /** `--history`: notifications kept per user stream; absent = the fault's, else 1000. */
  historyMaxLen?: number;
  /** How the clients reach the servers (proxy, TLS, HTTP/2); absent = direct HTTP/1.1 (DIRECT_PATH). */
  deliveryPath?: DeliveryPath;
}

export interface ResolvedPlan {
  runs: PlannedRun[];
  /** Plan-level notes, e.g. a scenario skipped because none of its strategies was chosen. */
  warnings: string[];
}

/**
 * Plans the runs in the order scenario -> step -> repetition -> strategy, so the strategies of
 * one step run back to back under the same conditions, close in time, and repetitions are
 * interleaved (rep 1 of A B C, then rep 2 of A B C, never A A A B B B): a drift of the machine
 * during a step (thermal, a noisy neighbour) then hits every strategy alike instead of posing
 * as a difference between them. Validates every scenario and every resolved run; throws
 * UsageError when nothing is left to run.
 */
export function resolvePlan(scenarios: readonly Scenario[], options: ResolveOptions): ResolvedPlan {
  const runs: PlannedRun[] = [];
  const warnings: string[] = [];
  const strategies = [...new Set(options.strategies)];
  for (const given of scenarios) {
    validateScenario(given);
    const scenario = options.sweep ? withAdHocSweep(given, options.sweep) : given;
    if (options.overrides) checkOverrides(scenario, options.overrides);
    const repeat = options.repeat ?? (options.quick ? 1 : (scenario.defaultRepeat ?? 1));
    if (!Number.isInteger(repeat) || repeat < 1) {
      throw new Error(`resolvePlan: repeat must be a whole number >= 1, got ${repeat}`);
    }
    if (scenario.capacity && repeat > 1) {
      warnings.push(
        `scenario '${scenario.id}': capacity runs are not repeated (--repeat, --until-confident); each runs once.`,
      );
    }
    if (scenario.capacity && (options.clients !== undefined || options.durationMs !== undefined)) {
      // Capacity runs drive autocannon by their own spec; say so rather than ignore silently.
      warnings.push(
        `scenario '${scenario.id}': --clients and --duration do not apply to capacity runs (autocannon connections and step lengths come from the scenario).`,
      );
    }
    const allowed = scenario.strategies;
    const chosen = allowed ? strategies.filter((s) => allowed.includes(s)) : strategies;
    if (chosen.length === 0) {
      warnings.push(
        `scenario '${scenario.id}' skipped: it runs only ${allowed?.join(", ")}, which --strategies left out.`,
      );
      continue;
    }
    const optInLeftOut = strategies.filter(
      (s) => !chosen.includes(s) && !DEFAULT_STRATEGIES.includes(s),
    );
    if (scenario.capacity && optInLeftOut.length > 0) {
      // Asked for by name (or by "all"), so say why it does not run here.
      warnings.push(
        `scenario '${scenario.id}' skips ${optInLeftOut.join(", ")}: capacity drives HTTP request/response routes with autocannon, which does not speak WebSocket; what a WebSocket costs per client is in the ramp and steady runs (docs/methodology.md, "Capacity").`,
      );
    }
    const parameter = scenario.sweep?.parameter;
    for (const step of stepsFor(scenario, options.quick)) {
      const params = paramsFor(scenario, step, options.quick);
      const runWarnings: string[] = [];
      if (options.clients !== undefined) {
        if (step && parameter === "clients") {
          runWarnings.push(
            `--clients ${options.clients} not applied: '${scenario.id}' sweeps clients (this step: ${params.clients}).`,
          );
        } else {
          params.clients = options.clients;
        }
      }
      if (options.durationMs !== undefined) params.durationMs = options.durationMs;
      if (options.instances !== undefined) params.instances = options.instances;
      Object.assign(params, options.overrides);
      const where = `scenario '${scenario.id}'${step ? ` step '${step.label}'` : ""}`;
      validateParams(params, where);
      const fault = scenario.fault
        ? { ...scenario.fault, ...(options.quick ? scenario.quick.fault : {}) }
        : null;
      if (fault) validateFault(fault, params, where);
      runWarnings.push(...phaseWarnings(params));
      const repetitions = scenario.capacity ? 1 : repeat;
      // A scenario's delivery variants (proxy-buffering: on / off) are steps of their own.
      for (const delivery of deliveryStepsFor(scenario, options.deliveryPath)) {
        const sweepStep =
          step && parameter ? { parameter, label: step.label, value: step.value } : null;
        for (let repetition = 1; repetition <= repetitions; repetition++) {
          for (const strategy of chosen) {
            runs.push({
              scenario: scenario.id,
              step: sweepStep ?? (delivery.step ? { ...delivery.step } : null),
              strategy,
              repetition,
              repetitions,
              params: { ...params },
              warnings: [...runWarnings, ...delivery.warnings],
              capacity: scenario.capacity
                ? { ...scenario.capacity, ...(options.quick ? scenario.quick.capacity : {}) }
                : null,
              fault: fault ? { ...fault } : null,
              deliveryPath: { ...delivery.path },
              ...(options.historyMaxLen !== undefined
                ? { historyMaxLen: options.historyMaxLen }
                : {}),
            });
          }
        }
      }
    }
  }
  if (runs.length === 0) {
    throw new UsageError(
      `nothing to run: no chosen scenario applies to --strategies ${strategies.join(",")}; choose other scenarios or strategies.`,
    );
  }
  return { runs, warnings };
}

/** The runs of `resolvePlan`, without the plan-level warnings. */
export function resolveRuns(scenarios: readonly Scenario[], options: ResolveOptions): PlannedRun[] {
  return resolvePlan(scenarios, options).runs;
}

/**
 * Combinations that still run but measure less than intended (typically after `--duration`
 * or `--clients`): said once per run so the results carry them.
 */
function phaseWarnings(params: ScenarioParams): string[] {
  const warnings: string[] = [];
  if (params.durationMs < 2 * params.shortPollIntervalMs) {
    warnings.push(
      `window ${params.durationMs} ms covers fewer than 2 short-polling intervals (${params.shortPollIntervalMs} ms); request counts are coarse.`,
    );
  }
  if (params.ratePerSec === 0 && params.durationMs < params.longPollHoldMs) {
    warnings.push(
      `window ${params.durationMs} ms is shorter than the long-poll hold (${params.longPollHoldMs} ms); idle long-polling cost is not seen.`,
    );
  }
  if (
    params.ratePerSec > 0 &&
    params.drainMs < params.shortPollIntervalMs * (1 + params.jitterRatio)
  ) {
    warnings.push(
      `drain ${params.drainMs} ms is shorter than the longest short-polling wait; late notifications may count as lost.`,
    );
  }
  return warnings;
}

/** Upper bound of one run's wall time in ms: phases + drain limit + RUN_OVERHEAD_MS. */
export function estimateRunMs(params: ScenarioParams): number {
  return params.rampMs + params.warmupMs + params.durationMs + params.drainMs + RUN_OVERHEAD_MS;
}

/**
 * Upper bound of a plan's wall time in ms (drains usually end early, so it runs faster). Every
 * repetition is its own planned run, so repeats are counted by summing the runs.
 */
export function estimatePlanMs(runs: readonly PlannedRun[]): number {
  return runs.reduce((total, run) => total + estimatePlannedRunMs(run), 0);
}

/** Upper bound of one planned run's wall time, ms: capacity, fault or plain. */
export function estimatePlannedRunMs(run: PlannedRun): number {
  return run.capacity
    ? estimateCapacityRunMs(run.capacity)
    : estimateRunMs(run.params) + (run.fault ? FAULT_OVERHEAD_MS : 0);
}

/**
 * A fault run's time beyond its phases: restarting a killed server or Redis (~1-2 s), and the
 * window waiting for a fault that outlasts it.
 */
export const FAULT_OVERHEAD_MS = 3_000;

/**
 * A capacity run: the closed loop, every step, and the per-run overhead, plus what a run
 * measured beyond that (about 1 s per step for starting its staggered autocannon instances,
 * and 2 s for seeding and warming the server).
 */
export function estimateCapacityRunMs(spec: CapacitySpec): number {
  const perStepOverheadMs = 1_000;
  const setupMs = 2_000;
  return (
    spec.saturationMs +
    (spec.stepMs + perStepOverheadMs) * spec.stepFractions.length +
    setupMs +
    RUN_OVERHEAD_MS
  );
}
