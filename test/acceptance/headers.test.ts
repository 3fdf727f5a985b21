// Response headers of the default CLI: nosniff, Accept-Ranges, Last-Modified, strong ETag,
// Cache-Control: no-cache, Date, CORS on every outcome, exact Content-Length, no chunking.
import { describe, expect, test } from 'vitest'
import { brotliDecompressSync } from 'node:zlib'
import { APP_JS, FILE_TXT, FIXTURE_LM, IMF_FIXDATE, INDEX_HTML, STRONG_ETAG, STYLE_CSS, SUB_PAGE_HTML, cliBuilt, h, request, serveForSuite, show, tokens, topic, type RawResponse } from './fixture.js'

const FILES: Array<[target: string, length: number]> = [
  ['/file.txt', 20],
  ['/', INDEX_HTML.length],
  ['/style.css', STYLE_CSS.length],
  ['/sub/page.html', SUB_PAGE_HTML.length],
  ['/empty.txt', 0],
  ['/app.js', APP_JS.length],
]

/** Headers that must appear at most once in any response. */
const SINGLETONS = ['content-length', 'content-type', 'etag', 'last-modified', 'date', 'cache-control', 'access-control-allow-origin', 'content-range', 'location', 'accept-ranges', 'x-content-type-options']

function expectSingletons(res: RawResponse): void {
  for (const name of SINGLETONS) expect(res.headers.get(name)?.length ?? 0, `${name} appears more than once\n${show(res)}`).toBeLessThanOrEqual(1)
}

