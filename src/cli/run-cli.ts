/**
 * Runs a CLI entry point: a UsageError becomes one line on stderr and exit code 2; any other
 * error becomes one line (its message) and exit code 1, with the stack only under DEBUG=1.
 */
import { USAGE_EXIT_CODE, UsageError } from "../util/usage-error.ts";

export function runCli(main: () => Promise<number | undefined>, programName: string): void {
  main().then(
    (code) => {
      process.exitCode = code ?? 0;
    },
    (error: unknown) => {
      if (error instanceof UsageError) {
        process.stderr.write(`${programName}: ${error.message}\n`);
        process.exitCode = USAGE_EXIT_CODE;
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      process.stderr.write(`${programName}: ${message}\n`);
      if (process.env.DEBUG === "1" && error instanceof Error)
        process.stderr.write(`${error.stack}\n`);
      process.exitCode = 1;
    },
  );
}
