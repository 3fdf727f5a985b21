import { chromium, type Browser } from 'playwright-core'

/** Debian's chromium, installed by `.ci/run`; browser tests skip with this reason when it is absent. */
export const CHROMIUM = '/usr/bin/chromium'

/**
 * Starts headless Debian Chromium the way every browser test here runs it (no sandbox: CI runs as root).
 *
 * @returns the browser; the caller closes it
 * @example
 * ```ts
 * const browser = await launchChromium()
 * const page = await browser.newPage()
 * ```
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] })
}
