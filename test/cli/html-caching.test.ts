import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { rawRequest, type RawResponse } from '../helpers/raw-client.js'
import { cleanupTemp, ensureBuilt, killAll, request, sleep, startCli, tempDir } from './helpers.js'

beforeAll(ensureBuilt, 200_000)
afterEach(killAll)
afterAll(cleanupTemp)

const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'
const SHELL = '<!doctype html><title>app</title><script src="/assets/app.3f9a.js"></script>\n'
const header = (res: RawResponse, name: string): string | undefined => res.headers.get(name)?.[0]

function spaSite(): { cwd: string } {
  const cwd = tempDir()
  mkdirSync(join(cwd, 'dist', 'assets'), { recursive: true })
  writeFileSync(join(cwd, 'dist', 'index.html'), SHELL)
  writeFileSync(join(cwd, 'dist', 'assets', 'app.3f9a.js'), 'console.log(1)\n')
  writeFileSync(join(cwd, 'dist', 'style.css'), 'body{}\n')
  return { cwd }
}

describe('--max-age --immutable never freeze HTML', () => {
  it('assets get the long max-age; /index.html, / and the SPA shell get no-cache with an ETag and revalidate with 304', async () => {
    const { cwd } = spaSite()
    const cli = await startCli(['dist', '--port', '0', '--spa', '--max-age', '31536000', '--immutable', '-q'], { cwd })
    await cli.waitForStderr(/^tinyhttp-cli: warning: --max-age and --immutable do not apply to HTML pages: they get Cache-Control: no-cache, so visitors see a new page at once$/m)

    for (const path of ['/style.css', '/assets/app.3f9a.js']) {
      const asset = await rawRequest(cli.port, request('GET', path))
      expect(asset.status, path).toBe(200)
      expect(header(asset, 'cache-control'), path).toBe('public, max-age=31536000, immutable')
    }
    const page = await rawRequest(cli.port, request('GET', '/index.html', { Accept: BROWSER }))
    expect(page.body.toString()).toBe(SHELL)
    expect(header(page, 'cache-control')).toBe('no-cache')
    const etag = header(page, 'etag') as string
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/)
    const root = await rawRequest(cli.port, request('GET', '/', { Accept: BROWSER }))
    expect(header(root, 'cache-control')).toBe('no-cache')
    expect(header(root, 'etag')).toBe(etag)

    // The shell served for a client-side route: no-cache and the same content ETag as the file.
    const shell = await rawRequest(cli.port, request('GET', '/settings/profile', { Accept: BROWSER }))
    expect(shell.status).toBe(200)
    expect(shell.body.toString()).toBe(SHELL)
    expect(header(shell, 'cache-control')).toBe('no-cache')
    expect(header(shell, 'etag')).toBe(etag)

    for (const path of ['/settings/profile', '/index.html', '/']) {
      const again = await rawRequest(cli.port, request('GET', path, { Accept: BROWSER, 'If-None-Match': etag }))
      expect(again.status, path).toBe(304)
      expect(again.body.length, path).toBe(0)
      expect(header(again, 'cache-control'), path).toBe('no-cache')
      expect(header(again, 'etag'), path).toBe(etag)
    }
    const changed = await rawRequest(cli.port, request('GET', '/settings/profile', { Accept: BROWSER, 'If-None-Match': '"old"' }))
    expect(changed.status).toBe(200)
  })

  it('no warning without --max-age', async () => {
    const { cwd } = spaSite()
    const cli = await startCli(['dist', '--port', '0', '--spa', '-q'], { cwd })
    expect(header(await rawRequest(cli.port, request('GET', '/index.html')), 'cache-control')).toBe('no-cache')
    await sleep(100)
    expect(cli.stderr()).toBe('')
  })
})
