/**
 * Reads and validates a results file. Accepts a run directory (reads its results.json) or the
 * file itself, so `npm run report -- reports/<run>` and `.../results.json` both work.
 */
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import type { BenchResults } from "../model/results.ts";
import { ResultsError, validateResults } from "./validate-results.ts";

/** The file name a bench run writes its results to, inside the run directory. */
export const RESULTS_FILE_NAME = "results.json";

/**
 * Resolves a run directory or results file to the results file path.
 * @throws ResultsError when nothing is there.
 */
export async function resolveResultsPath(pathToRunDirOrFile: string): Promise<string> {
  const info = await stat(pathToRunDirOrFile).catch(() => null);
  if (info === null) {
    throw new ResultsError(
      `${pathToRunDirOrFile} does not exist; give a run directory under reports/ or a ${RESULTS_FILE_NAME} file.`,
    );
  }
  if (!info.isDirectory()) return pathToRunDirOrFile;
  const file = join(pathToRunDirOrFile, RESULTS_FILE_NAME);
  const fileInfo = await stat(file).catch(() => null);
  if (fileInfo === null || !fileInfo.isFile()) {
    throw new ResultsError(
      `${pathToRunDirOrFile} has no ${RESULTS_FILE_NAME}; give a run directory written by npm run bench.`,
    );
  }
  return file;
}

/**
 * Reads `pathToRunDirOrFile` (a run directory or a results.json) and validates it.
 * @throws ResultsError with one readable line: missing file, invalid JSON, or the schema path at fault.
 */
export async function readResults(pathToRunDirOrFile: string): Promise<BenchResults> {
  const file = await resolveResultsPath(pathToRunDirOrFile);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new ResultsError(`${file} could not be read (${reason}).`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ResultsError(
      `${file} is not valid JSON (${reason}); re-run npm run bench to write it again.`,
    );
  }
  try {
    return validateResults(json);
  } catch (error) {
    if (error instanceof ResultsError) throw new ResultsError(`${file}: ${error.message}`);
    throw error;
  }
}
