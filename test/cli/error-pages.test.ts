// Custom error pages through the real CLI: 404.html / 403.html / 50x.html at the root, or
// --error-page STATUS=FILE; the status kept, the bytes the file's, compressed like any file, never a
// 304 or a 206, HEAD right, and never served as a route of its own when the allowlist does not list it.
import { mkdirSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { brotliDecompressSync } from 'node:zlib'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { rawRequest, type RawResponse } from '../helpers/raw-client.js'
import { cleanupTemp, ensureBuilt, killAll, request, sleep, spawnCli, startCli, tempDir } from './helpers.js'

beforeAll(ensureBuilt, 200_000)
afterEach(killAll)
afterAll(cleanupTemp)

const header = (res: RawResponse, name: string): string | undefined => res.headers.get(name)?.[0]

// Compressible (text/html) and above static's 1 KiB threshold: static makes a br variant of it.
const PAGE_404 = `<!doctype html><title>Not found</title><h1>Nothing here</h1>${'<p>Try the home page, or the search box above.</p>\n'.repeat(40)}`
const PAGE_403 = '<!doctype html><title>Forbidden</title><h1>Not for you</h1>\n'
const DENIED = '<!doctype html><title>Denied</title><h1>Denied by policy</h1>\n'

function site(): { cwd: string; root: string } {
  const cwd = tempDir('tinyhttp-cli-error-pages-')
  const root = join(cwd, 'site')
  mkdirSync(join(root, 'errors'), { recursive: true })
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>home</title>\n')
  writeFileSync(join(root, '404.html'), PAGE_404)
  writeFileSync(join(root, 'errors', 'denied.html'), DENIED)
  writeFileSync(join(cwd, 'outside.html'), 'outside the root')
  return { cwd, root }
}

describe('404.html at the root, with --not-found 404', () => {
  it('status 404, the file\'s bytes and Content-Type; HEAD has the same fields and no body', async () => {
    const { cwd } = site()
    const cli = await startCli(['site', '--port', '0', '--allow', 'index.html', '--not-found', '404', '-q'], { cwd })
    const get = await rawRequest(cli.port, request('GET', '/missing/page'))
    expect(get.status).toBe(404)
    expect(get.body.toString()).toBe(PAGE_404)
    expect(header(get, 'content-type')).toBe('text/html; charset=utf-8')
    expect(header(get, 'content-length')).toBe(String(Buffer.byteLength(PAGE_404)))
    expect(header(get, 'accept-ranges')).toBeUndefined()
    expect(header(get, 'access-control-allow-origin')).toBe('*')
    const head = await rawRequest(cli.port, request('HEAD', '/missing/page'), { head: true })
    expect(head.status).toBe(404)
    expect(head.body.length).toBe(0)
    for (const name of ['content-type', 'content-length', 'etag', 'last-modified', 'cache-control', 'x-content-type-options']) {
      expect(header(head, name), name).toBe(header(get, name))
    }
  })

  it("gets the header rules of its own path (/404.html) from _headers, not those of the path asked for", async () => {
    const { cwd, root } = site()
    writeFileSync(join(root, '_headers'), '/404.html\n  X-Page: not-found\n  Cache-Control: no-store\n/missing/*\n  X-Asked: yes\n')
    const cli = await startCli(['site', '--port', '0', '--allow', 'index.html', '--not-found', '404', '-q'], { cwd })
    for (const method of ['GET', 'HEAD'] as const) {
      const res = await rawRequest(cli.port, request(method, '/missing/page'), { head: method === 'HEAD' })
      expect(res.status, method).toBe(404)
      expect(header(res, 'x-page'), method).toBe('not-found')
      expect(header(res, 'cache-control'), method).toBe('no-store')
      expect(header(res, 'x-asked'), method).toBeUndefined()
    }
    // The page is still no route of its own: the allowlist does not list it.
    expect((await rawRequest(cli.port, request('GET', '/404.html'))).status).toBe(404)
  })

  it('Content-Encoding br for a client that accepts it (once the variant is made), decoded = the file', async () => {
    const { cwd } = site()
    const cli = await startCli(['site', '--port', '0', '--allow', 'index.html', '--not-found', '404', '-q'], { cwd })
    let res: RawResponse | undefined
    // The first request starts static's compression job; identity is served meanwhile (never a wait).
    for (let i = 0; i < 50; i++) {
      res = await rawRequest(cli.port, request('GET', '/nope', { 'Accept-Encoding': 'gzip, deflate, br' }))
      if (header(res, 'content-encoding') === 'br') break
      await sleep(100)
    }
    expect(res?.status).toBe(404)
    expect(header(res as RawResponse, 'content-encoding')).toBe('br')
    expect(header(res as RawResponse, 'vary')).toMatch(/Accept-Encoding/i)
    expect(brotliDecompressSync((res as RawResponse).body).toString()).toBe(PAGE_404)
  })

  it('If-None-Match with the page\'s ETag is not a 304, Range is not a 206: the whole page, status 404', async () => {
    const { cwd } = site()
    const cli = await startCli(['site', '--port', '0', '--allow', 'index.html', '--not-found', '404', '-q'], { cwd })
    const first = await rawRequest(cli.port, request('GET', '/nope'))
    const etag = header(first, 'etag') as string
    expect(etag).toMatch(/^"/)
    const conditional = await rawRequest(cli.port, request('GET', '/nope', { 'If-None-Match': etag }))
    expect(conditional.status).toBe(404)
    expect(conditional.body.toString()).toBe(PAGE_404)
    const ranged = await rawRequest(cli.port, request('GET', '/nope', { Range: 'bytes=0-9' }))
    expect(ranged.status).toBe(404)
    expect(header(ranged, 'content-range')).toBeUndefined()
    expect(ranged.body.toString()).toBe(PAGE_404)
  })

  it('a direct request for the page is refused when the allowlist does not serve it', async () => {
    const { cwd } = site()
    const cli = await startCli(['site', '--port', '0', '--allow', 'index.html', '--not-found', '404', '-q'], { cwd })
    const direct = await rawRequest(cli.port, request('GET', '/404.html'))
    expect(direct.status).toBe(404)
    expect(direct.status).not.toBe(200)
  })

  it('the page goes away at run time: today\'s answer (empty 404), never a 500', async () => {
    const { cwd, root } = site()
    const cli = await startCli(['site', '--port', '0', '--allow', 'index.html', '--not-found', '404', '-q'], { cwd })
    expect((await rawRequest(cli.port, request('GET', '/nope'))).body.toString()).toBe(PAGE_404)
    unlinkSync(join(root, '404.html'))
    // The memory cache looks at a file again once a second; wait past that (bounded).
    await sleep(1100)
    const r = await rawRequest(cli.port, request('GET', '/nope'))
    expect(r.status).toBe(404)
    expect(r.body.length).toBe(0)
  })
})

describe('--error-page STATUS=FILE', () => {
  it('names the page of 403 refusals; a direct request for it is refused (403), never 200', async () => {
    const { cwd } = site()
    const cli = await startCli(['site', '--port', '0', '--allow', 'index.html', '--error-page', '403=errors/denied.html', '-q'], { cwd })
    const refused = await rawRequest(cli.port, request('GET', '/secret.txt'))
    expect(refused.status).toBe(403)
    expect(refused.body.toString()).toBe(DENIED)
    expect(header(refused, 'content-type')).toBe('text/html; charset=utf-8')
    const direct = await rawRequest(cli.port, request('GET', '/errors/denied.html'))
    expect(direct.status).toBe(403)
    // 405 keeps today's answer.
    const post = await rawRequest(cli.port, request('POST', '/index.html'))
    expect(post.status).toBe(405)
    expect(post.body.toString()).not.toContain('Denied by policy')
  })

  it('403.html at the root is used for 403 without a flag', async () => {
    const { cwd, root } = site()
    writeFileSync(join(root, '403.html'), PAGE_403)
    const cli = await startCli(['site', '--port', '0', '--allow', 'index.html', '-q'], { cwd })
    const r = await rawRequest(cli.port, request('GET', '/.env'))
    expect(r.status).toBe(403)
    expect(r.body.toString()).toBe(PAGE_403)
  })

  it('warns when a 404 page would never be shown (--not-found 403, no 403 page)', async () => {
    const { cwd } = site()
    const cli = await startCli(['site', '--port', '0', '--allow', 'index.html'], { cwd })
    await cli.waitForStderr(/404\.html is the page of 404 answers.*--not-found 404/, 10_000)
    const r = await rawRequest(cli.port, request('GET', '/nope'))
    expect(r.status).toBe(403)
    expect(r.body.length).toBe(0)
  })

  it.each([
    [['--error-page', '418=404.html'], /STATUS 403, 404 or 50x/],
    [['--error-page', '404'], /give a file/],
    [['--error-page', '404=../outside.html'], /inside the root/],
    [['--error-page', '404=/etc/passwd'], /relative to the root/],
    [['--error-page', '404=errors/none.html'], /does not exist/],
    [['--error-page', '404=errors'], /not a file/],
    [['--error-page', '404=.env'], /dotfile/],
    [['--error-page', '404=404.html', '--error-page', '404=errors/denied.html'], /given twice/],
  ])('refuses %j at start-up (exit 2)', async (flags, message) => {
    const { cwd } = site()
    const cli = spawnCli(['site', '--port', '0', ...flags], { cwd })
    const exit = await cli.exited(10_000)
    expect(exit.code).toBe(2)
    expect(cli.stderr()).toMatch(message)
  })
})
