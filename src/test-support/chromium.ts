/**
 * Test support: Debian's Chromium driven by playwright-core (never a downloaded browser), with
 * the flags this sandbox needs: no background networking (its connections are refused here),
 * no sandbox (tests run as root), no GPU. Tests skip with this reason when it is missing.
 */
import { existsSync } from "node:fs";
import type { Browser } from "playwright-core";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export const HAS_CHROMIUM = existsSync(CHROMIUM_PATH);

export const NO_CHROMIUM_REASON = `no Chromium at ${CHROMIUM_PATH}; install it with npm run setup, or set CHROMIUM_PATH`;

export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import("playwright-core");
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
