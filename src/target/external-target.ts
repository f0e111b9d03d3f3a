/**
 * `--target`, `--target-strategy`, `--publish-url`: an external server to measure instead of
 * our own. Which placeholders each template needs follows from how the driver talks to it:
 * polling carries its cursor in the URL, SSE resumes with the Last-Event-ID header, and a
 * publish is addressed to one user.
 */

import type { ExternalTarget } from "../model/results.ts";
import { isStrategyId, STRATEGIES, type StrategyId } from "../model/strategies.ts";
import { UsageError } from "../util/usage-error.ts";
import { parseUrlTemplate, type TemplateVarRules, type UrlTemplate } from "./url-template.ts";

export interface BenchTarget {
  strategy: StrategyId;
  /** Where clients subscribe (SSE) or poll. */
  subscribe: UrlTemplate;
  /** Where the driver POSTs each notification, JSON body passed through to the subscriber. */
  publish: UrlTemplate;
}

/** An example subscribe template per strategy, on our own servers' routes (help and messages). */
export const SUBSCRIBE_EXAMPLES: Readonly<Record<StrategyId, string>> = {
  sse: "http://127.0.0.1:3000/api/notifications/{userId}/sse",
  "long-polling":
    "http://127.0.0.1:3000/api/notifications/{userId}/poll?after={cursor}&timeoutMs=25000",
  "short-polling": "http://127.0.0.1:3000/api/notifications/{userId}?after={cursor}",
};

export const PUBLISH_EXAMPLE = "http://127.0.0.1:3000/api/notifications/{userId}";

const POLLING_VARS: TemplateVarRules = { required: ["userId", "cursor"], optional: [] };
const SSE_VARS: TemplateVarRules = { required: ["userId"], optional: [] };
const PUBLISH_VARS: TemplateVarRules = { required: ["userId"], optional: [] };

/** The placeholders a subscribe template of `strategy` must (and may) contain. */
export function subscribeVarsFor(strategy: StrategyId): TemplateVarRules {
  return strategy === "sse" ? SSE_VARS : POLLING_VARS;
}

/** Checks the three flag values (all given). Throws UsageError naming the flag and the fix. */
export function parseBenchTarget(input: {
  target: string;
  targetStrategy: string;
  publishUrl: string;
}): BenchTarget {
  const strategyText = input.targetStrategy.trim();
  if (!isStrategyId(strategyText)) {
    throw new UsageError(
      `--target-strategy: unknown strategy '${input.targetStrategy}'; use one of: ${STRATEGIES.join(", ")} (how the target delivers).`,
    );
  }
  const strategy = strategyText;
  const example = SUBSCRIBE_EXAMPLES[strategy];
  if (strategy === "sse" && input.target.includes("{cursor}")) {
    // A generic "not allowed" would leave the user wondering how SSE resumes, so say it.
    throw new UsageError(
      `--target '${input.target}' may not contain {cursor} with --target-strategy sse: an SSE client resumes with the Last-Event-ID header, not the URL; remove it, e.g. --target '${example}'.`,
    );
  }
  return {
    strategy,
    subscribe: parseUrlTemplate(input.target, "--target", subscribeVarsFor(strategy), example),
    publish: parseUrlTemplate(input.publishUrl, "--publish-url", PUBLISH_VARS, PUBLISH_EXAMPLE),
  };
}

/** What results.json records of the target (`method.target`). */
export function toResultsTarget(target: BenchTarget): ExternalTarget {
  return {
    strategy: target.strategy,
    subscribeUrl: target.subscribe.text,
    publishUrl: target.publish.text,
  };
}
