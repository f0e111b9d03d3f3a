/**
 * The two diagnostic environment variables, read in one place. They are inputs like any flag:
 * a typo must fail before the bench starts (exit 2, one line naming the variable and what it
 * takes), not once per run after the plan has printed and the Redis has started.
 *
 *   PVP_PUBLISHER  inline (default) | thread   where the publisher runs (src/run/rig.ts)
 *   PVP_LOADER     compiled (default) | tsx    how measured processes load (compiled-script.ts)
 */
import { UsageError } from "./usage-error.ts";

export type PublisherMode = "inline" | "thread";
export type LoaderMode = "compiled" | "tsx";

type Env = Readonly<Record<string, string | undefined>>;

function readSwitch<T extends string>(env: Env, name: string, values: readonly [T, ...T[]]): T {
  const raw = env[name];
  // Unset and empty both mean the default: `PVP_LOADER= npm run bench` is how a shell unsets it.
  if (raw === undefined || raw === "") return values[0];
  const found = values.find((value) => value === raw);
  if (found !== undefined) return found;
  const [first, ...rest] = values;
  throw new UsageError(
    `${name} must be "${first}" (the default) or ${rest.map((v) => `"${v}"`).join(" or ")}, got ${JSON.stringify(raw)}; unset it for the default.`,
  );
}

/** Where the run's publisher runs: on the bench's loop (default) or its own thread. */
export function publisherMode(env: Env = process.env): PublisherMode {
  return readSwitch<PublisherMode>(env, "PVP_PUBLISHER", ["inline", "thread"]);
}

/** How our measured processes load: the compiled bundle (default) or the source through tsx. */
export function loaderMode(env: Env = process.env): LoaderMode {
  return readSwitch<LoaderMode>(env, "PVP_LOADER", ["compiled", "tsx"]);
}

/** Throws a UsageError for the first bad switch; the CLIs call it before anything starts. */
export function checkEnvSwitches(env: Env = process.env): void {
  publisherMode(env);
  loaderMode(env);
}
