import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { startProcessGroup } from "./process-group.ts";

describe.skipIf(process.platform !== "linux")("process group (--target-pid)", () => {
  it("samples real processes side by side and sums their CPU and memory", async () => {
    // two busy children: CPU the window must see, in both
    const busy = () =>
      spawn(
        process.execPath,
        ["-e", "const end = Date.now() + 3000; while (Date.now() < end) {}"],
        {
          stdio: "ignore",
        },
      );
    const children = [busy(), busy()];
    try {
      const pids = children.map((c) => c.pid as number);
      const group = await startProcessGroup(pids);
      await group.markWindow();
      await new Promise((resolve) => setTimeout(resolve, 600));
      const totals = await group.readTotals();
      const window = await group.stopWindow();
      await group.close();
      expect(window.perInstance).toHaveLength(2);
      for (const one of window.perInstance) expect(one.cpuSeconds).toBeGreaterThan(0);
      expect(window.total.cpuSeconds).toBeCloseTo(
        (window.perInstance[0]?.cpuSeconds ?? 0) + (window.perInstance[1]?.cpuSeconds ?? 0),
        9,
      );
      expect(totals.rssBytes).toBeGreaterThan(0);
    } finally {
      for (const child of children) child.kill("SIGKILL");
    }
  });

  it("refuses a pid that is not running, naming it and the fix", async () => {
    await expect(startProcessGroup([2_147_483_000])).rejects.toThrow(
      /^--target-pid 2147483000 is not running; give the pid of the target server's process/,
    );
  });
});
