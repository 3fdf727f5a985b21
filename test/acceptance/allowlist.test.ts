// Allowlist semantics over the wire: exactly the listed files, exact bytes, exact types; everything
// else a byte-identical empty 403 (no existence oracle); safe directory handling.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  ALLOW_WITH_SYMLINK,
  BIG_SHA256,
  FILE_TXT,
  INDEX_HTML,
  SPACE_TXT,
  STYLE_CSS,
  SUB_INDEX_HTML,
  SUB_PAGE_HTML,
  UNICODE_NAME,
  UNICODE_TXT,
  APP_JS,
  cliBuilt,
  download,
  expectAlive,
  expectNoSecrets,
  h,
  req,
  request,
  send,
  serve,
  sha256,
  show,
  topic,
  withoutDate,
  type Served,
} from './fixture.js'

const HTML = 'text/html; charset=utf-8'
const TEXT = 'text/plain; charset=utf-8'
const unicodeUpper = '/' + encodeURIComponent(UNICODE_NAME)
const unicodeLower = unicodeUpper.replace(/%[0-9A-F]{2}/g, m => m.toLowerCase())

/** Listed targets → exact bytes and Content-Type. */
const LISTED: Array<[target: string, body: Buffer, type: string]> = [
  ['/index.html', INDEX_HTML, HTML],
  ['/', INDEX_HTML, HTML],
  ['/style.css', STYLE_CSS, 'text/css; charset=utf-8'],
  ['/file.txt', FILE_TXT, TEXT],
  ['/sub/index.html', SUB_INDEX_HTML, HTML],
  ['/sub/', SUB_INDEX_HTML, HTML],
  ['/sub/page.html', SUB_PAGE_HTML, HTML],
  ['/empty.txt', Buffer.alloc(0), TEXT],
  ['/space%20name.txt', SPACE_TXT, TEXT],
  [unicodeUpper, UNICODE_TXT, TEXT],
  [unicodeLower, UNICODE_TXT, TEXT],
  ['/app.js', APP_JS, 'text/javascript; charset=utf-8'],
  ['/file.txt?x=1&y=/../secret.txt', FILE_TXT, TEXT],
]

/** Not listed (existing or not, any spelling that is not exactly a listed path) → 403, empty body. */
const NOT_LISTED = [
  '/secret.txt',
  '/missing.txt',
  '/x.html',
  '/FILE.TXT',
  '/File.txt',
  '/file.TXT',
  '/Index.html',
  '/SUB/page.html',
  '/sub/missing.html',
  '/sub/page',
  '/file',
  '/file.tx',
  '/ile.txt',
  '/file.txt.bak',
  '/file.txtx',
  '/index.htm',
  '/.env',
  '/.hidden/x.txt',
  '/private/s.txt',
  '/private/',
  '/private',
  '/app.js.gz',
  '/app.js.br',
  '/secret.js',
  '/secret.js.gz',
  '/link.txt',
  '/space+name.txt',
  '/space%2520name.txt',
  '/package.json',
]

