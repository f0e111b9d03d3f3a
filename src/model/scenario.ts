/**
 * Scenarios are data-only objects: a workload that is driven identically against every
 * strategy. A scenario with `steps` is a sweep: every step is one run per strategy, with the
 * step's overrides applied on top of the base parameters.
 */
import type { FaultKind } from "./fault-kinds.ts";
import type { StrategyId } from "./strategies.ts";

/** How publish times are spaced. Both are open-model: the schedule never waits for delivery. */
export type PublishModel = "poisson" | "fixed";

/** Who receives one publish event. */
export type Fanout =
  /** Each publish goes to one user, chosen round-robin so every user gets the same rate. */
  | "per-user"
  /** Each publish event sends one notification to every user at the same intended time. */
  | "all-users";

/** Parameters of one run. Every field is resolved (no defaults left) before a run starts. */
export interface ScenarioParams {
  /** Simulated clients; one client per user id. */
  clients: number;
  /** Notifications per user per second (per-user fanout) or publish events per second (all-users). 0 = none. */
  ratePerSec: number;
  publishModel: PublishModel;
  fanout: Fanout;
  /** Short-polling interval between the end of one poll and the start of the next, in ms (jittered ±jitterRatio). */
  shortPollIntervalMs: number;
  /** Relative jitter on the short-polling interval, 0..1 (0.1 = ±10 %). */
  jitterRatio: number;
  /** Long-poll hold the client asks for (`timeoutMs` query parameter). */
  longPollHoldMs: number;
  /** Time over which clients are connected, evenly spaced. */
  rampMs: number;
  /** Publishing runs but nothing is measured; discarded. */
  warmupMs: number;
  /** The measured window. */
  durationMs: number;
  /** After publishing stops: the longest wait for every expected notification to arrive. */
  drainMs: number;
  /** Size of the notification's `message` text in bytes. */
  payloadBytes: number;
  /**
   * Server processes of the strategy, all on the one Redis; clients are spread over them
   * round-robin, so a notification published once must reach clients on every instance.
   */
  instances: number;
}

/**
 * A capacity scenario drives the polling endpoints with autocannon instead of simulated users:
 * a closed loop finds the saturation rate, then rate-limited steps find the highest rate the
 * server sustains with p99 under a bound.
 */
export interface CapacitySpec {
  /** autocannon connections, closed loop and steps alike. */
  connections: number;
  /** Length of the closed-loop run to saturation, ms. */
  saturationMs: number;
  /** Length of each rate-limited step, ms. */
  stepMs: number;
  /** Rate-limited steps as fractions of the saturation rate, ascending, e.g. [0.25, 0.5, 0.75, 0.9]. */
  stepFractions: number[];
  /** A step counts as sustained when its p99 stays under this, ms. */
  p99BoundMs: number;
  /** Short-polling intervals to derive "clients one server process can serve" for, ms. */
  intervalsMs: number[];
}

/**
 * A fault injected once into the measured window. The window before `atMs` is the pre-fault
 * baseline (the rates extra requests and bytes are measured against); the rest is the fault and
 * the recovery. See docs/methodology.md, "Faults".
 */
export interface FaultSpec {
  kind: FaultKind;
  /** When the fault starts, ms after the measured window opened. */
  atMs: number;
  /**
   * How long the fault lasts, ms: Redis down (redis-blip), the spread of the reconnects
   * (reconnect-storm), the slow phase (slow-consumer), the time away (history-trimmed).
   * server-restart restarts as soon as the killed process is gone, and in instance-failover
   * the killed instance stays dead: both take 0.
   */
  durationMs: number;
  /** Share of the clients the fault is aimed at, 0 < share <= 1 (slow-consumer, history-trimmed). */
  clientShare?: number;
  /** slow-consumer: bytes per second a slow client reads from its stream. */
  slowReadBytesPerSec?: number;
  /** history-trimmed: notifications kept per away user when its history is trimmed. */
  keepHistory?: number;
  /**
   * Notifications kept per user stream for this run (default 1000): large payloads need a
   * shorter history to keep Redis memory sane, but it must still cover the slowest client's lag.
   */
  historyMaxLen?: number;
  /** Extra `npm run server` flags for the runs of this fault (e.g. a tighter SSE stall bound). */
  serverArgs?: string[];
}

/** One point of a sweep: overrides applied on top of the base params. */
export interface ScenarioStep {
  /** Short label for tables and chart ticks, e.g. "1000 clients", "0.1/s", "250 ms". */
  label: string;
  /** The swept parameter's value, in that parameter's unit (for the x axis). */
  value: number;
  overrides: Partial<ScenarioParams>;
}

export interface Scenario {
  /** kebab-case id, used on the CLI (`--scenario`) and in results. */
  id: string;
  /** One sentence: the question this scenario answers. */
  description: string;
  params: ScenarioParams;
  /** Present for sweeps (ramp, rate-sweep, interval-sweep). */
  sweep?: {
    /** The parameter the steps vary, e.g. "clients". */
    parameter: keyof ScenarioParams;
    /** Axis title with unit, e.g. "clients", "notifications per user per second". */
    axisTitle: string;
    steps: ScenarioStep[];
  };
  /** Present for capacity scenarios: the runs use autocannon, not simulated users. */
  capacity?: CapacitySpec;
  /** Present for fault scenarios: the fault injected into every run of the scenario. */
  fault?: FaultSpec;
  /**
   * false keeps the scenario out of the default suite (`npm run bench` without --scenario),
   * which must stay under ~10 minutes; it still runs with `--scenario <id>` or `--scenario all`.
   * Default true.
   */
  defaultSuite?: boolean;
  /**
   * Repetitions per step x strategy when `--repeat` is not given, full-size runs only
   * (`--quick` runs once). Default 1. Set where the scenario's headline figures are compared
   * between strategies and a single run's noise would hide the answer; the choice and the
   * variance it rests on are in docs/methodology.md, "Repetitions and intervals".
   */
  defaultRepeat?: number;
  /** Strategies this scenario applies to; default all three. */
  strategies?: readonly StrategyId[];
  /** The `--quick` form: seconds, few clients. Applied on top of params (and of every step). */
  quick: {
    params: Partial<ScenarioParams>;
    /** Optional replacement steps for sweeps (fewer, smaller). */
    steps?: ScenarioStep[];
    /** Overrides of the capacity spec for `--quick`. */
    capacity?: Partial<CapacitySpec>;
    /** Overrides of the fault spec for `--quick` (e.g. a shorter outage). */
    fault?: Partial<FaultSpec>;
  };
}
