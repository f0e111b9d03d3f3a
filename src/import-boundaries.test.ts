/**
 * The layer rule of docs/architecture.md, enforced: every relative import in the source tree
 * points to its own area or to an area of a lower layer, no file-level import cycle exists,
 * and production code never imports test helpers or vitest. A new file that breaks a rule
 * fails here with the offending import named, so the shape cannot erode one import at a time.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/**
 * Layers, bottom first. An area may import its own files and any area of a LOWER layer; areas
 * that share a layer are siblings and never import each other. Keep in step with the table in
 * docs/architecture.md ("Layers").
 */
const LAYERS: readonly (readonly string[])[] = [
  ["src/model"],
  ["src/util", "src/stats", "src/energy"],
  ["src/redis", "src/metrics", "src/results"],
  ["src/notifications"],
  ["servers", "scenarios"],
  ["src/driver", "src/fleet", "src/plan", "src/target", "src/proxy"],
  ["src/faults", "src/capacity", "src/cli"],
  ["src/run", "src/report"],
  ["src/bench", "src/k6"],
  ["scripts"],
];

/** Test-only helpers: importable from tests and other test helpers, never from production code. */
const TEST_SUPPORT = /(^|\/)test-support\//;
const TEST_FILE = /\.test\.ts$/;

function layerOf(area: string): number {
  const index = LAYERS.findIndex((layer) => layer.includes(area));
  return index;
}

/** `src/driver/clients/x.ts` -> `src/driver`; `servers/x.ts` -> `servers`; `src/x.ts` -> `src`. */
function areaOf(file: string): string {
  const parts = file.split("/");
  if (parts[0] === "src") return parts.length > 2 ? `src/${parts[1]}` : "src";
  return parts[0] as string;
}

function listSources(): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(rel);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) files.push(rel);
    }
  };
  for (const dir of ["src", "servers", "scenarios", "scripts"]) walk(dir);
  // The k6 scripts run inside k6, not Node: they are their own program (tsconfig.k6.json).
  return files.filter((f) => !f.startsWith("scenarios/k6/"));
}

const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

function importsOf(file: string): { specifier: string; target: string | null }[] {
  const text = readFileSync(path.join(ROOT, file), "utf8");
  const out: { specifier: string; target: string | null }[] = [];
  for (const match of text.matchAll(IMPORT)) {
    const specifier = match[1] ?? match[2];
    if (specifier === undefined) continue;
    const target = specifier.startsWith(".")
      ? path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier))
      : null;
    out.push({ specifier, target });
  }
  return out;
}

const SOURCES = listSources();
const GRAPH = new Map(SOURCES.map((file) => [file, importsOf(file)]));

describe("import boundaries", () => {
  it("every source area belongs to exactly one layer", () => {
    const production = SOURCES.filter((f) => !TEST_FILE.test(f) && !TEST_SUPPORT.test(f));
    const unknown = [...new Set(production.map(areaOf))].filter((area) => layerOf(area) < 0);
    expect(unknown, "add the area to LAYERS here and to docs/architecture.md").toEqual([]);
    const all = LAYERS.flat();
    expect(new Set(all).size).toBe(all.length);
  });

  it("imports point to the same area or to a lower layer", () => {
    const violations: string[] = [];
    for (const [file, imports] of GRAPH) {
      const from = areaOf(file);
      for (const { specifier, target } of imports) {
        if (target === null) continue;
        const to = areaOf(target);
        if (to === from) continue;
        if (TEST_SUPPORT.test(target) && (TEST_FILE.test(file) || TEST_SUPPORT.test(file))) {
          continue;
        }
        // Tests may reach up to what they exercise end to end (a server, the bench entry
        // point); production files may not.
        if (TEST_FILE.test(file)) continue;
        if (layerOf(to) >= layerOf(from)) {
          violations.push(`${file} imports ${specifier} (${from} -> ${to})`);
        }
      }
    }
    expect(violations).toEqual([]);
  });

  it("production code never imports vitest or a test helper", () => {
    const violations: string[] = [];
    for (const [file, imports] of GRAPH) {
      if (TEST_FILE.test(file) || TEST_SUPPORT.test(file)) continue;
      for (const { specifier, target } of imports) {
        if (specifier === "vitest" || specifier.startsWith("vitest/")) {
          violations.push(`${file} imports vitest`);
        }
        if (target !== null && TEST_SUPPORT.test(target)) {
          violations.push(`${file} imports the test helper ${specifier}`);
        }
      }
    }
    expect(violations).toEqual([]);
  });

  it("no file-level import cycle", () => {
    const production = SOURCES.filter((f) => !TEST_FILE.test(f));
    const known = new Set(production);
    const state = new Map<string, "visiting" | "done">();
    const cycles: string[] = [];
    const visit = (file: string, trail: string[]): void => {
      if (state.get(file) === "done") return;
      if (state.get(file) === "visiting") {
        cycles.push([...trail.slice(trail.indexOf(file)), file].join(" -> "));
        return;
      }
      state.set(file, "visiting");
      for (const { target } of GRAPH.get(file) ?? []) {
        if (target !== null && known.has(target)) visit(target, [...trail, file]);
      }
      state.set(file, "done");
    };
    for (const file of production) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it("the rule itself catches an upward import", () => {
    // A guard against a regex that silently matches nothing: the scan must see real imports.
    const edges = [...GRAPH.values()].flat().filter((i) => i.target !== null).length;
    expect(edges).toBeGreaterThan(200);
    expect(layerOf("src/model")).toBeLessThan(layerOf("src/run"));
  });
});
