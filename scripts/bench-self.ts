/**
 * npm run bench:self: the driver against a fixed endpoint beside autocannon, and our SSE
 * server against nginx + nchan under one raw probe, with the ratios (src/bench/self-bench/).
 * Run it on a quiet machine: nothing else, no tests.
 */

import {
  DEFAULT_SELF_BENCH,
  formatSelfBench,
  runSelfBench,
} from "../src/bench/self-bench/run-self-bench.ts";
import { runCli } from "../src/cli/run-cli.ts";
import { checkEnvSwitches } from "../src/util/env-switches.ts";
import { parseDurationMs, parseFlags, parseIntegerFlag } from "../src/util/parse-flags.ts";
import { UsageError } from "../src/util/usage-error.ts";

const USAGE = `Usage: npm run bench:self -- [options]

Measures the instrument against references on this machine, side by side:
the driver's short-polling clients vs autocannon on one fixed endpoint, and
our SSE server vs nginx + nchan (when installed) under the same raw probe.

  --clients N     driver clients, 100..10000 per driver process (default ${DEFAULT_SELF_BENCH.clients})
  --driver-workers N
                  hold the driver's clients in N processes, as npm run bench
                  -- --driver-workers N does (0..16, default 0: this process)
  --interval D    their poll interval, 10ms..10s (default ${DEFAULT_SELF_BENCH.intervalMs}ms)
  --duration D    each measurement's window, 1s..2m (default ${DEFAULT_SELF_BENCH.durationMs / 1000}s)
  --quick         1,000 clients, 2 s windows: a smoke test, not a measurement
  --json          print the result as JSON
  -h, --help      show this help
`;

const FLAGS = {
  help: { type: "boolean", short: "h" },
  clients: { type: "string" },
  "driver-workers": { type: "string" },
  interval: { type: "string" },
  duration: { type: "string" },
  quick: { type: "boolean" },
  json: { type: "boolean" },
} as const;

function within(value: number, flag: string, min: number, max: number, text: string): number {
  if (value < min || value > max) {
    throw new UsageError(`${flag} ${text} is out of range; give one from ${min} ms to ${max} ms.`);
  }
  return value;
}

async function main(argv: readonly string[]): Promise<number> {
  const { values } = parseFlags(argv, FLAGS);
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  checkEnvSwitches();
  const quick = values.quick ?? false;
  const driverWorkers =
    values["driver-workers"] === undefined
      ? 0
      : parseIntegerFlag(values["driver-workers"], "--driver-workers", 0, 16);
  const clients =
    values.clients === undefined
      ? quick
        ? 1_000
        : DEFAULT_SELF_BENCH.clients
      : parseIntegerFlag(values.clients, "--clients", 100, 10_000 * Math.max(1, driverWorkers));
  const intervalMs =
    values.interval === undefined
      ? DEFAULT_SELF_BENCH.intervalMs
      : within(
          parseDurationMs(values.interval, "--interval"),
          "--interval",
          10,
          10_000,
          values.interval,
        );
  const durationMs =
    values.duration === undefined
      ? quick
        ? 2_000
        : DEFAULT_SELF_BENCH.durationMs
      : within(
          parseDurationMs(values.duration, "--duration"),
          "--duration",
          1_000,
          120_000,
          values.duration,
        );
  const controller = new AbortController();
  process.once("SIGINT", () => controller.abort());
  const result = await runSelfBench({
    ...DEFAULT_SELF_BENCH,
    clients,
    driverWorkers,
    intervalMs,
    durationMs,
    signal: controller.signal,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(
    `${values.json ? JSON.stringify(result, null, 2) : formatSelfBench(result)}\n`,
  );
  return 0;
}

runCli(() => main(process.argv.slice(2)), "bench:self");
