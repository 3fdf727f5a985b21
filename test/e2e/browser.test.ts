import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cliBuilt, spawnCli, type CliProcess } from '../helpers/cli-process.js'
import { rawRequest } from '../helpers/raw-client.js'

const CHROMIUM = '/usr/bin/chromium'
const REPO = fileURLToPath(new URL('../../', import.meta.url))
const PUBLIC = fileURLToPath(new URL('../../public/', import.meta.url))
const START = fileURLToPath(new URL('../../scripts/start.mjs', import.meta.url))
const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url))

/** Raw response to a GET, with the Date header (the only field that may differ) taken out. */
async function rawGet(port: number, path: string): Promise<string> {
  const res = await rawRequest(port, `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`)
  return res.rawHead.replace(/\r\nDate: [^\r]*/i, '') + '\r\n\r\n' + res.body.toString('latin1')
}

// The demo exactly as `npx -y pnpm@10 start` runs it (scripts/start.mjs: ./public with demo.allow), on a
// free port (PORT=0). Needs Debian's chromium (installed by .ci/run) and the built CLI (`pnpm test` builds).
describe.skipIf(!existsSync(CHROMIUM) || !cliBuilt())('the demo (npx -y pnpm@10 start) in headless Chromium', () => {
  let demo: CliProcess
  let browser: Browser

  beforeAll(async () => {
    demo = await spawnCli([], { script: START, cwd: REPO, env: { PORT: '0' } })
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    })
  }, 30_000)

  afterAll(async () => {
    await browser?.close()
    await demo?.stop()
  })

  it('renders the page with its stylesheet applied', async () => {
    expect(demo.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const page = await browser.newPage()
    const response = await page.goto(`${demo.url}/`)
    expect(response?.status()).toBe(200)
    expect(response?.headers()['access-control-allow-origin']).toBe('*')
    const color = await page.locator('h1').evaluate(el => getComputedStyle(el).color)
    expect(color).toBe('rgb(12, 74, 110)')
    mkdirSync(ARTIFACTS, { recursive: true })
    await page.screenshot({ path: `${ARTIFACTS}demo.png`, fullPage: true })
    await page.close()
  })

  it('/cors.html at the URL the README gives fetches data.json from another origin (localhost ↔ 127.0.0.1), allowed by CORS', async () => {
    const page = await browser.newPage()
    await page.goto(`${demo.url}/cors.html`)
    await page.waitForFunction(() => document.getElementById('result')?.textContent !== 'pending…', undefined, { timeout: 10_000 })
    const result = await page.locator('#result').textContent()
    expect(result).toMatch(/^200 \{"message":"hello from tinyhttp/)
    const pageOrigin = await page.evaluate(() => location.origin)
    const target = await page.locator('#target').textContent()
    expect(pageOrigin).toBe(demo.url)
    expect(new URL(target ?? '').origin).toBe(`http://localhost:${demo.port}`)
    expect(new URL(target ?? '').origin).not.toBe(pageOrigin)
    await page.screenshot({ path: `${ARTIFACTS}cors.png` })
    await page.close()
  })

  it('public/secret.txt exists and is refused: 403, the same bytes as a file that does not exist', async () => {
    expect(readFileSync(`${PUBLIC}secret.txt`, 'utf8').length).toBeGreaterThan(0)
    expect(existsSync(`${PUBLIC}nope.txt`)).toBe(false)
    const page = await browser.newPage()
    await page.goto(`${demo.url}/`)
    const statuses = await page.evaluate(async () => {
      const out: number[] = []
      for (const path of ['/secret.txt', '/nope.txt', '/.env', '/x.html', '/data.json', '/cors.html']) out.push((await fetch(path)).status)
      return out
    })
    expect(statuses).toEqual([403, 403, 403, 403, 200, 200])
    await page.close()
    const secret = await rawGet(demo.port, '/secret.txt')
    expect(secret).toMatch(/^HTTP\/1\.1 403 /)
    expect(secret).toBe(await rawGet(demo.port, '/nope.txt'))
  })
})
