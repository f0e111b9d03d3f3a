/**
 * Delivery paths in the plan: the CLI's on every run, a scenario's own fields winning (and
 * saying so), variants as steps, and the combinations that cannot run refused in one line.
 */
import { describe, expect, it } from "vitest";
import { getScenario } from "../../scenarios/index.ts";
import { DIRECT_PATH } from "../model/delivery-path.ts";
import { scenarioSchema } from "../model/scenario-schema.ts";
import { resolvePlan } from "./resolve-runs.ts";

const plan = (id: string, deliveryPath = {}) =>
  resolvePlan([getScenario(id)], { quick: true, strategies: ["sse"], deliveryPath });

describe("delivery paths in the plan", () => {
  it("runs direct unless asked, and behind nginx with TLS and h2 when asked", () => {
    expect(plan("steady").runs[0]?.deliveryPath).toEqual(DIRECT_PATH);
    const path = plan("steady", { proxy: "nginx", tls: true, http2: true }).runs[0]?.deliveryPath;
    expect(path).toMatchObject({ proxy: "nginx", tls: true, http2: true, proxyBuffering: false });
  });

  it("turns a scenario's variants into steps, each with its own path", () => {
    const runs = plan("proxy-buffering").runs;
    expect(runs.map((r) => r.step?.label)).toEqual(["buffering on", "buffering off"]);
    expect(runs[0]?.deliveryPath).toMatchObject({
      proxy: "nginx",
      proxyBuffering: true,
      honourAccelBuffering: false,
      upstreamKeepAlive: false,
    });
    expect(runs[1]?.deliveryPath).toMatchObject({ proxy: "nginx", proxyBuffering: false });
  });

  it("lets the scenario's own fields win over the CLI, with a warning", () => {
    const runs = plan("proxy-buffering", { proxy: "nginx", proxyBuffering: false }).runs;
    expect(runs[0]?.deliveryPath?.proxyBuffering).toBe(true);
    expect(runs[0]?.warnings.join(" ")).toMatch(/sets proxyBuffering = true itself/);
  });

  it("runs capacity direct, saying so", () => {
    const runs = resolvePlan([getScenario("capacity")], {
      quick: true,
      strategies: ["short-polling"],
      deliveryPath: { proxy: "nginx" },
    }).runs;
    expect(runs[0]?.deliveryPath).toEqual(DIRECT_PATH);
    expect(runs[0]?.warnings.join(" ")).toMatch(/capacity scenario/);
  });

  it("refuses a scenario file whose delivery path cannot run, naming the field", () => {
    const parsed = scenarioSchema.safeParse({
      id: "bad-path",
      description: "h2 without TLS",
      delivery: { path: { proxy: "nginx", http2: true } },
    });
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).toMatch(/--http2 needs --tls/);
    const unknown = scenarioSchema.safeParse({
      id: "bad-field",
      description: "typo",
      delivery: { path: { proxyBufering: true } },
    });
    expect(JSON.stringify(unknown.error?.issues)).toMatch(
      /proxyBufering is not a delivery path field/,
    );
  });
});
