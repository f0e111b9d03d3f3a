/**
 * npm run report: re-render the report of a run directory, or compare two runs.
 *
 *   npm run report -- reports/<run>                     writes report.html, summary.md, charts/
 *   npm run report -- --compare <runA> <runB> [--out DIR]  writes comparison.html + .md
 *   npm run report -- --k6 <summary.json>... [--strategy ID] [--scenario ID] [--out DIR]
 *                                                       imports k6 summaries, writes a report
 *
 * Prints the path of the HTML it wrote. Bad input: one line on stderr, exit code 2.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { selectRun } from "../scenarios/k6/lib/scenario-file.ts";
import { runCli } from "../src/cli/run-cli.ts";
import { parseTargetUsers } from "../src/cli/target-users-flag.ts";
import {
  type ImportK6Options,
  importK6Summary,
  K6SummaryError,
  mergeImportedResults,
} from "../src/k6/import-k6-summary.ts";
import type { BenchResults } from "../src/model/results.ts";
import { isStrategyId, STRATEGIES } from "../src/model/strategies.ts";
import { writeComparison, writeReport } from "../src/report/index.ts";
import { readResults, resolveResultsPath } from "../src/results/read-results.ts";
import { ResultsError } from "../src/results/validate-results.ts";
import { parseFlags } from "../src/util/parse-flags.ts";
import { UsageError } from "../src/util/usage-error.ts";
import { buildScenarioFile } from "./export-scenarios.ts";

export { writeReport };

const USAGE = `Usage:
  npm run report -- <run-dir | results.json> [--target-users N]
      Re-render a run: writes report.html, summary.md and charts/*.png + *.svg
      into the run directory and prints the path of report.html. --target-users
      re-estimates "At N users" in the answer section (results.json is unchanged).
  npm run report -- --compare <runA> <runB> [--out DIR]
      Compare run B against run A (the baseline): writes comparison.html and
      comparison.md into DIR (default: runB's directory) and prints the HTML path.
  npm run report -- --k6 <summary.json>... [--strategy ID] [--scenario ID] [--out DIR]
      Import k6 end-of-test summaries (written by scenarios/k6/*.ts) into one
      results.json and render its report into DIR (default: the first summary's
      directory). Summaries from those scripts say their strategy, scenario and
      params; --strategy / --scenario are for summaries that do not (params then
      come from the scenario's first step). See docs/distributed.md.

Options:
  --compare        compare two runs instead of rendering one
  --k6             import k6 summaries instead of rendering a run
  --strategy ID    with --k6: ${STRATEGIES.join(", ")}
  --scenario ID    with --k6: the scenario the summaries ran
  --out DIR        where to write (only with --compare or --k6)
  --target-users N the user count of the scale estimate (200000, 200k, 1.5M)
  -h, --help       show this help
`;

const FLAGS = {
  help: { type: "boolean", short: "h" },
  compare: { type: "boolean" },
  k6: { type: "boolean" },
  strategy: { type: "string" },
  scenario: { type: "string" },
  out: { type: "string" },
  "target-users": { type: "string" },
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

/** Reads one k6 summary file and imports it; bad input becomes a usage error (exit 2). */
async function importSummary(
  path: string,
  flags: { strategy?: string; scenario?: string },
): Promise<BenchResults> {
  let summary: unknown;
  try {
    summary = JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    const reason = error instanceof SyntaxError ? "is not JSON" : "cannot be read";
    throw new UsageError(`k6 summary ${path} ${reason}: ${(error as Error).message}`);
  }
  // --strategy / --scenario fill in what setup_data lacks; they never relabel a summary that
  // says what it ran (its params would then describe another workload).
  const setup = (summary as { setup_data?: Record<string, unknown> } | null)?.setup_data ?? {};
  const options: ImportK6Options = { argv: ["k6 run", `(imported from ${path})`] };
  if (flags.strategy !== undefined && !isStrategyId(flags.strategy)) {
    throw new UsageError(
      `--strategy '${flags.strategy}' is unknown; use one of: ${STRATEGIES.join(", ")}.`,
    );
  }
  if (flags.strategy !== undefined && setup.strategy === undefined) {
    options.strategy = flags.strategy;
  }
  if (flags.scenario !== undefined && setup.scenario === undefined) {
    options.scenario = flags.scenario;
    if (setup.params === undefined) {
      try {
        const run = selectRun(buildScenarioFile(false), flags.scenario, undefined);
        options.params = run.params;
        options.step = run.step;
      } catch (error) {
        throw new UsageError(`--scenario: ${(error as Error).message}`);
      }
    }
  }
  try {
    return importK6Summary(summary, options);
  } catch (error) {
    if (error instanceof K6SummaryError) throw new UsageError(`${path}: ${error.message}`);
    throw error;
  }
}

async function mainK6(
  paths: readonly string[],
  values: { strategy?: string; scenario?: string; out?: string },
): Promise<number> {
  if (paths.length === 0) {
    throw new UsageError(
      "--k6 needs at least one summary file, e.g. --k6 summary.json (see docs/distributed.md).",
    );
  }
  const imported: BenchResults[] = [];
  for (const path of paths) imported.push(await importSummary(path, values));
  const results = mergeImportedResults(imported);
  const outDir = values.out ?? dirname(paths[0] ?? ".");
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, "results.json"), `${JSON.stringify(results, null, 2)}\n`);
  const { htmlPath } = await writeReport(outDir, results);
  process.stdout.write(`${show(htmlPath)}\n`);
  return 0;
}

async function main(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, FLAGS, { allowPositionals: true });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (values["target-users"] !== undefined && (values.compare || values.k6)) {
    throw new UsageError(
      "--target-users applies when rendering one run, not with --compare or --k6.",
    );
  }
  if (values.k6) {
    if (values.compare) throw new UsageError("--k6 and --compare do not combine; give one.");
    return mainK6(positionals, values);
  }
  if (values.strategy !== undefined || values.scenario !== undefined) {
    throw new UsageError("--strategy and --scenario only apply with --k6.");
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
      "--out only applies with --compare or --k6; a run re-renders into its own directory.",
    );
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0
        ? "give the run directory to render, e.g. npm run report -- reports/<run> (see --help)."
        : `give one run directory, got ${positionals.length}; to compare two runs add --compare.`,
    );
  }
  const run = await load(positionals[0] ?? "");
  const targetUsers = values["target-users"];
  // only the rendering changes: the results file keeps what the bench recorded
  const results =
    targetUsers === undefined
      ? run.results
      : {
          ...run.results,
          method: { ...run.results.method, targetUsers: parseTargetUsers(targetUsers) },
        };
  const { htmlPath } = await writeReport(run.dir, results);
  process.stdout.write(`${show(htmlPath)}\n`);
  return 0;
}

// Run only as a script, so `import { writeReport } from "./report.ts"` has no side effects.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runCli(() => main(process.argv.slice(2)), "report");
}
