/**
 * `RunResult.deliveryPath` in the validator: optional (files without it read as they are),
 * checked field by field when present, so a broken proxy block is named, not rendered.
 */
import { describe, expect, it } from "vitest";
import { DIRECT_PATH } from "../model/delivery-path.ts";
import { createFixtureResults } from "../report/test-support/fixture.ts";
import { validateResults } from "./validate-results.ts";

function withPath(deliveryPath: unknown): unknown {
  const json = JSON.parse(JSON.stringify(createFixtureResults()));
  json.runs[0].deliveryPath = deliveryPath;
  return json;
}

const GOOD = {
  path: { ...DIRECT_PATH, proxy: "nginx", tls: true, http2: true },
  proxy: {
    cpuSeconds: 0.1,
    cpuUtilization: 0.01,
    cpuMsPer1000Deliveries: null,
    peakRssBytes: 1,
    meanRssBytes: 1,
    maxOpenSockets: 3,
    processes: 2,
  },
  tls: { full: 1, resumed: 2, perDelivered: null },
  h2: { sessionsOpened: 1, streamsOpened: 4, maxConcurrentStreams: 2, openSessions: 1 },
};

describe("deliveryPath in results.json", () => {
  it("is optional, and accepted when whole", () => {
    expect(() => validateResults(JSON.parse(JSON.stringify(createFixtureResults())))).not.toThrow();
    expect(() => validateResults(withPath(GOOD))).not.toThrow();
    expect(() =>
      validateResults(withPath({ ...GOOD, proxy: null, tls: null, h2: null })),
    ).not.toThrow();
  });

  it("names a broken field", () => {
    expect(() =>
      validateResults(withPath({ ...GOOD, path: { ...GOOD.path, proxy: "haproxy" } })),
    ).toThrow(/runs\[0\]\.deliveryPath\.path\.proxy must be one of "none", "nginx"/);
    expect(() => validateResults(withPath({ ...GOOD, tls: { full: "1" } }))).toThrow(
      /runs\[0\]\.deliveryPath\.tls\.full must be a number/,
    );
  });
});
