/**
 * The delivery path of each planned run: the CLI's (`--proxy`, `--tls`, `--http2`, ...) on top
 * of the direct path, then the scenario's own `delivery.path`, then each of its variants, each
 * variant one step of runs per strategy. A scenario's own fields win over the CLI's for the
 * fields they name (they are what the scenario is about), and a flag they override is said.
 */
import {
  type DeliveryPath,
  DIRECT_PATH,
  deliveryPathProblem,
  describeDeliveryPath,
} from "../model/delivery-path.ts";
import type { Scenario } from "../model/scenario.ts";
import { UsageError } from "../util/usage-error.ts";

export interface DeliveryStep {
  /** A variant as a run's step; null when the scenario has no variants. */
  step: { parameter: string; label: string; value: number } | null;
  path: DeliveryPath;
  warnings: string[];
}

/** The step parameter name variants are recorded under in the results. */
export const DELIVERY_STEP_PARAMETER = "delivery path";

export function deliveryStepsFor(
  scenario: Scenario,
  cli: Partial<DeliveryPath> | undefined,
): DeliveryStep[] {
  const own = scenario.delivery;
  const variants = own?.variants;
  if (variants && scenario.sweep) {
    throw new UsageError(
      `scenario '${scenario.id}': delivery.variants cannot be combined with a sweep; make the variants the scenario's steps, or split it.`,
    );
  }
  const list = variants ?? [null];
  return list.map((variant, i) => {
    const ownFields = { ...own?.path, ...variant?.path };
    const warnings: string[] = [];
    for (const [key, value] of Object.entries(cli ?? {})) {
      const theirs = ownFields[key as keyof DeliveryPath];
      if (theirs !== undefined && theirs !== value) {
        warnings.push(
          `scenario '${scenario.id}' sets ${key} = ${String(theirs)} itself${variant ? ` (variant '${variant.label}')` : ""}; the command line's ${String(value)} was not applied.`,
        );
      }
    }
    let path: DeliveryPath = { ...DIRECT_PATH, ...cli, ...ownFields };
    const problem = deliveryPathProblem(path);
    if (problem !== null) {
      throw new UsageError(
        `scenario '${scenario.id}'${variant ? ` variant '${variant.label}'` : ""}: ${problem}.`,
      );
    }
    if (scenario.capacity && path.proxy !== "none") {
      // autocannon drives the servers' routes itself; a proxy in between is not what it measures.
      warnings.push(
        `scenario '${scenario.id}' is a capacity scenario (autocannon straight at the servers): --proxy, --tls and --http2 do not apply; it ran direct.`,
      );
      path = { ...DIRECT_PATH };
    }
    return {
      step: variant
        ? { parameter: DELIVERY_STEP_PARAMETER, label: variant.label, value: i + 1 }
        : null,
      path,
      warnings,
    };
  });
}

export { describeDeliveryPath };
