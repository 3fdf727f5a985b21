import { existsSync, mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cliBuilt, spawnCli, type CliProcess } from '../helpers/cli-process.js'

const CHROMIUM = '/usr/bin/chromium'
const PUBLIC = fileURLToPath(new URL('../../public/', import.meta.url))
const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url))

// Needs Debian's chromium (installed by .ci/run) and the built CLI (`pnpm test` builds first).
describe.skipIf(!existsSync(CHROMIUM) || !cliBuilt())('the demo in headless Chromium', () => {
  let site: CliProcess
  let other: CliProcess
  let browser: Browser

  beforeAll(async () => {
    site = await spawnCli([PUBLIC, '--port', '0', '--host', '127.0.0.1', '--allow', 'index.html', '--allow', 'style.css', '--allow', 'data.json', '--quiet'])
    other = await spawnCli([PUBLIC, '--port', '0', '--host', '127.0.0.1', '--allow', 'cors.html', '--allow', 'style.css', '--quiet'])
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    })
  }, 30_000)

  afterAll(async () => {
    await browser?.close()
    await site?.stop()
    await other?.stop()
  })

  it('renders the page with its stylesheet applied', async () => {
    const page = await browser.newPage()
    const response = await page.goto(`${site.url}/`)
    expect(response?.status()).toBe(200)
    expect(response?.headers()['access-control-allow-origin']).toBe('*')
    const color = await page.locator('h1').evaluate(el => getComputedStyle(el).color)
    expect(color).toBe('rgb(12, 74, 110)')
    mkdirSync(ARTIFACTS, { recursive: true })
    await page.screenshot({ path: `${ARTIFACTS}demo.png`, fullPage: true })
    await page.close()
  })

  it('a cross-origin fetch from a page on another port succeeds because of CORS', async () => {
    const page = await browser.newPage()
    await page.goto(`${other.url}/cors.html?target=${encodeURIComponent(`${site.url}/data.json`)}`)
    await page.waitForFunction(() => document.getElementById('result')?.textContent !== 'pending…', undefined, { timeout: 10_000 })
    const result = await page.locator('#result').textContent()
    expect(result).toMatch(/^200 \{"message":"hello from tinyhttp/)
    await page.screenshot({ path: `${ARTIFACTS}cors.png` })
    await page.close()
  })

  it('a fetch of a file that is not listed gets 403', async () => {
    const page = await browser.newPage()
    await page.goto(`${site.url}/`)
    const statuses = await page.evaluate(async () => {
      const out: number[] = []
      for (const path of ['/cors.html', '/secret.txt', '/.env', '/x.html']) out.push((await fetch(path)).status)
      return out
    })
    expect(statuses).toEqual([403, 403, 403, 403])
    await page.close()
  })
})
