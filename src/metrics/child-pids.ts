/** Children of a process (nginx's workers), from /proc; [] where it cannot be read (not Linux, gone). */
import { readFile } from "node:fs/promises";

export async function childPids(pid: number): Promise<number[]> {
  const text = await readFile(`/proc/${pid}/task/${pid}/children`, "utf8").catch(() => "");
  return text
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);
}
