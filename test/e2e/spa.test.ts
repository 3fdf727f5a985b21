import { existsSync } from 'node:fs'
import { chromium, type Browser, type BrowserContext, type Page, type Response } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureBuilt, killAll, REPO, request, startCli, type CliProcess } from '../cli/helpers.js'
import { rawRequest } from '../helpers/raw-client.js'

const CHROMIUM = '/usr/bin/chromium'
const JS = '/assets/app.3f9a1c2e.js'
const CSS = '/assets/app.9b1d7e44.css'
const IMMUTABLE = 'public, max-age=31536000, immutable'

/** One line of the CLI's JSON access log. */
interface LogLine {
  method: string
  path: string
  status: number
}

// examples/spa (its own _headers and _redirects) in headless Debian Chromium, under `--cache spa` and with
// no flag but the root. The server's JSON access log is the witness of what reached it: a response the
// browser took from its HTTP cache has no line there.
describe.skipIf(!existsSync(CHROMIUM)).each([
  { flags: ['--cache', 'spa'], title: 'under --cache spa' },
  { flags: [], title: 'with no flag but the root' },
])('examples/spa $title in headless Chromium', ({ flags }) => {
  let browser: Browser
  let cli: CliProcess & { port: number; url: string }

  beforeAll(async () => {
    ensureBuilt()
    cli = await startCli(['examples/spa', ...flags, '--port', '0', '--log-format', 'json'], { cwd: REPO })
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    })
  }, 200_000)
  afterAll(async () => {
    await browser?.close()
    await killAll()
  })

  let marks = 0
  /**
   * Every access-log line written so far. A marker request is sent first and awaited in the log: lines
   * are written in the order the answers finish, so every request the browser made before is there too.
   */
  async function logged(): Promise<LogLine[]> {
    const marker = `/__log-mark-${++marks}`
    await rawRequest(cli.port, request('GET', marker, { Connection: 'close' }))
    await cli.waitForStdout(new RegExp(`"path":"${marker}"`), 5000)
    return cli
      .stdout()
      .split('\n')
      .filter(line => line.startsWith('{'))
      .map(line => JSON.parse(line) as LogLine)
      .filter(line => !line.path.startsWith('/__log-mark-'))
  }
  const count = (lines: LogLine[], path: string): number => lines.filter(l => l.path === path).length

  /** A fresh context and page that records page errors and every response it sees. */
  async function open(): Promise<{ context: BrowserContext; page: Page; errors: string[]; responses: Response[] }> {
    const context = await browser.newContext()
    const page = await context.newPage()
    const errors: string[] = []
    const responses: Response[] = []
    page.on('pageerror', err => errors.push(err.message))
    page.on('console', msg => {
      if (msg.type() === 'error') errors.push(msg.text())
    })
    page.on('response', r => responses.push(r))
    return { context, page, errors, responses }
  }

  /** Waits until the app has rendered, and returns its route and heading. */
  async function rendered(page: Page): Promise<{ route: string | null; title: string | null }> {
    const app = page.locator('#app[data-state="ready"]')
    await app.waitFor({ timeout: 10_000 })
    return { route: await app.getAttribute('data-route'), title: await app.locator('h1').textContent() }
  }

  it('a deep link loads the shell and the app runs; the hashed assets are immutable and the next navigations take them from the cache', async () => {
    const { context, page, errors, responses } = await open()
    try {
      const before = await logged()
      const deep = await page.goto(`${cli.url}/settings/profile`)
      expect(deep?.status()).toBe(200)
      expect(deep?.headers()['content-type']).toBe('text/html; charset=utf-8')
      expect(deep?.headers()['cache-control']).toBe('no-cache')
      expect(await rendered(page)).toEqual({ route: '/settings/profile', title: 'Profile settings' })
      // The stylesheet applied, and the service worker (no-cache) registered under the site's CSP.
      expect(await page.locator('#app').evaluate(el => getComputedStyle(el).borderLeftColor)).toBe('rgb(22, 163, 74)')
      await page.locator('html[data-sw="registered"]').waitFor({ timeout: 10_000 })
      expect(await page.evaluate(() => navigator.serviceWorker.ready.then(r => r.active?.scriptURL))).toBe(`${cli.url}/sw.js`)

      for (const asset of [JS, CSS]) {
        const r = responses.find(x => x.url() === cli.url + asset)
        expect([asset, r?.status(), r?.headers()['cache-control']]).toEqual([asset, 200, IMMUTABLE])
      }
      const first = await logged()
      expect(count(first, '/settings/profile') - count(before, '/settings/profile')).toBe(1)
      expect(count(first, JS) - count(before, JS)).toBe(1)
      expect(count(first, CSS) - count(before, CSS)).toBe(1)

      // A second navigation (another deep link), then a reload: the shell is revalidated each time, the
      // hashed assets never reach the server again.
      responses.length = 0
      await page.goto(`${cli.url}/blog/hello-world`)
      expect(await rendered(page)).toEqual({ route: '/blog/hello-world', title: 'Blog' })
      await page.reload()
      expect(await rendered(page)).toEqual({ route: '/blog/hello-world', title: 'Blog' })
      const second = await logged()
      expect(count(second, '/blog/hello-world')).toBeGreaterThanOrEqual(2)
      expect(count(second, JS) - count(first, JS)).toBe(0)
      expect(count(second, CSS) - count(first, CSS)).toBe(0)
      // The browser still used them: from its cache, with no bytes transferred.
      const cached = await page.evaluate(urls => urls.map(u => (performance.getEntriesByName(u)[0] as PerformanceResourceTiming | undefined)?.transferSize), [cli.url + JS, cli.url + CSS])
      expect(cached).toEqual([0, 0])
      expect(errors).toEqual([])
    } finally {
      await context.close()
    }
  }, 60_000)

  it('sw.js and the manifest are no-cache', async () => {
    const { context, page } = await open()
    try {
      await page.goto(`${cli.url}/`)
      await rendered(page)
      const fields = await page.evaluate(async () => {
        const out: Array<[number, string | null, string | null]> = []
        for (const url of ['/sw.js', '/manifest.webmanifest']) {
          const r = await fetch(url, { cache: 'no-store' })
          out.push([r.status, r.headers.get('cache-control'), r.headers.get('content-type')])
        }
        return out
      })
      expect(fields).toEqual([
        [200, 'no-cache', 'text/javascript; charset=utf-8'],
        [200, 'no-cache', 'application/manifest+json; charset=utf-8'],
      ])
    } finally {
      await context.close()
    }
  }, 30_000)

  it('a legacy URL is redirected (301, query kept) and the app renders the new one', async () => {
    const { context, page, errors } = await open()
    try {
      const res = await page.goto(`${cli.url}/old-blog/hello-world?from=feed`)
      const hop = res?.request().redirectedFrom()
      expect(hop?.url()).toBe(`${cli.url}/old-blog/hello-world?from=feed`)
      const hopResponse = await hop?.response()
      expect([hopResponse?.status(), hopResponse?.headers()['location']]).toEqual([301, '/blog/hello-world?from=feed'])
      expect(page.url()).toBe(`${cli.url}/blog/hello-world?from=feed`)
      expect(await rendered(page)).toEqual({ route: '/blog/hello-world', title: 'Blog' })
      // The other legacy rule: a 302 to the guide.
      await page.goto(`${cli.url}/docs`)
      expect(page.url()).toBe(`${cli.url}/guide/`)
      expect(await rendered(page)).toEqual({ route: '/guide/', title: 'Guide' })
      expect(errors).toEqual([])
    } finally {
      await context.close()
    }
  }, 30_000)
})
