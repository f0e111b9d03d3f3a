/**
 * `--target-pid PID` (repeatable, or a comma-separated list): the processes of a `--target`
 * server on this machine, sampled like our own servers so the run reports the target's CPU,
 * memory and sockets. Taken out of argv before parseFlags, which refuses repeated flags.
 */
import { UsageError } from "../util/usage-error.ts";

/** Linux's largest pid_max (2^22); a pid above it cannot exist. */
export const MAX_PID = 4_194_304;
/** More processes than this is not one server (nginx with its workers fits easily). */
export const MAX_TARGET_PIDS = 64;

const FLAG = "--target-pid";

function parsePids(text: string): number[] {
  const items = text.split(",").map((item) => item.trim());
  return items.map((item) => {
    if (!/^\d+$/.test(item) || Number(item) < 1 || Number(item) > MAX_PID) {
      throw new UsageError(
        `${FLAG} '${text}' is not a process id; give a whole number from 1 to ${MAX_PID} (e.g. ${FLAG} $(pgrep -o nginx)), repeated or comma-separated for several.`,
      );
    }
    return Number(item);
  });
}

/** argv without the `--target-pid` flags, and the pids they named, in order, each once. */
export function takeTargetPids(argv: readonly string[]): { argv: string[]; pids: number[] } {
  const out: string[] = [];
  const pids: number[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") {
      out.push(...argv.slice(i));
      break;
    }
    let value: string | undefined;
    if (arg.startsWith(`${FLAG}=`)) value = arg.slice(FLAG.length + 1);
    else if (arg === FLAG) {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith("--")) {
        throw new UsageError(`${FLAG} needs a value, e.g. ${FLAG} 12345 (see --help).`);
      }
      value = next;
      i += 1;
    } else {
      out.push(arg);
      continue;
    }
    for (const pid of parsePids(value)) {
      if (pids.includes(pid))
        throw new UsageError(`${FLAG} ${pid} was given twice; name each process once.`);
      pids.push(pid);
    }
  }
  if (pids.length > MAX_TARGET_PIDS) {
    throw new UsageError(
      `${FLAG} names ${pids.length} processes; give at most ${MAX_TARGET_PIDS}.`,
    );
  }
  return { argv: out, pids };
}
