/**
 * `--target`, `--target-strategy`, `--publish-url`: an external server to measure instead of
 * our own. Which placeholders each template needs follows from how the driver talks to it:
 * polling carries its cursor in the URL, SSE resumes with the Last-Event-ID header, WebSocket
 * may carry it in the URL (browsers cannot set headers on a WebSocket; `{cursor}` is the id of
 * the last message that had one, empty at first), and a publish is addressed to one user.
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
  /**
   * `--target-pid`: the target server's processes on this machine, sampled like our servers
   * (CPU, RSS, sockets); empty when not given (the server's cost is then not measured).
   */
  pids?: readonly number[];
  /**
   * `--target-cursor`: how its polling resumes: "url" (the answer's `cursor` into `{cursor}`) or
   * "headers" (Last-Modified / ETag, one notification per answer, as nchan's longpoll and
   * intervalpoll speak). Absent: "url".
   */
  cursorMode?: TargetCursorMode;
}

export type TargetCursorMode = "url" | "headers";
export const TARGET_CURSOR_MODES: readonly TargetCursorMode[] = ["url", "headers"];

/** An example subscribe template per strategy, on our own servers' routes (help and messages). */
export const SUBSCRIBE_EXAMPLES: Readonly<Record<StrategyId, string>> = {
  sse: "http://127.0.0.1:3000/api/notifications/{userId}/sse",
  "long-polling":
    "http://127.0.0.1:3000/api/notifications/{userId}/poll?after={cursor}&timeoutMs=25000",
  "short-polling": "http://127.0.0.1:3000/api/notifications/{userId}?after={cursor}",
  websocket: "ws://127.0.0.1:3000/api/notifications/{userId}/ws?after={cursor}",
};

export const PUBLISH_EXAMPLE = "http://127.0.0.1:3000/api/notifications/{userId}";

const POLLING_VARS: TemplateVarRules = { required: ["userId", "cursor"], optional: [] };
const SSE_VARS: TemplateVarRules = { required: ["userId"], optional: [] };
const WEBSOCKET_VARS: TemplateVarRules = { required: ["userId"], optional: ["cursor"] };
const PUBLISH_VARS: TemplateVarRules = { required: ["userId"], optional: [] };

/** The placeholders a subscribe template of `strategy` must (and may) contain. */
export function subscribeVarsFor(strategy: StrategyId): TemplateVarRules {
  if (strategy === "websocket") return WEBSOCKET_VARS;
  return strategy === "sse" ? SSE_VARS : POLLING_VARS;
}

/**
 * A WebSocket subscribe template: `ws://` (or `http://`, which WebSocket clients take as the
 * same), checked by the http:// rules; it expands to ws:// URLs. `wss://` is refused as https is.
 */
function parseWebSocketTemplate(text: string, example: string): UrlTemplate {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(text)?.[1]?.toLowerCase();
  if (scheme === "wss") {
    throw new UsageError(
      `--target '${text}' uses wss, which the bench does not support (it measures plain WebSocket; TLS would add its own cost); give the server's ws:// address, e.g. --target '${example}'.`,
    );
  }
  const asHttp = scheme === "ws" ? `http${text.slice(2)}` : text;
  let template: UrlTemplate;
  try {
    template = parseUrlTemplate(asHttp, "--target", WEBSOCKET_VARS, example);
  } catch (error) {
    if (!(error instanceof UsageError) || asHttp === text) throw error;
    throw new UsageError(
      error.message
        .replace(`'${asHttp}'`, `'${text}'`)
        .replace("an absolute http:// URL", "an absolute ws:// URL"),
    );
  }
  return {
    text,
    host: template.host,
    port: template.port,
    expand(values) {
      const url = template.expand(values);
      url.protocol = "ws:";
      return url;
    },
  };
}

/** Checks the three flag values (all given). Throws UsageError naming the flag and the fix. */
export function parseBenchTarget(input: {
  target: string;
  targetStrategy: string;
  publishUrl: string;
  /** `--target-cursor` as given; absent = "url". */
  targetCursor?: string;
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
  const cursorMode = parseCursorMode(input.targetCursor, strategy, input.target);
  return {
    strategy,
    subscribe:
      strategy === "websocket"
        ? parseWebSocketTemplate(input.target, example)
        : parseUrlTemplate(
            input.target,
            "--target",
            cursorMode === "headers" ? HEADER_CURSOR_VARS : subscribeVarsFor(strategy),
            example,
          ),
    publish: parseUrlTemplate(input.publishUrl, "--publish-url", PUBLISH_VARS, PUBLISH_EXAMPLE),
    ...(cursorMode === "headers" ? { cursorMode } : {}),
  };
}

/** A header-cursor template carries only the user: the cursor travels in the headers. */
const HEADER_CURSOR_VARS: TemplateVarRules = { required: ["userId"], optional: [] };

function parseCursorMode(
  text: string | undefined,
  strategy: StrategyId,
  target: string,
): TargetCursorMode {
  if (text === undefined) return "url";
  const mode = text.trim();
  if (!(TARGET_CURSOR_MODES as readonly string[]).includes(mode)) {
    throw new UsageError(
      `--target-cursor '${text}' is unknown; use url (the answer's cursor goes into {cursor}) or headers (Last-Modified / ETag, e.g. nchan's longpoll).`,
    );
  }
  if (mode === "headers" && strategy !== "short-polling" && strategy !== "long-polling") {
    throw new UsageError(
      `--target-cursor headers applies to polling targets only; --target-strategy ${strategy} resumes ${strategy === "sse" ? "with Last-Event-ID" : "with its own rules"}: drop --target-cursor.`,
    );
  }
  if (mode === "headers" && target.includes("{cursor}")) {
    throw new UsageError(
      `--target '${target}' may not contain {cursor} with --target-cursor headers: the cursor travels in If-Modified-Since / If-None-Match; remove it.`,
    );
  }
  return mode as TargetCursorMode;
}

/** What results.json records of the target (`method.target`). */
export function toResultsTarget(target: BenchTarget): ExternalTarget {
  return {
    strategy: target.strategy,
    subscribeUrl: target.subscribe.text,
    publishUrl: target.publish.text,
    ...((target.pids?.length ?? 0) > 0 ? { pids: [...(target.pids ?? [])] } : {}),
    ...(target.cursorMode === "headers" ? { cursorMode: "headers" as const } : {}),
  };
}
