/**
 * `npm run bench`: runs the scenarios against the strategies, writes
 * reports/<timestamp>/results.json and the report, prints a summary table.
 * Ctrl-C stops the current run, its server process and the managed Redis, then exits 130.
 */
import path from "node:path";
import { planBench, runBench } from "../src/bench/run-bench.ts";
import { describeSampling } from "../src/bench/sampling.ts";
import { formatSummaryTable } from "../src/bench/summary-table.ts";
import { BENCH_HELP, parseBenchOptions } from "../src/cli/bench-options.ts";
import { runCli } from "../src/cli/run-cli.ts";
import {
  checkExternalTarget,
  checkPlanBounds,
  checkTarget,
  formatPlan,
} from "../src/plan/safety.ts";
import { renderAnswerText, writeReport } from "../src/report/index.ts";
import { checkEnvSwitches } from "../src/util/env-switches.ts";
import { createProgress } from "../src/util/progress.ts";

runCli(async () => {
  const argv = process.argv.slice(2);
  const options = parseBenchOptions(argv);
  if (options.help) {
    process.stdout.write(`${BENCH_HELP}\n`);
    return 0;
  }
  checkEnvSwitches();
  // Refuse an unsafe plan or target before anything starts; then show what will run.
  const plan = planBench(options);
  checkPlanBounds(plan.runs, {
    driverWorkers: options.driverWorkers,
    external: options.target !== null,
  });
  const redisUrl = options.redisUrl ?? process.env.REDIS_URL;
  if (redisUrl !== undefined && !options.target) await checkTarget(redisUrl, options.allowRemote);
  if (options.target) await checkExternalTarget(options.target, options.allowRemote);
  process.stderr.write(`${formatPlan(plan.runs)}\n`);
  if (options.dryRun) {
    if (options.untilConfident) {
      // Only the first round is known before the load: the rest depends on what it measures.
      process.stderr.write(
        `the plan above is the first round; ${describeSampling(options.untilConfident, options.untilConfident.minRepeat)}\n`,
      );
    }
    for (const warning of plan.warnings) process.stderr.write(`warning: ${warning}\n`);
    process.stderr.write("dry run: nothing started.\n");
    return 0;
  }
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    interrupts += 1;
    if (interrupts > 1) process.exit(130);
    process.stderr.write(
      `\n${signal}: stopping the current run and cleaning up (again to force)\n`,
    );
    controller.abort(new Error(`interrupted by ${signal}`));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  const progress = createProgress(process.stderr);
  try {
    const outcome = await runBench(options, argv, progress, controller.signal, plan);
    progress.done();
    const report = await writeReport(outcome.runDir, outcome.results);
    if (options.json) {
      process.stdout.write(`${JSON.stringify(outcome.results, null, 2)}\n`);
    } else {
      const answer = renderAnswerText(outcome.results);
      if (answer.length > 0) process.stdout.write(`\n${answer.join("\n")}\n`);
      process.stdout.write(`\n${formatSummaryTable(outcome.results)}\n\n`);
      process.stdout.write(`results: ${path.relative(process.cwd(), outcome.resultsPath)}\n`);
      process.stdout.write(`report:  ${path.relative(process.cwd(), report.htmlPath)}\n`);
    }
    const invalid = outcome.results.runs.filter((run) => !run.valid).length;
    if (invalid > 0) process.stderr.write(`${invalid} run(s) invalid: see the reasons above.\n`);
    return 0;
  } catch (error) {
    progress.done();
    if (controller.signal.aborted) {
      process.stderr.write("bench interrupted; no results written.\n");
      return 130;
    }
    throw error;
  }
}, "bench");