describe.skipIf(!cliBuilt())(topic('response headers'), () => {
  const suite = serveForSuite()

  test.each(FILES)('GET %s: the full header set of a file response', async (target, length) => {
    const res = await request(suite.s.port, 'GET', target)
    expect(res.status, show(res)).toBe(200)
    expect(h(res, 'x-content-type-options')).toBe('nosniff')
    expect(h(res, 'accept-ranges')).toBe('bytes')
    expect(h(res, 'last-modified')).toBe(FIXTURE_LM)
    expect(h(res, 'etag') ?? '', 'strong ETag (no W/)').toMatch(STRONG_ETAG)
    expect(h(res, 'cache-control')).toBe('no-cache')
    expect(h(res, 'date') ?? '').toMatch(IMF_FIXDATE)
    expect(Math.abs(Date.parse(h(res, 'date')!) - Date.now()), 'Date is now').toBeLessThan(60_000)
    expect(h(res, 'access-control-allow-origin')).toBe('*')
    const exposed = tokens(res, 'access-control-expose-headers')
    expect(exposed).toContain('content-range')
    expect(exposed).toContain('etag')
    expect(res.headers.has('transfer-encoding'), 'no Transfer-Encoding on a file response').toBe(false)
    expect(h(res, 'content-length')).toBe(String(length))
    expect(res.body.length).toBe(length)
    expect(res.headers.has('access-control-allow-credentials')).toBe(false)
    expectSingletons(res)
  })

  test('GET /big.bin: Content-Type application/octet-stream, exact Content-Length, no chunking', async () => {
    const res = await request(suite.s.port, 'HEAD', '/big.bin')
    expect(res.status).toBe(200)
    expect(h(res, 'content-type')).toBe('application/octet-stream')
    expect(h(res, 'content-length')).toBe(String(5 * 1024 * 1024))
    expect(res.headers.has('transfer-encoding')).toBe(false)
    expect(h(res, 'x-content-type-options')).toBe('nosniff')
  })

  test('ETags are stable across requests and differ between files', async () => {
    const tags = new Map<string, string>()
    for (const [target] of FILES) {
      const a = h(await request(suite.s.port, 'GET', target), 'etag')
      const b = h(await request(suite.s.port, 'HEAD', target), 'etag')
      expect(a, target).toBe(b)
      tags.set(target, a!)
    }
    // '/' and '/index.html' are the same file; the others must differ.
    expect(new Set(tags.values()).size).toBe(tags.size)
  })

  // Changed by issue 11: the CLI compresses by default (--compress). Without --precompressed the .br/.gz
  // siblings on disk are never sent: the br bytes are made at run time (identity until they are ready).
  test('without --precompressed, the siblings on disk are not used: identity, then br made at run time (decoded = the file)', async () => {
    let res = await request(suite.s.port, 'GET', '/app.js', { 'Accept-Encoding': 'br' })
    for (let i = 0; i < 100 && h(res, 'content-encoding') === undefined; i++) {
      expect(res.body.equals(APP_JS)).toBe(true)
      await new Promise(resolve => setTimeout(resolve, 20))
      res = await request(suite.s.port, 'GET', '/app.js', { 'Accept-Encoding': 'br' })
    }
    expect(res.status).toBe(200)
    expect(h(res, 'content-encoding')).toBe('br')
    expect(tokens(res, 'vary')).toContain('accept-encoding')
    expect(brotliDecompressSync(res.body).equals(APP_JS)).toBe(true)
    // A made variant's ETag is the file's with -br (a sibling's would be the hash of app.js.br).
    const identity = h(await request(suite.s.port, 'GET', '/app.js'), 'etag') as string
    expect(h(res, 'etag')).toBe(`${identity.slice(0, -1)}-br"`)
  })

  const OUTCOMES: Array<[label: string, method: string, target: string, headers: Record<string, string>, status: number[]]> = [
    ['200', 'GET', '/file.txt', {}, [200]],
    ['206', 'GET', '/file.txt', { Range: 'bytes=0-1' }, [206]],
    ['304', 'GET', '/file.txt', { 'If-None-Match': 'ETAG' }, [304]],
    ['403', 'GET', '/secret.txt', {}, [403]],
    ['404 (or 403) for a slash after a file', 'GET', '/file.txt/', {}, [403, 404]],
    ['405', 'DELETE', '/file.txt', {}, [405]],
    ['412', 'GET', '/file.txt', { 'If-Match': '"nope"' }, [412]],
    ['416', 'GET', '/file.txt', { Range: 'bytes=100-' }, [416]],
    ['301', 'GET', '/sub', {}, [301, 308]],
    ['HEAD 200', 'HEAD', '/file.txt', {}, [200]],
  ]
  test.each(OUTCOMES)('%s: Access-Control-Allow-Origin: *, Date, no Transfer-Encoding', async (_label, method, target, headers, status) => {
    const hdrs = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v === 'ETAG' ? suite.etag : v]))
    const res = await request(suite.s.port, method, target, { Origin: 'https://x.example', ...hdrs })
    expect(status, show(res)).toContain(res.status)
    expect(h(res, 'access-control-allow-origin'), show(res)).toBe('*')
    expect(h(res, 'date') ?? '', show(res)).toMatch(IMF_FIXDATE)
    expect(res.headers.has('transfer-encoding'), show(res)).toBe(false)
    expectSingletons(res)
    // A body-bearing status announces its exact length.
    if (res.status !== 304 && method !== 'HEAD') {
      expect(h(res, 'content-length'), show(res)).toBe(String(res.body.length))
    }
  })

  test('206 exposes Content-Range to scripts (Access-Control-Expose-Headers)', async () => {
    const res = await request(suite.s.port, 'GET', '/file.txt', { Origin: 'https://x.example', Range: 'bytes=0-1' })
    expect(res.status).toBe(206)
    expect(tokens(res, 'access-control-expose-headers')).toContain('content-range')
    expect(res.body.equals(FILE_TXT.subarray(0, 2))).toBe(true)
  })

  test('error bodies (403/404/405/412/416) contain no filesystem path', async () => {
    for (const [, method, target, headers] of OUTCOMES.slice(3, 8)) {
      const res = await request(suite.s.port, method, target, headers)
      const text = res.body.toString('latin1')
      expect(text.includes(suite.s.site.base), `${method} ${target} leaks the root path`).toBe(false)
      expect(text).not.toMatch(/\n\s+at /)
    }
  })
})
