/**
 * Fault kinds: the vocabulary shared by scenarios, the planner, --target, the fault registry
 * and the results schema. What a kind *is* (data the planner and --target read) lives here;
 * what it *does* (inject, whom it targets, what the run reads) lives in
 * src/faults/kinds/<kind>.ts. The recipe for a new kind is at the top of
 * src/faults/kinds/index.ts.
 */

/** The six faults the fault scenarios inject (see docs/methodology.md, "Faults"). */
export const FAULT_KINDS = [
  "server-restart",
  "instance-failover",
  "redis-blip",
  "reconnect-storm",
  "slow-consumer",
  "history-trimmed",
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/**
 * The FaultSpec fields only some kinds read, in the order they are checked. A kind that does
 * not list one in its `fields` must leave it out of its spec.
 */
export const KIND_FIELDS = ["clientShare", "slowReadBytesPerSec", "keepHistory"] as const;
export type KindField = (typeof KIND_FIELDS)[number];

/** How a kind-specific field is checked (src/plan/validate-fault.ts applies the rule). */
export type KindFieldRule =
  /** A share of the run's clients: a number in (0, 1] that targets at least one client. */
  | { type: "client-share" }
  /** A whole number >= min. */
  | { type: "whole"; min: number };

/** What the planner and --target need to know of a kind, as data. */
export interface FaultKindFacts {
  /**
   * "instant": the fault ends when the killed process is gone, so `durationMs` must be 0;
   * "lasting": `durationMs` > 0 is how long it lasts.
   */
  duration: "instant" | "lasting";
  /** The kind-specific FaultSpec fields it reads, each with its rule. */
  fields: Readonly<Partial<Record<KindField, KindFieldRule>>>;
  /** Fewest server instances it can run with (1 for all but a failover). */
  minInstances: number;
  /**
   * Why it cannot run against `--target`: it acts on our server processes or our Redis, which
   * an external server does not have. null when it acts on the clients only.
   */
  needsOwnServers: string | null;
}

const CLIENT_SHARE: KindFieldRule = { type: "client-share" };

/** One entry per kind: the compiler asks for a new kind's facts here. */
export const FAULT_KIND_FACTS: Readonly<Record<FaultKind, FaultKindFacts>> = {
  "server-restart": {
    duration: "instant",
    fields: {},
    minInstances: 1,
    needsOwnServers: "it kills and restarts our server process",
  },
  "instance-failover": {
    duration: "instant",
    fields: {},
    minInstances: 2,
    needsOwnServers: "it kills one of our server instances",
  },
  "redis-blip": {
    duration: "lasting",
    fields: {},
    minInstances: 1,
    needsOwnServers: "it stops our Redis",
  },
  "reconnect-storm": {
    duration: "lasting",
    fields: {},
    minInstances: 1,
    needsOwnServers: null,
  },
  "slow-consumer": {
    duration: "lasting",
    fields: { clientShare: CLIENT_SHARE, slowReadBytesPerSec: { type: "whole", min: 1 } },
    minInstances: 1,
    needsOwnServers: null,
  },
  "history-trimmed": {
    duration: "lasting",
    fields: { clientShare: CLIENT_SHARE, keepHistory: { type: "whole", min: 0 } },
    minInstances: 1,
    needsOwnServers: "it trims our Redis history",
  },
};
