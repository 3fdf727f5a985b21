import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll } from 'vitest'
import { cleanupTemp, ensureBuilt, killAll } from '../cli/helpers.js'
import { launchChromium } from '../helpers/chromium.js'

/**
 * The hooks every browser test of the CLI needs, registered inside the calling `describe`: build once
 * and launch one headless Chromium for the block; stop the CLI processes after each test; close the
 * browser and remove the temporary sites at the end.
 *
 * @returns `newPage()` in the block's browser
 * @example
 * ```ts
 * describe.skipIf(!existsSync(CHROMIUM))('--listing in headless Chromium', () => {
 *   const browser = cliBrowserSuite()
 *   it('…', async () => {
 *     const page = await browser.newPage()
 *   })
 * })
 * ```
 */
export function cliBrowserSuite(): { newPage(): Promise<Page> } {
  let browser: Browser | undefined
  beforeAll(async () => {
    ensureBuilt()
    browser = await launchChromium()
  }, 200_000)
  afterEach(killAll)
  afterAll(async () => {
    await browser?.close()
    cleanupTemp()
  })
  return {
    newPage() {
      if (browser === undefined) throw new Error('the browser did not start (see beforeAll)')
      return browser.newPage()
    },
  }
}
