/**
 * npm run report: re-render the report of a run directory, or compare two runs.
 *
 *   npm run report -- reports/<run>                     writes report.html, summary.md, charts/
 *   npm run report -- --compare <runA> <runB> [--out DIR]  writes comparison.html + .md
 *
 * Prints the path of the HTML it wrote. Bad input: one line on stderr, exit code 2.
 */
import { dirname, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseFlags } from "../src/cli/parse-flags.ts";
import { runCli } from "../src/cli/run-cli.ts";
import { UsageError } from "../src/cli/usage-error.ts";
import { writeComparison, writeReport } from "../src/report/write-report.ts";
import { readResults, resolveResultsPath } from "../src/results/read-results.ts";
import type { BenchResults } from "../src/results/schema.ts";
import { ResultsError } from "../src/results/validate-results.ts";

export { writeReport };

const USAGE = `Usage:
  npm run report -- <run-dir | results.json>
      Re-render a run: writes report.html, summary.md and charts/*.png + *.svg
      into the run directory and prints the path of report.html.
  npm run report -- --compare <runA> <runB> [--out DIR]
      Compare run B against run A (the baseline): writes comparison.html and
      comparison.md into DIR (default: runB's directory) and prints the HTML path.

Options:
  --compare    compare two runs instead of rendering one
  --out DIR    where to write the comparison (only with --compare)
  -h, --help   show this help
`;

const FLAGS = {
  help: { type: "boolean", short: "h" },
  compare: { type: "boolean" },
  out: { type: "string" },
} as const;

/** Reads a run, turning a bad or missing results file into a usage error (exit 2). */
async function load(path: string): Promise<{ results: BenchResults; dir: string }> {
  try {
    const file = await resolveResultsPath(path);
    return { results: await readResults(file), dir: dirname(file) };
  } catch (error) {
    if (error instanceof ResultsError) throw new UsageError(error.message);
    throw error;
  }
}

function show(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith("..") ? resolve(path) : rel;
}

async function main(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, FLAGS, { allowPositionals: true });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (values.compare) {
    if (positionals.length !== 2) {
      throw new UsageError(
        `--compare needs two runs, got ${positionals.length}; e.g. --compare reports/<runA> reports/<runB>.`,
      );
    }
    const [pathA = "", pathB = ""] = positionals;
    const a = await load(pathA);
    const b = await load(pathB);
    const outDir = values.out ?? b.dir;
    const { htmlPath } = await writeComparison(a.results, b.results, outDir, {
      a: pathA,
      b: pathB,
    });
    process.stdout.write(`${show(htmlPath)}\n`);
    return 0;
  }
  if (values.out !== undefined)
    throw new UsageError(
      "--out only applies with --compare; a run re-renders into its own directory.",
    );
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0
        ? "give the run directory to render, e.g. npm run report -- reports/<run> (see --help)."
        : `give one run directory, got ${positionals.length}; to compare two runs add --compare.`,
    );
  }
  const run = await load(positionals[0] ?? "");
  const { htmlPath } = await writeReport(run.dir, run.results);
  process.stdout.write(`${show(htmlPath)}\n`);
  return 0;
}

// Run only as a script, so `import { writeReport } from "./report.ts"` has no side effects.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runCli(() => main(process.argv.slice(2)), "report");
}