describe.skipIf(!cliBuilt())(topic('allowlist semantics'), () => {
  let s: Served
  beforeAll(async () => {
    s = await serve()
  })
  afterAll(async () => {
    await s?.stop()
  })

  test.each(LISTED)('GET %s → 200 with the exact bytes and Content-Type', async (target, body, type) => {
    const res = await request(s.port, 'GET', target)
    expect(res.status, show(res)).toBe(200)
    expect(h(res, 'content-type'), show(res)).toBe(type)
    expect(h(res, 'content-length')).toBe(String(body.length))
    expect(res.body.equals(body), `body of ${target}`).toBe(true)
  })

  test('GET /big.bin → 200 application/octet-stream, exact 5 MiB', async () => {
    const res = await download(s.port, req('GET', '/big.bin'))
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')?.[0]).toBe('application/octet-stream')
    expect(res.body.length).toBe(5 * 1024 * 1024)
    expect(sha256(res.body)).toBe(BIG_SHA256)
  })

  test('absolute-form GET http://localhost/file.txt → 200 (RFC 9112 §3.2.2 MUST accept)', async () => {
    const res = await send(s.port, 'GET http://localhost/file.txt HTTP/1.1\r\nHost: localhost\r\n\r\n')
    expect(res.status, show(res)).toBe(200)
    expect(res.body.equals(FILE_TXT)).toBe(true)
  })

  test.each(NOT_LISTED)('GET %s → 403 with an empty body', async target => {
    const res = await request(s.port, 'GET', target)
    expect(res.status, show(res)).toBe(403)
    expect(res.body.length, show(res)).toBe(0)
    expect(h(res, 'content-length') ?? '0').toBe('0')
    expectNoSecrets(res.body, target)
  })

  test.each(NOT_LISTED.slice(0, 6))('HEAD %s → 403 with no body', async target => {
    const res = await request(s.port, 'HEAD', target)
    expect(res.status, show(res)).toBe(403)
    expect(res.body.length).toBe(0)
  })

  test('GET /sub → 301 with a relative Location: /sub/ and no file bytes', async () => {
    const res = await request(s.port, 'GET', '/sub')
    expect([301, 308], show(res)).toContain(res.status)
    expect(h(res, 'location')).toBe('/sub/')
    expect(res.body.includes(SUB_INDEX_HTML)).toBe(false)
  })

  test('GET /sub?a=1 → redirect keeps a same-origin Location under /sub/', async () => {
    const res = await request(s.port, 'GET', '/sub?a=1')
    expect([301, 308], show(res)).toContain(res.status)
    expect(h(res, 'location') ?? '', show(res)).toMatch(/^\/sub\/(\?a=1)?$/)
  })

  test('HEAD /sub → same redirect, no body', async () => {
    const res = await request(s.port, 'HEAD', '/sub')
    expect([301, 308], show(res)).toContain(res.status)
    expect(h(res, 'location')).toBe('/sub/')
  })

  test.each(['/file.txt/', '/sub/page.html/', '/index.html/', '/empty.txt/'])('GET %s (slash after a file) → 404 or 403, never the file', async target => {
    const res = await request(s.port, 'GET', target)
    expect([403, 404], show(res)).toContain(res.status)
    expect(res.body.length === 0 || !res.body.includes(FILE_TXT)).toBe(true)
  })

  test('403 is byte-identical (Date stripped) for existing and missing forbidden files, whatever the request headers', async () => {
    const variants: Array<Record<string, string>> = [{}, { Range: 'bytes=0-1' }, { 'If-None-Match': '*' }, { Range: 'bytes=100-' }, { 'If-Match': '"nope"' }, { Origin: 'https://x.example' }]
    for (const headers of variants) {
      const seen = new Map<string, string>()
      for (const target of ['/secret.txt', '/missing.txt', '/private/s.txt', '/nope/nope.txt', '/.env']) {
        const res = await request(s.port, 'GET', target, headers)
        expect(res.status, `${target} ${JSON.stringify(headers)}\n${show(res)}`).toBe(403)
        seen.set(target, withoutDate(res.rawHead) + '\r\n\r\n' + res.body.toString('latin1'))
      }
      const distinct = new Set(seen.values())
      expect(distinct.size, `403 differs between existing and missing files for ${JSON.stringify(headers)}:\n${[...seen].map(([k, v]) => `${k}:\n${v}`).join('\n---\n')}`).toBe(1)
      const first = [...seen.values()][0]!
      expect(first, 'a 403 for an unlisted path must not carry Content-Range/ETag/Last-Modified').not.toMatch(/^(content-range|etag|last-modified):/im)
    }
  })

  test('HEAD 403 is byte-identical for existing and missing forbidden files', async () => {
    const a = await request(s.port, 'HEAD', '/secret.txt')
    const b = await request(s.port, 'HEAD', '/missing.txt')
    expect(withoutDate(a.rawHead)).toBe(withoutDate(b.rawHead))
  })

  test('the server is still healthy after the table', async () => {
    await expectAlive(s.port, 'allowlist table')
  })
})

describe.skipIf(!cliBuilt())(topic('allowlist: an --allow entry that is a symlink out of the root'), () => {
  // The held-out suite starts the CLI with `--allow link.txt` (link.txt → ../outside.txt). The entry
  // must be refused (with a warning) and answered 403; the server itself must start and serve the rest.
  let s: Served | undefined
  let startError: unknown
  beforeAll(async () => {
    try {
      s = await serve([], ALLOW_WITH_SYMLINK)
    } catch (err) {
      startError = err
    }
  })
  afterAll(async () => {
    await s?.stop()
  })

  test('the CLI starts with --allow link.txt among the entries', () => {
    expect(startError === undefined ? '' : String(startError), 'CLI refused to start because of the symlink entry').toBe('')
  })

  test('GET /link.txt → 403, never the outside bytes', async () => {
    expect(s, 'CLI not running').toBeDefined()
    const res = await request(s!.port, 'GET', '/link.txt')
    expect(res.status, show(res)).toBe(403)
    expectNoSecrets(res.body, '/link.txt')
  })

  test('the other entries are served', async () => {
    expect(s, 'CLI not running').toBeDefined()
    await expectAlive(s!.port, 'symlink start-up')
  })
})
