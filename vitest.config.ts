import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: [
      "src/**/*.test.ts",
      "servers/**/*.test.ts",
      "scenarios/**/*.test.ts",
      "scripts/**/*.test.ts",
    ],
    // Integration tests start real redis-server and HTTP servers; the machine has 2 cores.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    fileParallelism: true,
    maxWorkers: 2,
    // The JSON report lets .ci/run print one plain "N passed, N failed" line.
    reporters: ["default", ["json", { outputFile: "node_modules/.vitest/results.json" }]],
  },
});
