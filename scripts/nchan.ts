/**
 * npm run nchan: starts nginx with the nchan module as a reference target (see
 * src/target/nchan-config.ts) on a loopback port and prints the --target flags that measure
 * it. Runs until Ctrl-C; its config and logs live in a temporary directory removed on exit.
 *
 *   npm run nchan -- [--port N] [--workers N]
 */
import { runCli } from "../src/cli/run-cli.ts";
import { nchanUrls } from "../src/target/nchan-config.ts";
import { NO_NCHAN_REASON, startNchan } from "../src/target/nchan-server.ts";
import { parseFlags, parseIntegerFlag } from "../src/util/parse-flags.ts";
import { UsageError } from "../src/util/usage-error.ts";

const USAGE = `Usage: npm run nchan -- [--port N] [--workers N]

Starts nginx + nchan (a C pub/sub server: SSE, long polling, interval polling) on
127.0.0.1 as a reference to measure our servers against with the same driver, and
prints the npm run bench flags for it. Ctrl-C stops it.

  --port N      TCP port (default: a free one)
  --workers N   nginx worker processes, 1..8 (default 1, like one Node server process)
  -h, --help    show this help

Needs Debian's nginx-light and libnginx-mod-nchan (npm run setup installs them).
`;

const FLAGS = {
  help: { type: "boolean", short: "h" },
  port: { type: "string" },
  workers: { type: "string" },
} as const;

async function main(argv: readonly string[]): Promise<number> {
  const { values } = parseFlags(argv, FLAGS);
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const port =
    values.port === undefined ? undefined : parseIntegerFlag(values.port, "--port", 1, 65_535);
  const workers =
    values.workers === undefined ? 1 : parseIntegerFlag(values.workers, "--workers", 1, 8);
  const nchan = await startNchan({
    ...(port === undefined ? {} : { port }),
    workers,
    stdio: "inherit",
  }).catch((error: Error) => {
    throw new UsageError(
      error.message === NO_NCHAN_REASON
        ? `${NO_NCHAN_REASON}, then run this again.`
        : error.message,
    );
  });
  const urls = nchanUrls(nchan.port);
  process.stdout.write(
    [
      `nchan listening on http://127.0.0.1:${nchan.port} (nginx pids ${nchan.pids.join(",")}; Ctrl-C stops it)`,
      "measure it with, e.g.:",
      `  npm run bench -- --scenario steady --target-strategy sse --target '${urls.sse}' --publish-url '${urls.publish}' --target-pid ${nchan.pids.join(",")}`,
      // its polling resumes by Last-Modified / ETag, one message per answer
      `  npm run bench -- --scenario steady --target-strategy long-polling --target '${urls.longPolling}' --target-cursor headers --publish-url '${urls.publish}' --target-pid ${nchan.pids.join(",")}`,
      `  (interval polling: --target-strategy short-polling --target '${urls.shortPolling}' --target-cursor headers)`,
      "",
    ].join("\n"),
  );
  const stop = () => void nchan.stop();
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  return (await nchan.exited) ?? 0;
}

runCli(() => main(process.argv.slice(2)), "nchan");
