/**
 * The delivery-path flags: each bad value or combination is one UsageError naming the flag
 * and the fix; good ones set exactly the fields given.
 */
import { describe, expect, it } from "vitest";
import { parseBenchOptions } from "./bench-options.ts";
import { benchUsageErrorOf, TARGET_ARGV } from "./test-support/usage-error.ts";

const parse = (...argv: string[]) => parseBenchOptions(argv).deliveryPath;

describe("delivery path flags", () => {
  it("sets only what is given", () => {
    expect(parse()).toEqual({});
    expect(parse("--proxy", "nginx")).toEqual({ proxy: "nginx" });
    expect(
      parse(
        "--proxy",
        "nginx",
        "--tls",
        "--http2",
        "--proxy-buffering",
        "on",
        "--proxy-read-timeout",
        "10s",
      ),
    ).toEqual({
      proxy: "nginx",
      tls: true,
      http2: true,
      proxyBuffering: true,
      proxyReadTimeoutMs: 10_000,
    });
    expect(parse("--proxy", "none")).toEqual({ proxy: "none" });
  });

  it.each([
    [["--proxy", "haproxy"], /--proxy 'haproxy' is not a proxy; give one of none, nginx/],
    [
      ["--proxy", "nginx", "--proxy-buffering", "yes"],
      /--proxy-buffering 'yes' is neither on nor off/,
    ],
    [["--proxy-buffering", "on"], /--proxy-buffering needs --proxy nginx/],
    [
      ["--proxy", "nginx", "--proxy-read-timeout", "soon"],
      /--proxy-read-timeout 'soon' is not a duration/,
    ],
    [
      ["--proxy", "nginx", "--proxy-read-timeout", "20m"],
      /--proxy-read-timeout 20m is out of range/,
    ],
    [["--proxy-read-timeout", "5s"], /--proxy-read-timeout needs --proxy nginx/],
    [["--tls"], /--tls needs --proxy nginx/],
    [["--proxy", "nginx", "--http2"], /--http2 needs --tls/],
    [["--http2"], /--http2 needs --tls/],
    [["--tls=yes", "--proxy", "nginx"], /--tls takes no value/],
  ])("%j -> one usage line", (argv, message) => {
    expect(benchUsageErrorOf(argv)).toMatch(message);
  });

  it("refuses a proxy in front of --target", () => {
    expect(() => parseBenchOptions([...TARGET_ARGV, "--proxy", "nginx"])).toThrow(
      /--proxy does not apply with --target/,
    );
  });
});
