/**
 * The processes the bench measures (our servers, the driver workers, the self-bench's helper
 * servers) run as plain JavaScript, compiled from their TypeScript entry once per bench process,
 * not through tsx's loader.
 *
 * Why: tsx transpiles with esbuild's `keepNames`, which wraps every function and class in a
 * `__name(fn, "name")` call. Each closure a connection creates then costs 256 B instead of
 * 105 B: a driver process holding SSE streams carried ~8.7 KiB of its 22.9 KiB of heap per
 * stream in that wrapping alone, and our servers ran through the same loader
 * (docs/methodology.md, "What the measured processes run"). That is our loader's cost, not the
 * strategy's; a production server runs compiled JavaScript. Loading compiled code also skips
 * tsx's per-file transpile at every server start (49 starts in the default suite).
 *
 * The bundle holds our code only (`packages: "external"`: express, ioredis and the rest load
 * from node_modules as in production) and is written under node_modules/.cache, named by a hash
 * of its content, so concurrent processes (vitest's workers, a bench beside a test run) never
 * overwrite each other's file, and an edited source gets a new file instead of a stale one.
 * A linked source map is written beside it: `NODE_OPTIONS=--enable-source-maps` turns a
 * server's stack trace back into TypeScript lines.
 */
import { createHash } from "node:crypto";
import { mkdir, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { loaderMode } from "./env-switches.ts";

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Where the compiled entries go (node_modules/.cache is the conventional tool cache). */
export const COMPILED_DIR = path.join(PROJECT_ROOT, "node_modules/.cache/push-vs-poll/compiled");

/** Compiled files older than this are removed when another one is written (edits pile up). */
const PRUNE_AGE_MS = 24 * 3_600_000;

const compiled = new Map<string, Promise<string>>();

/**
 * The arguments of `node` that run `entry`: its compiled file, or, with
 * `PVP_LOADER=tsx` in the environment, the TypeScript source through tsx (to compare the two
 * loaders, or to debug a server from its source lines).
 */
export async function nodeArgsFor(entry: string): Promise<string[]> {
  if (loaderMode() === "tsx") return ["--import", "tsx", path.resolve(PROJECT_ROOT, entry)];
  return [await compiledScript(entry)];
}

/**
 * The path of `entry` (a .ts file, absolute or relative to the project root) compiled to one
 * ESM file, built on the first call in this process and reused after that. Throws an Error naming
 * the entry and esbuild's first message if the source does not compile.
 */
export function compiledScript(entry: string): Promise<string> {
  const absolute = path.resolve(PROJECT_ROOT, entry);
  let pending = compiled.get(absolute);
  if (pending === undefined) {
    pending = compile(absolute);
    compiled.set(absolute, pending);
    // A failed build is not cached: the next call (after a fix) tries again.
    pending.catch(() => compiled.delete(absolute));
  }
  return pending;
}

async function compile(entry: string): Promise<string> {
  const name = path.basename(entry, path.extname(entry));
  const result = await build({
    entryPoints: [entry],
    absWorkingDir: PROJECT_ROOT,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    // What this module exists for: no `__name` wrappers around every function.
    keepNames: false,
    sourcemap: "linked",
    outfile: path.join(COMPILED_DIR, `${name}.mjs`),
    write: false,
    logLevel: "silent",
  }).catch((error: unknown) => {
    const first = (error as { errors?: { text: string }[] }).errors?.[0]?.text;
    throw new Error(
      `could not compile ${path.relative(PROJECT_ROOT, entry)}: ${first ?? String(error)}`,
    );
  });
  const code = result.outputFiles.find((f) => f.path.endsWith(".mjs"));
  const map = result.outputFiles.find((f) => f.path.endsWith(".map"));
  if (code === undefined || map === undefined) {
    throw new Error(`could not compile ${entry}: esbuild wrote no .mjs and .map`);
  }
  const hash = createHash("sha256").update(code.contents).digest("hex").slice(0, 16);
  const file = path.join(COMPILED_DIR, `${name}-${hash}.mjs`);
  await mkdir(COMPILED_DIR, { recursive: true });
  // The map keeps esbuild's name; the code's last line points to it by that name.
  const mapFile = path.join(COMPILED_DIR, `${name}-${hash}.mjs.map`);
  const codeText = code.text.replace(
    `//# sourceMappingURL=${name}.mjs.map`,
    `//# sourceMappingURL=${name}-${hash}.mjs.map`,
  );
  await writeAtomically(mapFile, map.contents);
  await writeAtomically(file, codeText);
  await pruneOld(name, file).catch(() => {});
  return file;
}

/** Write to a private temporary name, then rename: readers see the whole file or none. */
async function writeAtomically(file: string, contents: Uint8Array | string): Promise<void> {
  const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(temporary, contents);
  await rename(temporary, file);
}

/** Old builds of the same entry (from edited sources), past PRUNE_AGE_MS. */
async function pruneOld(name: string, keep: string): Promise<void> {
  const now = Date.now();
  const ofEntry = new RegExp(`^${name}-[0-9a-f]{16}\\.mjs(\\.map)?$`);
  for (const entry of await readdir(COMPILED_DIR)) {
    if (!ofEntry.test(entry)) continue;
    const file = path.join(COMPILED_DIR, entry);
    if (file === keep || file === `${keep}.map`) continue;
    const { mtimeMs } = await stat(file);
    if (now - mtimeMs > PRUNE_AGE_MS) await rm(file, { force: true });
  }
}
