import { describe, expect, it } from "vitest";
import { WakeHub } from "./wake-hub.ts";

describe("WakeHub", () => {
  it("wakes only the listeners of that user, and all of them on wakeAll", () => {
    const hub = new WakeHub();
    const calls: string[] = [];
    const offA = hub.add("a", () => calls.push("a1"));
    hub.add("a", () => calls.push("a2"));
    hub.add("b", () => calls.push("b"));
    hub.wake("a");
    expect(calls).toEqual(["a1", "a2"]);
    offA();
    offA(); // idempotent
    hub.wakeAll();
    expect(calls).toEqual(["a1", "a2", "a2", "b"]);
    expect(hub.listenerCount).toBe(2);
  });
  it("keeps fanning out when one listener throws", () => {
    const hub = new WakeHub();
    let reached = false;
    hub.add("a", () => {
      throw new Error("boom");
    });
    hub.add("a", () => {
      reached = true;
    });
    const write = process.stderr.write;
    process.stderr.write = () => true;
    try {
      hub.wake("a");
    } finally {
      process.stderr.write = write;
    }
    expect(reached).toBe(true);
  });
});
