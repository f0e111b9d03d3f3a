/**
 * Fault kinds: the vocabulary shared by scenarios, the fault registry (src/faults/kinds) and
 * the results schema. Each kind has one home in src/faults/kinds/<kind>.ts.
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
