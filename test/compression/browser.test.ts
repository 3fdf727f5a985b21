/**
 * Issue 11 in headless Chromium (Debian's, driven by playwright-core like test/e2e/browser.test.ts)
 * against the real `tinyhttp-cli`: the demo page, its stylesheet and its ~300 KB bundle arrive with
 * `Content-Encoding: br` over HTTPS (a self-signed certificate made with openssl here) and with gzip
 * over plain HTTP, where browsers do not ask for br. The page renders: the stylesheet applies and the
 * whole decoded bundle runs (its last line marks the page).
 *
 * Chromium counts http://127.0.0.1 as a secure origin and asks for br there too, so the plain-HTTP case
 * loads http://demo.test, mapped to 127.0.0.1 with `--host-resolver-rules`, and the CLI answers that
 * name with `--allowed-hosts demo.test` (its DNS-rebinding check refuses other names with 421).
 *
 * Needs Debian's `chromium` and `openssl` (installed by .ci/run): without them these tests fail and say so.
 */
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { request as httpsRequest } from 'node:https'
import { join } from 'node:path'
import { chromium, type Browser, type Response } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { cleanupTemp, ensureBuilt, has, killAll, sleep } from '../cli/helpers.js'
import { fileOf, makeSite, type Site } from './fixture.js'
import { startSite, waitForCoding } from './wire.js'

const CHROMIUM = '/usr/bin/chromium'
let browser: Browser | undefined

beforeAll(async () => {
  ensureBuilt()
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install -y chromium (.ci/run installs it)`)
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    timeout: 30_000,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--host-resolver-rules=MAP demo.test 127.0.0.1',
    ],
  })
}, 60_000)
afterEach(killAll)
afterAll(async () => {
  await browser?.close()
  cleanupTemp()
})

/** One HTTPS GET (certificate not verified), ≤ 5 s; returns status and Content-Encoding. */
function httpsGet(port: number, path: string, acceptEncoding: string): Promise<{ status: number; coding: string | undefined }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host: '127.0.0.1', port, path, rejectUnauthorized: false, headers: { 'Accept-Encoding': acceptEncoding }, timeout: 5000 }, res => {
      res.resume()
      res.on('end', () => resolve({ status: res.statusCode ?? 0, coding: res.headers['content-encoding'] }))
    })
    req.on('timeout', () => req.destroy(new Error('HTTPS request timed out')))
    req.on('error', reject)
    req.end()
  })
}

/** Waits (≤ 20 s) until an HTTPS GET with `Accept-Encoding: br` gets br. */
async function waitForHttpsBr(port: number, path: string): Promise<void> {
  const deadline = Date.now() + 20_000
  while (Date.now() < deadline) {
    if ((await httpsGet(port, path, 'br')).coding === 'br') return
    await sleep(200)
  }
  throw new Error(`no br variant of ${path} over HTTPS within 20 s`)
}

/** What the browser saw of one response, read before its context closes. */
interface Seen {
  status: number
  headers: Record<string, string>
  body: Buffer
  asked: string
}

/** Loads `url` in a fresh context; returns the responses by path and what the page shows. */
async function load(url: string, ignoreHTTPSErrors: boolean): Promise<{ responses: Map<string, Seen>; bundle: string | undefined; color: string }> {
  if (browser === undefined) throw new Error('Chromium did not start')
  const context = await browser.newContext({ ignoreHTTPSErrors })
  try {
    const page = await context.newPage()
    const raw = new Map<string, Response>()
    page.on('response', r => raw.set(new URL(r.url()).pathname, r))
    const main = await page.goto(url, { waitUntil: 'load', timeout: 20_000 })
    expect(main?.status()).toBe(200)
    await page.waitForFunction(() => document.body.dataset.bundle !== undefined, undefined, { timeout: 10_000 })
    const bundle = await page.evaluate(() => document.body.dataset.bundle)
    const color = await page.locator('h1').evaluate(el => getComputedStyle(el).color)
    const responses = new Map<string, Seen>()
    for (const [path, r] of raw) {
      const asked = (await r.request().allHeaders())['accept-encoding'] ?? ''
      responses.set(path, { status: r.status(), headers: await r.allHeaders(), body: r.status() === 200 ? await r.body() : Buffer.alloc(0), asked })
    }
    return { responses, bundle, color }
  } finally {
    await context.close()
  }
}

function expectLoaded(site: Site, result: Awaited<ReturnType<typeof load>>, coding: string): void {
  expect(result.bundle).toMatch(/^ok:\d+$/)
  expect(result.color).toBe('rgb(12, 74, 110)')
  for (const [path, name] of [
    ['/', 'index.html'],
    ['/style.css', 'style.css'],
    ['/app.js', 'app.js'],
  ] as const) {
    const r = result.responses.get(path)
    expect(r, `the page loaded ${path}`).toBeDefined()
    expect(r!.status, path).toBe(200)
    expect(r!.headers['content-encoding'], `${path}: Content-Encoding`).toBe(coding)
    expect(r!.headers['vary'], path).toMatch(/accept-encoding/i)
    expect(r!.body.equals(fileOf(site, name)), `${path}: decoded bytes = the file`).toBe(true)
    expect(r!.asked, `${path}: the browser asked for ${coding}`).toMatch(new RegExp(`\\b${coding}\\b`))
  }
}

describe('Chromium loads the demo compressed', () => {
  it('over HTTPS (self-signed, openssl): Content-Encoding: br for the page, the stylesheet and the bundle', async () => {
    if (!has('openssl')) throw new Error('openssl is not installed: apt-get install -y openssl (.ci/run installs it)')
    const site = makeSite()
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'key.pem', '-out', 'cert.pem', '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'],
      { cwd: site.cwd, stdio: 'ignore', timeout: 20_000 },
    )
    const cli = await startSite(site, ['--tls-cert', join(site.cwd, 'cert.pem'), '--tls-key', join(site.cwd, 'key.pem')])
    expect(cli.url).toMatch(/^https:/)
    for (const path of ['/', '/style.css', '/app.js']) await waitForHttpsBr(cli.port, path)
    const result = await load(`https://127.0.0.1:${cli.port}/`, true)
    expectLoaded(site, result, 'br')
  }, 120_000)

  it('over plain HTTP at http://demo.test (not a secure origin): gzip, although br is ready', async () => {
    const site = makeSite()
    const cli = await startSite(site, ['--allowed-hosts', 'demo.test'])
    for (const [path, name] of [
      ['/', 'index.html'],
      ['/style.css', 'style.css'],
      ['/app.js', 'app.js'],
    ] as const) {
      await waitForCoding(cli.port, path, 'gzip', fileOf(site, name))
      await waitForCoding(cli.port, path, 'br', fileOf(site, name))
    }
    const result = await load(`http://demo.test:${cli.port}/`, false)
    expectLoaded(site, result, 'gzip')
    for (const [path, r] of result.responses) expect(r.asked, `${path}: the browser did not ask for br over plain HTTP`).not.toMatch(/\bbr\b/)
  }, 120_000)
})
