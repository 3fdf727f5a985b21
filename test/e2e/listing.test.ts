import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { startCli, tempDir } from '../cli/helpers.js'
import { CHROMIUM } from '../helpers/chromium.js'
import { cliBrowserSuite } from './browser-suite.js'


// The listing's CSP allows its inline style by hash only: a browser applies the style, reports no
// violation, and shows the names as text (a file name never becomes markup). Needs Debian's chromium.
describe.skipIf(!existsSync(CHROMIUM))('--listing in headless Chromium', () => {
  const browser = cliBrowserSuite()

  it('the hashed style applies, no CSP violation, names shown as text, the sort link reorders', async () => {
    const cwd = tempDir()
    mkdirSync(join(cwd, 'site', 'docs'), { recursive: true })
    writeFileSync(join(cwd, 'site', 'docs', '<b>bold.txt'), 'x') // '<' is refused by the canonical path: not listed
    writeFileSync(join(cwd, 'site', 'docs', "R&D's notes.txt"), 'xxxxx')
    writeFileSync(join(cwd, 'site', 'docs', 'a.txt'), 'x')
    const cli = await startCli(['site', '--port', '0', '-q', '--listing'], { cwd })
    const page = await browser.newPage()
    const violations: string[] = []
    page.on('console', msg => {
      if (/Content Security Policy|Refused to/i.test(msg.text())) violations.push(msg.text())
    })
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', e => console.log(`Refused to ${e.violatedDirective}`))
    })
    const response = await page.goto(`${cli.url}/docs/`)
    expect(response?.status()).toBe(200)
    const font = await page.locator('body').evaluate(el => getComputedStyle(el).fontSize)
    expect(font).toBe('15px') // from the inline style the CSP hash allows
    const names = await page.locator('td.n a').allTextContents()
    expect(names).toEqual(['../', "R&D's notes.txt", 'a.txt'])
    expect(await page.locator('td.n b').count()).toBe(0)
    await page.locator('th.s a').click()
    await page.waitForURL(/sort=size/)
    expect(await page.locator('td.n a').allTextContents()).toEqual(['../', 'a.txt', "R&D's notes.txt"])
    expect(violations).toEqual([])
    await page.close()
  })
})
