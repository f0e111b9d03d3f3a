/**
 * The ONE table of conformance cases; servers/conformance.test.ts runs each against all three
 * servers. Split by theme only to keep files small; order matters little (each case uses fresh
 * user ids, and every case starts from a healthy server).
 */
import type { ConformanceCase } from "./case-context.ts";
import { contractCases } from "./cases-contract.ts";
import { deliveryCases } from "./cases-delivery.ts";
import { lifecycleCases } from "./cases-lifecycle.ts";
import { resetCases } from "./cases-reset.ts";

export const conformanceCases: ConformanceCase[] = [
  ...deliveryCases,
  ...contractCases,
  ...resetCases,
  ...lifecycleCases,
];
