/**
 * The folder order of src/report (see index.ts), enforced like src/import-boundaries.test.ts does
 * for the whole tree: a production file imports only its own folder and folders of a lower rank,
 * folders of one rank never import each other, nothing inside the report imports index.ts, and
 * no production file sits outside the folders.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const REPORT = fileURLToPath(new URL(".", import.meta.url));

/** Rank per folder, bottom first; index.ts is the top. */
const RANKS: Readonly<Record<string, number>> = {
  model: 0,
  charts: 1,
  markup: 1,
  sections: 2,
  render: 3,
  "index.ts": 4,
};

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s*["'](\.[^"']+)["']/g;

function productionFiles(dir = ""): string[] {
  return readdirSync(path.join(REPORT, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "test-support" ? [] : productionFiles(rel);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [rel] : [];
  });
}

/** `sections/faults.ts` -> "sections"; `index.ts` -> "index.ts"; outside the report -> null. */
function folderOf(rel: string): string | null {
  if (rel.startsWith("..")) return null;
  return rel.split("/")[0] ?? null;
}

describe("src/report layout", () => {
  const files = productionFiles();

  it("every production file is index.ts or in a ranked folder", () => {
    const stray = files.filter((file) => RANKS[folderOf(file) ?? ""] === undefined);
    expect(stray).toEqual([]);
  });

  it("imports point to the same folder or to a lower rank, never to index.ts", () => {
    const violations: string[] = [];
    for (const file of files) {
      const from = folderOf(file) ?? "";
      const text = readFileSync(path.join(REPORT, file), "utf8");
      for (const [, specifier = ""] of text.matchAll(IMPORT)) {
        const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
        const to = folderOf(target);
        if (to === null || to === from) continue;
        const rankFrom = RANKS[from] ?? -1;
        const rankTo = RANKS[to] ?? Number.POSITIVE_INFINITY;
        if (to === "index.ts" || rankTo >= rankFrom) {
          violations.push(`${file} imports ${specifier} (${from} -> ${to})`);
        }
      }
    }
    expect(violations).toEqual([]);
    expect(files.length).toBeGreaterThan(30);
  });
});
