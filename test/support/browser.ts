import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (or CHROMIUM_PATH); without it browser tests skip, except in CI where that is a failure. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const chromiumAvailable = existsSync(CHROMIUM);
if (!chromiumAvailable && process.env.CI) {
  // in CI a missing browser is a failure, never a silent skip
  throw new Error(`chromium not found at ${CHROMIUM}; install it (apt-get install -y chromium) or set CHROMIUM_PATH`);
}

/** `describe` when Chromium is there, else `describe.skip`. */
export const describeBrowser = chromiumAvailable ? describe : describe.skip;

/** Headless Chromium with the flags a shared CI machine wants (no sandbox, no background traffic). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}
