import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { COMPILED_DIR, compiledScript, nodeArgsFor } from "./compiled-script.ts";

const run = promisify(execFile);
const scratch = await mkdtemp(path.join(tmpdir(), "pvp-compiled-"));
afterAll(() => rm(scratch, { recursive: true, force: true }));

describe("compiledScript", () => {
  it("compiles the server entry to one runnable file without tsx's __name wrappers", async () => {
    const file = await compiledScript("scripts/server.ts");
    expect(path.dirname(file)).toBe(COMPILED_DIR);
    expect(path.basename(file)).toMatch(/^server-[0-9a-f]{16}\.mjs$/);
    const code = await readFile(file, "utf8");
    expect(code).not.toContain("__name(");
    // Our modules are inside, the packages are not: they load from node_modules.
    expect(code).toContain("push-vs-poll");
    expect(code).toMatch(/from "express"/);
    expect(code).toContain(`//# sourceMappingURL=${path.basename(file)}.map`);
    const map = JSON.parse(await readFile(`${file}.map`, "utf8")) as { sources: string[] };
    expect(map.sources.some((s) => s.endsWith("servers/sse.ts"))).toBe(true);
    const { stdout } = await run(process.execPath, [file, "--help"]);
    expect(stdout).toContain("--strategy");
  });

  it("builds once per process and names the file by its content", async () => {
    const entry = path.join(scratch, "same.ts");
    await writeFile(entry, "const answer: number = 42;\nconsole.log(answer);\n");
    const first = compiledScript(entry);
    expect(compiledScript(entry)).toBe(first);
    const { stdout } = await run(process.execPath, [await first]);
    expect(stdout.trim()).toBe("42");
  });

  it("a source that does not compile is refused with the file and esbuild's message", async () => {
    const entry = path.join(scratch, "broken.ts");
    await writeFile(entry, "const x: number = ;\n");
    await expect(compiledScript(entry)).rejects.toThrow(/could not compile .*broken\.ts: /);
    // Not cached: once fixed, the next call builds it.
    await writeFile(entry, "console.log(1);\n");
    await expect(compiledScript(entry)).resolves.toMatch(/broken-[0-9a-f]{16}\.mjs$/);
  });
});

describe("nodeArgsFor", () => {
  const saved = process.env.PVP_LOADER;
  afterAll(() => {
    if (saved === undefined) delete process.env.PVP_LOADER;
    else process.env.PVP_LOADER = saved;
  });

  it("runs the compiled file by default, and the source through tsx with PVP_LOADER=tsx", async () => {
    delete process.env.PVP_LOADER;
    const compiled = await nodeArgsFor("scripts/server.ts");
    expect(compiled).toHaveLength(1);
    expect(compiled[0]).toMatch(/server-[0-9a-f]{16}\.mjs$/);
    process.env.PVP_LOADER = "tsx";
    const fromSource = await nodeArgsFor("scripts/server.ts");
    expect(fromSource.slice(0, 2)).toEqual(["--import", "tsx"]);
    expect(fromSource[2]).toMatch(/scripts\/server\.ts$/);
  });

  it("an unknown PVP_LOADER is refused, naming the two it takes", async () => {
    process.env.PVP_LOADER = "ts-node";
    await expect(nodeArgsFor("scripts/server.ts")).rejects.toThrow(
      'PVP_LOADER must be "compiled" (the default) or "tsx", got "ts-node"',
    );
  });
});
