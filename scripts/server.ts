/**
 * Runs one of the three servers under test.
 *   npm run server -- --strategy sse --port 3000 [--host 127.0.0.1] [--redis-url URL]
 *                     [--key-prefix pvp:] [--heartbeat-ms 15000] [limits: see --help]
 * Prints exactly one line on stdout once listening (the bench parses it):
 *   push-vs-poll <strategy> server listening on http://127.0.0.1:<port>
 */

import { createServer } from "../servers/http-shell.ts";
import { parseServerOptions, SERVER_HELP } from "../servers/server-options.ts";
import { runCli } from "../src/cli/run-cli.ts";
import { openNotificationSource } from "../src/notifications/index.ts";
import { startRedis } from "../src/redis/managed-redis.ts";

const PROGRAM = "push-vs-poll server";

async function main(): Promise<number> {
  const options = parseServerOptions(process.argv.slice(2));
  const { strategy, port } = options;
  if (options.help || strategy === undefined || port === undefined) {
    process.stdout.write(SERVER_HELP);
    return 0;
  }

  const redis = await startRedis({ redisUrl: options.redisUrl });
  const source = await openNotificationSource({
    redisUrl: redis.url,
    keyPrefix: options.keyPrefix,
    historyMaxLen: options.historyMaxLen,
  }).catch(async (error: unknown) => {
    await redis.stop();
    throw error;
  });
  // Whatever fails from here on must release Redis and the source, or the process would
  // linger with open handles instead of exiting with its error.
  let server: ReturnType<typeof createServer>;
  let url: string;
  try {
    server = createServer({
      strategy,
      source,
      heartbeatMs: options.heartbeatMs,
      sseMaxBufferedBytes: options.sseMaxBufferedBytes,
      sseMaxStallMs: options.sseMaxStallMs,
      maxConnections: options.maxConnections,
      adminConnections: options.adminConnections,
      maxDeliveryPerUser: options.maxDeliveryPerUser,
      maxHeaderSize: options.maxHeaderSize,
      headersTimeoutMs: options.headersTimeoutMs,
      requestTimeoutMs: options.requestTimeoutMs,
    });
    url = await server.listen(port, options.host).catch((error: unknown) => {
      throw new Error(`cannot listen on port ${port}: ${(error as Error).message}`);
    });
  } catch (error) {
    await source.close();
    await redis.stop();
    throw error;
  }
  process.stdout.write(`push-vs-poll ${strategy} server listening on ${url}\n`);

  await new Promise<void>((resolve) => {
    process.once("SIGINT", () => resolve());
    process.once("SIGTERM", () => resolve());
  });
  await server.close();
  await source.close();
  await redis.stop();
  return 0;
}

runCli(main, PROGRAM);
