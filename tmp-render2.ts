import { writeComparison } from "./src/report/index.ts";
import { createRepeatedFixture, resummarize } from "./src/report/test-support/fixture-repeated.ts";
const a = createRepeatedFixture({ repeat: 5, seed: 1, faults: true });
const b = createRepeatedFixture({ repeat: 5, seed: 2, faults: true });
for (const run of b.runs) if (run.scenario === "steady" && run.strategy === "sse" && run.latency.p50Us) run.latency.p50Us *= 2;
resummarize(b);
await writeComparison(a, b, "/tmp/rep/cmp2", { a: "reports/A", b: "reports/B" });
