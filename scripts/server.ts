/**
 * Runs one of the three servers under test.
 *   npm run server -- --strategy sse --port 3000 [--host 127.0.0.1] [--redis-url URL]
 *                     [--key-prefix pvp:] [--heartbeat-ms 15000]
 * Prints exactly one line on stdout once listening (the bench parses it):
 *   push-vs-poll <strategy> server listening on http://127.0.0.1:<port>
 */

import { createServer } from "../servers/http-shell.ts";
import { parseFlags, parseIntegerFlag } from "../src/cli/parse-flags.ts";
import { runCli } from "../src/cli/run-cli.ts";
import { UsageError } from "../src/cli/usage-error.ts";
import { openNotificationSource } from "../src/notifications/index.ts";
import { startRedis } from "../src/redis/managed-redis.ts";
import { isStrategyId, STRATEGIES } from "../src/strategies.ts";

const PROGRAM = "push-vs-poll server";

const FLAGS = {
  strategy: { type: "string" },
  port: { type: "string" },
  host: { type: "string" },
  "redis-url": { type: "string" },
  "key-prefix": { type: "string" },
  "heartbeat-ms": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

const HELP = `Usage: npm run server -- --strategy <id> --port <n> [options]

  --strategy <id>      ${STRATEGIES.join(" | ")} (required)
  --port <n>           TCP port, 0 = any free port (required)
  --host <addr>        address to bind (default 127.0.0.1)
  --redis-url <url>    Redis to use (default: $REDIS_URL, else a managed redis-server)
  --key-prefix <p>     prefix of every Redis key (default pvp:)
  --heartbeat-ms <n>   SSE heartbeat interval in ms (default 15000)
  -h, --help           show this help

Prints "push-vs-poll <strategy> server listening on <url>" once ready; SIGINT/SIGTERM shut down
gracefully (held polls answered, streams ended, Redis closed) and exit 0.
`;

async function main(): Promise<number> {
  const { values } = parseFlags(process.argv.slice(2), FLAGS);
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const strategy = values.strategy;
  if (strategy === undefined || !isStrategyId(strategy)) {
    throw new UsageError(
      `--strategy ${strategy === undefined ? "is required" : `'${strategy}' is unknown`}; ` +
        `give one of ${STRATEGIES.join(", ")}.`,
    );
  }
  if (values.port === undefined)
    throw new UsageError("--port is required; e.g. --port 3000 (0 = any free port).");
  const port = parseIntegerFlag(values.port, "--port", 0, 65_535);
  const heartbeatMs =
    values["heartbeat-ms"] === undefined
      ? undefined
      : parseIntegerFlag(values["heartbeat-ms"], "--heartbeat-ms", 1, 3_600_000);
  const keyPrefix = values["key-prefix"];
  if (keyPrefix !== undefined && /[\s]/.test(keyPrefix)) {
    throw new UsageError(`--key-prefix '${keyPrefix}' must not contain whitespace.`);
  }

  const redis = await startRedis({ redisUrl: values["redis-url"] });
  const source = await openNotificationSource({ redisUrl: redis.url, keyPrefix }).catch(
    async (error: unknown) => {
      await redis.stop();
      throw error;
    },
  );
  const server = createServer({ strategy, source, heartbeatMs });
  let url: string;
  try {
    url = await server.listen(port, values.host ?? "127.0.0.1");
  } catch (error) {
    await source.close();
    await redis.stop();
    throw new Error(`cannot listen on port ${port}: ${(error as Error).message}`);
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
