import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { startCli, tempDir, type CliProcess } from '../cli/helpers.js'
import { CHROMIUM } from '../helpers/chromium.js'
import { cliBrowserSuite } from './browser-suite.js'

// tinyhttp-cli --dev in headless Chromium: the page counts its loads in sessionStorage (an inline script
// allowed by its hash, under a strict CSP from _headers that --dev must keep working without loosening).
// An HTML edit reloads the page (counter +1); a CSS edit changes a computed style with no reload
// (counter unchanged); a restart of the server reloads the page once it is back. Needs Debian's chromium.
const COUNTER = "sessionStorage.loads = String(Number(sessionStorage.loads || 0) + 1); document.documentElement.dataset.loads = sessionStorage.loads"
const HASH = `'sha256-${createHash('sha256').update(COUNTER).digest('base64')}'`
const CSP = `default-src 'none'; style-src 'self'; script-src ${HASH}`
const page1 = (title: string): string =>
  `<!doctype html><html><head><meta charset="utf-8"><title>dev</title><link rel="stylesheet" href="/style.css"><script>${COUNTER}</script></head><body><h1>${title}</h1></body></html>\n`

describe.skipIf(!existsSync(CHROMIUM))('--dev in headless Chromium', () => {
  const browser = cliBrowserSuite()

  const loads = (page: Page): Promise<string | undefined> => page.evaluate(() => document.documentElement.dataset.loads)
  const color = (page: Page): Promise<string> => page.locator('h1').evaluate(el => getComputedStyle(el).color)
  /** A new page whose CSP violations (console messages and `securitypolicyviolation` events) are collected. */
  const watchedPage = async (): Promise<{ page: Page; violations: string[] }> => {
    const page = await browser.newPage()
    const violations: string[] = []
    page.on('console', msg => {
      if (/Content Security Policy|Refused to/i.test(msg.text())) violations.push(msg.text())
    })
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', e => console.log(`Refused to ${e.violatedDirective} ${e.blockedURI}`))
    })
    return { page, violations }
  }
  /** The access log's line for the n-th live-reload socket (101): the browser is listening. */
  const socketOpen = (cli: CliProcess, n: number): Promise<unknown> => cli.waitForStdout(new RegExp(`(?:"GET /__tinyhttp/dev HTTP/1.1" 101[^\\n]*\\n[^]*){${n}}`), 15_000)

  it('an HTML edit reloads the page (+1), a CSS edit swaps the style without a reload, a restart reloads once back', async () => {
    const cwd = tempDir('tinyhttp-dev-e2e-')
    const root = join(cwd, 'site')
    mkdirSync(root)
    writeFileSync(join(root, 'index.html'), page1('first'))
    writeFileSync(join(root, 'style.css'), 'h1 { color: rgb(255, 0, 0) }\n')
    writeFileSync(join(root, '_headers'), `/*\n  Content-Security-Policy: ${CSP}\n`)
    const cli = await startCli(['site', '--port', '0', '--dev'], { cwd })
    const { page, violations } = await watchedPage()
    const res = await page.goto(`${cli.url}/`)
    expect(res?.status()).toBe(200)
    expect(res?.headers()['content-security-policy']).toBe(`${CSP}; connect-src ${cli.url.replace('http', 'ws')}/__tinyhttp/dev`.replace(`script-src ${HASH}`, `script-src ${HASH} ${cli.url}/__tinyhttp/dev.js`))
    expect(await loads(page)).toBe('1')
    expect(await color(page)).toBe('rgb(255, 0, 0)')
    await socketOpen(cli, 1)

    // CSS only: the computed style changes, the page is not reloaded.
    writeFileSync(join(root, 'style.css'), 'h1 { color: rgb(0, 0, 255) }\n')
    await page.waitForFunction(() => getComputedStyle(document.querySelector('h1') as Element).color === 'rgb(0, 0, 255)', undefined, { timeout: 10_000 })
    expect(await loads(page)).toBe('1')
    expect(await page.locator('link[rel="stylesheet"]').count()).toBe(1)
    expect(await page.locator('link[rel="stylesheet"]').getAttribute('href')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/style\.css\?__tinyhttp=/)

    // HTML: the page reloads once and shows the edit.
    writeFileSync(join(root, 'index.html'), page1('second'))
    await page.waitForFunction(() => document.documentElement.dataset.loads === '2', undefined, { timeout: 10_000 })
    expect(await page.locator('h1').textContent()).toBe('second')
    expect(await color(page)).toBe('rgb(0, 0, 255)')
    await socketOpen(cli, 2)

    // The server restarts on the same port: the page reloads once it is back.
    const port = cli.port
    cli.child.kill('SIGTERM')
    await cli.exited()
    writeFileSync(join(root, 'index.html'), page1('third'))
    const again = await startCli(['site', '--port', String(port), '--dev'], { cwd })
    await page.waitForFunction(() => document.documentElement.dataset.loads === '3', undefined, { timeout: 15_000 })
    expect(await page.locator('h1').textContent()).toBe('third')
    await socketOpen(again, 1)
    // It stays at 3: one reload for the restart, not a loop.
    await new Promise(resolve => setTimeout(resolve, 500))
    expect(await loads(page)).toBe('3')

    expect(violations).toEqual([])
    expect(cli.stderr()).toMatch(/tinyhttp-cli: dev: styles \(\/style\.css\), 1 browser\n/)
    expect(cli.stderr()).toMatch(/tinyhttp-cli: dev: reload \(\/index\.html\), 1 browser\n/)
    await page.close()
  }, 90_000)

  it("under 'strict-dynamic' the script runs by its hash and integrity, with no violation, and reloads the page", async () => {
    const cwd = tempDir('tinyhttp-dev-e2e-')
    const root = join(cwd, 'site')
    mkdirSync(root)
    const page2 = (n: number): string => `<!doctype html><html><head><script nonce="n0nce">${COUNTER}</script></head><body><p>v${n}</p></body></html>\n`
    writeFileSync(join(root, 'index.html'), page2(1))
    writeFileSync(join(root, '_headers'), "/*\n  Content-Security-Policy: script-src 'nonce-n0nce' 'strict-dynamic'; connect-src 'self'; object-src 'none'\n")
    const cli = await startCli(['site', '--port', '0', '--dev'], { cwd })
    const { page, violations } = await watchedPage()
    const res = await page.goto(`${cli.url}/`)
    expect(res?.headers()['content-security-policy']).toMatch(/^script-src 'nonce-n0nce' 'strict-dynamic' 'sha256-[A-Za-z0-9+/]+=*'; connect-src 'self' ws:\/\/127\.0\.0\.1:\d+\/__tinyhttp\/dev; object-src 'none'$/)
    await page.waitForFunction(() => (window as unknown as { __tinyhttpDev?: boolean }).__tinyhttpDev === true, undefined, { timeout: 10_000 })
    expect(await loads(page)).toBe('1')
    await socketOpen(cli, 1)
    writeFileSync(join(root, 'index.html'), page2(2))
    await page.waitForFunction(() => document.documentElement.dataset.loads === '2', undefined, { timeout: 10_000 })
    expect(await page.locator('p').textContent()).toBe('v2')
    expect(violations).toEqual([])
    await page.close()
  }, 60_000)
})
