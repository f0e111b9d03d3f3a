import { describe, expect, it } from "vitest";
import { STRATEGIES } from "../model/strategies.ts";
import { usageErrorOf } from "../util/test-support/thrown.ts";
import {
  PUBLISH_EXAMPLE,
  parseBenchTarget,
  SUBSCRIBE_EXAMPLES,
  toResultsTarget,
} from "./external-target.ts";

const PUBLISH = "http://127.0.0.1:3000/api/notifications/{userId}";

const errorOf = (input: Parameters<typeof parseBenchTarget>[0]): string =>
  usageErrorOf(() => parseBenchTarget(input), input.target);

describe("parseBenchTarget", () => {
  it("accepts each strategy's example, and records the templates as given", () => {
    for (const strategy of STRATEGIES) {
      const target = parseBenchTarget({
        target: SUBSCRIBE_EXAMPLES[strategy],
        targetStrategy: ` ${strategy} `,
        publishUrl: PUBLISH_EXAMPLE,
      });
      expect(target.strategy).toBe(strategy);
      expect(target.subscribe).toMatchObject({ host: "127.0.0.1", port: 3000 });
      expect(toResultsTarget(target)).toEqual({
        strategy,
        subscribeUrl: SUBSCRIBE_EXAMPLES[strategy],
        publishUrl: PUBLISH_EXAMPLE,
      });
    }
  });

  it("websocket templates: ws:// (or http://), {cursor} optional, expanded as ws://; wss refused", () => {
    const target = parseBenchTarget({
      target: "ws://127.0.0.1:3000/api/notifications/{userId}/ws?after={cursor}",
      targetStrategy: "websocket",
      publishUrl: PUBLISH,
    });
    expect(target.subscribe.text).toBe(
      "ws://127.0.0.1:3000/api/notifications/{userId}/ws?after={cursor}",
    );
    expect(target.subscribe.expand({ userId: "user 1", cursor: "" }).href).toBe(
      "ws://127.0.0.1:3000/api/notifications/user%201/ws?after=",
    );
    const plain = parseBenchTarget({
      target: "http://127.0.0.1:4000/socket/{userId}",
      targetStrategy: "websocket",
      publishUrl: PUBLISH,
    });
    expect(plain.subscribe).toMatchObject({ host: "127.0.0.1", port: 4000 });
    expect(plain.subscribe.expand({ userId: "u", cursor: "1-0" }).href).toBe(
      "ws://127.0.0.1:4000/socket/u",
    );
    expect(
      errorOf({
        target: "wss://127.0.0.1:3000/api/notifications/{userId}/ws",
        targetStrategy: "websocket",
        publishUrl: PUBLISH,
      }),
    ).toMatch(
      /^--target 'wss:\/\/127\.0\.0\.1:3000\/api\/notifications\/\{userId\}\/ws' uses wss, .* give the server's ws:\/\/ address/,
    );
    // A message about the template quotes it as given, not as rewritten for checking.
    expect(
      errorOf({
        target: "ws://127.0.0.1:3000/api/notifications/ws",
        targetStrategy: "websocket",
        publishUrl: PUBLISH,
      }),
    ).toMatch(/^--target 'ws:\/\/127\.0\.0\.1:3000\/api\/notifications\/ws' has no \{userId\}/);
  });

  it("polling templates need {cursor}; the expanded URL carries it", () => {
    const target = parseBenchTarget({
      target:
        "http://127.0.0.1:3000/api/notifications/{userId}/poll?after={cursor}&timeoutMs=25000",
      targetStrategy: "long-polling",
      publishUrl: PUBLISH,
    });
    expect(target.subscribe.expand({ userId: "user-1", cursor: "" }).href).toBe(
      "http://127.0.0.1:3000/api/notifications/user-1/poll?after=&timeoutMs=25000",
    );
    expect(
      errorOf({
        target: "http://127.0.0.1:3000/api/notifications/{userId}",
        targetStrategy: "short-polling",
        publishUrl: PUBLISH,
      }),
    ).toBe(
      `--target 'http://127.0.0.1:3000/api/notifications/{userId}' has no {cursor}; the driver needs {userId} and {cursor} in the URL, e.g. '${SUBSCRIBE_EXAMPLES["short-polling"]}'.`,
    );
  });

  it("SSE templates may not carry {cursor}, and the message says why", () => {
    expect(
      errorOf({
        target: "http://127.0.0.1:3000/s/{userId}?after={cursor}",
        targetStrategy: "sse",
        publishUrl: PUBLISH,
      }),
    ).toBe(
      `--target 'http://127.0.0.1:3000/s/{userId}?after={cursor}' may not contain {cursor} with --target-strategy sse: an SSE client resumes with the Last-Event-ID header, not the URL; remove it, e.g. --target '${SUBSCRIBE_EXAMPLES.sse}'.`,
    );
  });

  it("names --publish-url and --target-strategy in their own errors", () => {
    expect(
      errorOf({
        target: SUBSCRIBE_EXAMPLES.sse,
        targetStrategy: "sse",
        publishUrl: "http://127.0.0.1:3000/api/notifications",
      }),
    ).toMatch(/^--publish-url 'http:\/\/127\.0\.0\.1:3000\/api\/notifications' has no \{userId\}/);
    expect(
      errorOf({
        target: SUBSCRIBE_EXAMPLES.sse,
        targetStrategy: "sse",
        publishUrl: `${PUBLISH}?c={cursor}`,
      }),
    ).toMatch(/^--publish-url '.*' may not contain \{cursor\}/);
    expect(
      errorOf({ target: SUBSCRIBE_EXAMPLES.sse, targetStrategy: "grpc", publishUrl: PUBLISH }),
    ).toBe(
      "--target-strategy: unknown strategy 'grpc'; use one of: short-polling, long-polling, sse, websocket (how the target delivers).",
    );
  });
});
