/** The slow-consumer and history flags of `npm run server` (the rest: src/cli property tests). */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { UsageError } from "../src/util/usage-error.ts";
import { parseServerOptions, SERVER_HELP } from "./server-options.ts";

const BASE = ["--strategy", "sse", "--port", "0"];

describe("server flags for slow consumers and history", () => {
  it("parse to options, and are absent (defaults apply) when not given", () => {
    expect(
      parseServerOptions([
        ...BASE,
        "--sse-max-buffered-bytes",
        "65536",
        "--sse-max-stall-ms=500",
        "--history-max-len",
        "20",
      ]),
    ).toMatchObject({ sseMaxBufferedBytes: 65_536, sseMaxStallMs: 500, historyMaxLen: 20 });
    const defaults = parseServerOptions(BASE);
    expect(defaults.sseMaxBufferedBytes).toBeUndefined();
    expect(defaults.sseMaxStallMs).toBeUndefined();
    expect(defaults.historyMaxLen).toBeUndefined();
  });

  it.each([
    ["--sse-max-buffered-bytes", "1023", /--sse-max-buffered-bytes 1023 is out of range/],
    ["--sse-max-buffered-bytes", "1MB", /--sse-max-buffered-bytes "1MB" is not a whole number/],
    ["--sse-max-stall-ms", "0", /--sse-max-stall-ms 0 is out of range; give one from 1/],
    ["--sse-max-stall-ms", "-5", /--sse-max-stall-ms/],
    ["--history-max-len", "0", /--history-max-len 0 is out of range; give one from 1/],
    ["--history-max-len", "1e3", /--history-max-len "1e3" is not a whole number/],
  ])("%s %s -> a UsageError naming the flag and the range", (flag, value, message) => {
    const parse = () => parseServerOptions([...BASE, flag, value]);
    expect(parse).toThrow(UsageError);
    expect(parse).toThrow(message);
  });

  it("any value gives options or a one-line UsageError naming the flag", () => {
    const flag = fc.constantFrom(
      "--sse-max-buffered-bytes",
      "--sse-max-stall-ms",
      "--history-max-len",
    );
    const value = fc.oneof(fc.string({ maxLength: 12 }), fc.integer().map(String));
    fc.assert(
      fc.property(flag, value, (name, text) => {
        try {
          parseServerOptions([...BASE, `${name}=${text}`]);
        } catch (error) {
          expect(error).toBeInstanceOf(UsageError);
          expect((error as Error).message).not.toMatch(/[\r\n]/);
          expect((error as Error).message).toContain(name);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("are explained in --help with their defaults", () => {
    expect(SERVER_HELP).toMatch(/--sse-max-buffered-bytes <n> .*\n.*default 1048576/);
    expect(SERVER_HELP).toMatch(/--sse-max-stall-ms <n> .*\n.*default 30000/);
    expect(SERVER_HELP).toMatch(/--history-max-len <n> .*\n.*default 1000/);
  });
});
