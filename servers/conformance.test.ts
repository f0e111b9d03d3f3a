/**
 * Conformance: ONE table of cases, each run against all three servers over real HTTP (port 0)
 * and a real Redis (startRedis(): a spawned redis-server, or REDIS_URL). No mocks. Cases assert
 * behaviour (what arrives, exactly once, in order, with which status), never speed.
 */
import { afterAll, beforeAll, beforeEach, describe, it } from "vitest";
import { STRATEGIES, type StrategyId } from "../src/model/strategies.ts";
import { type NotificationSource, openNotificationSource } from "../src/notifications/index.ts";
import { type RedisHandle, startRedis } from "../src/redis/managed-redis.ts";
import { createServer, type PushVsPollServer } from "./http-shell.ts";
import { type CaseContext, waitUntil } from "./test-support/case-context.ts";
import { conformanceCases } from "./test-support/conformance-cases.ts";
import { type DeliveryClient, deliveryClient } from "./test-support/delivery-clients.ts";

let redis: RedisHandle;
const logs: string[] = [];
// Decided when the table is built (before Redis starts): restart needs a Redis we spawned.
const managedRedis = !process.env.REDIS_URL;

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

describe.each(STRATEGIES)("%s server", (strategy) => {
  let source: NotificationSource;
  let server: PushVsPollServer;
  let baseUrl: string;
  let client: DeliveryClient;
  const extraServers: PushVsPollServer[] = [];
  const extraSources: NotificationSource[] = [];
  let userCounter = 0;

  beforeAll(async () => {
    source = await openNotificationSource({ redisUrl: redis.url, keyPrefix: `test:${strategy}:` });
    // The race case opens 100 deliveries of one user: lift the per-user cap (limits.test.ts covers it).
    server = createServer({
      strategy,
      source,
      heartbeatMs: 200,
      maxDeliveryPerUser: 1000,
      log: (l) => logs.push(l),
    });
    baseUrl = await server.listen(0);
    client = deliveryClient(strategy, baseUrl);
  });
  afterAll(async () => {
    await Promise.all(extraServers.map((s) => s.close()));
    await Promise.all(extraSources.map((s) => s.close()));
    await server.close();
    await source.close();
  });
  // A previous case may have restarted Redis: start every case from a healthy server.
  beforeEach(async () => {
    await waitUntil(async () => (await fetch(`${baseUrl}/healthz`)).status === 200, "healthz 200");
  });

  const context = (): CaseContext => ({
    strategy,
    baseUrl,
    source,
    redis,
    client,
    logs,
    userId: (name) => `${strategy}-${name}-${++userCounter}`,
    publish: (userId, title = "hello") => source.publish(userId, { title, message: `m-${title}` }),
    async startExtraServer(options = {}) {
      const extraSource = await openNotificationSource({
        redisUrl: redis.url,
        keyPrefix: `test:${strategy}:`,
      });
      extraSources.push(extraSource);
      const extra = createServer({
        strategy,
        source: extraSource,
        log: (l) => logs.push(l),
        ...options,
      });
      extraServers.push(extra);
      return { url: await extra.listen(0), server: extra };
    },
  });

  for (const testCase of conformanceCases) {
    const applies = testCase.only === undefined || testCase.only.includes(strategy as StrategyId);
    const needsRestart = testCase.needsManagedRedis === true;
    it.skipIf(!applies || (needsRestart && !managedRedis))(testCase.name, async () => {
      await testCase.run(context());
    });
  }
});
