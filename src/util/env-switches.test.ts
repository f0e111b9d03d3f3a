import { describe, expect, it } from "vitest";
import { checkEnvSwitches, loaderMode, publisherMode } from "./env-switches.ts";
import { UsageError } from "./usage-error.ts";

describe("the diagnostic environment switches", () => {
  it("unset or empty mean the defaults", () => {
    expect(publisherMode({})).toBe("inline");
    expect(loaderMode({})).toBe("compiled");
    expect(publisherMode({ PVP_PUBLISHER: "" })).toBe("inline");
    expect(loaderMode({ PVP_LOADER: "" })).toBe("compiled");
    expect(() => checkEnvSwitches({})).not.toThrow();
  });

  it("each takes its named values, exactly", () => {
    expect(publisherMode({ PVP_PUBLISHER: "thread" })).toBe("thread");
    expect(publisherMode({ PVP_PUBLISHER: "inline" })).toBe("inline");
    expect(loaderMode({ PVP_LOADER: "tsx" })).toBe("tsx");
    expect(loaderMode({ PVP_LOADER: "compiled" })).toBe("compiled");
    // no case folding or trimming: what the user typed is what is checked
    expect(() => publisherMode({ PVP_PUBLISHER: "Thread" })).toThrow(UsageError);
    expect(() => loaderMode({ PVP_LOADER: " tsx" })).toThrow(UsageError);
  });

  it("a bad value is a UsageError naming the variable, the values it takes and the fix", () => {
    expect(() => publisherMode({ PVP_PUBLISHER: "worker" })).toThrow(
      'PVP_PUBLISHER must be "inline" (the default) or "thread", got "worker"; unset it for the default.',
    );
    expect(() => loaderMode({ PVP_LOADER: "ts-node" })).toThrow(
      'PVP_LOADER must be "compiled" (the default) or "tsx", got "ts-node"; unset it for the default.',
    );
  });

  it("checkEnvSwitches refuses either bad switch, and a control character stays on one line", () => {
    expect(() => checkEnvSwitches({ PVP_LOADER: "x" })).toThrow(/PVP_LOADER/);
    expect(() => checkEnvSwitches({ PVP_PUBLISHER: "x" })).toThrow(/PVP_PUBLISHER/);
    expect(() => checkEnvSwitches({ PVP_PUBLISHER: "a\nb" })).toThrow(/got "a\\nb"/);
  });
});
