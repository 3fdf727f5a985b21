/**
 * serveStatic on a real socket: the bytes of 200/HEAD/304/206/416/412/405/301/404/400 responses,
 * the research vectors C1–C17, RG1–RG15 and H1–H4 as they appear on the wire.
 */
import { createHash, randomBytes } from 'node:crypto'
import { symlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { Middleware } from 'tinyhttp-core'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { cleanup, makeRoot, start } from './fixture.js'
import { parseByteranges } from '../helpers/multipart-parse.js'
import { RawClient, header, request, send, type WireResponse } from './raw-http.js'

afterEach(cleanup)

const TEXT = '0123456789abcdefghij' // 20 bytes, the research file
const BIG = randomBytes(1024 * 1024 + 1) // one byte above the default in-memory limit (memoryCacheMaxFileSize)
const HUGE = randomBytes(1024 * 1024 + 300 * 1024)
const LIMIT = randomBytes(1024 * 1024) // exactly the default in-memory limit

/** A cors-like plugin: adds its headers on the way out, on every outcome. */
const corsLike: Middleware = async (ctx, next) => {
  await next()
  ctx.res.headers.set('Access-Control-Allow-Origin', '*')
  ctx.res.headers.append('Vary', 'Origin')
}

let root: string
let port: number

beforeEach(async () => {
  root = makeRoot({
    'file.txt': TEXT,
    'empty.txt': '',
    'app.js': 'console.log(1)\n',
    'big.bin': BIG,
    'huge.bin': HUGE,
    'limit.bin': LIMIT,
    'index.html': '<p>root</p>',
    'sub/index.html': '<p>sub</p>',
    'sp ace/index.html': '<p>space</p>',
    'nodir/readme.txt': 'x',
    '.env': 'SECRET=1',
    '.hidden/x.txt': 'hidden',
    'unknown.zzz': 'z',
  })
  writeFileSync(path.join(root, '..', 'outside.txt'), 'OUTSIDE')
  symlinkSync(path.join(root, '..', 'outside.txt'), path.join(root, 'link.txt'))
  ;({ port } = await start(root, undefined, [corsLike]))
})

function noField(res: WireResponse, ...names: string[]): void {
  for (const name of names) expect(res.headers.has(name.toLowerCase()), `${name} must be absent`).toBe(false)
}

describe('200 and HEAD (H1, H2)', () => {
  it('GET: bytes, type, nosniff, length, Last-Modified, strong ETag, Accept-Ranges, no-cache, and the plugin headers', async () => {
    const r = await send(port, 'GET', '/file.txt')
    expect(r.statusLine).toBe('HTTP/1.1 200 OK')
    expect(r.body.toString()).toBe(TEXT)
    expect(header(r, 'content-type')).toBe('text/plain; charset=utf-8')
    expect(header(r, 'x-content-type-options')).toBe('nosniff')
    expect(header(r, 'content-length')).toBe('20')
    expect(header(r, 'etag')).toMatch(/^"[A-Za-z0-9_-]{43}"$/)
    expect(header(r, 'last-modified')).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/)
    expect(header(r, 'cache-control')).toBe('no-cache')
    expect(header(r, 'accept-ranges')).toBe('bytes')
    expect(header(r, 'access-control-allow-origin')).toBe('*')
    expect(header(r, 'date')).toBeDefined()
    expect(r.headers.get('vary')).toEqual(['Origin']) // no Accept-Encoding: precompressed is off
    expect(r.headers.get('etag')).toHaveLength(1)
  })

  it('H1: HEAD has the GET fields, the GET Content-Length, and no body', async () => {
    const get = await send(port, 'GET', '/file.txt')
    const c = await RawClient.connect(port)
    c.write(request('HEAD', '/file.txt'))
    const head = await c.readResponse({ head: true })
    await new Promise(r => setTimeout(r, 100))
    expect(c.pending.length).toBe(0)
    c.close()
    expect(head.status).toBe(200)
    for (const name of ['content-type', 'content-length', 'etag', 'last-modified', 'cache-control', 'accept-ranges', 'access-control-allow-origin', 'vary']) {
      expect(header(head, name), name).toBe(header(get, name))
    }
  })

  it('H1: HEAD of a big file announces its length and opens nothing', async () => {
    const c = await RawClient.connect(port)
    c.write(request('HEAD', '/huge.bin'))
    const head = await c.readResponse({ head: true })
    await new Promise(r => setTimeout(r, 100))
    expect(c.pending.length).toBe(0)
    c.close()
    expect(header(head, 'content-length')).toBe(String(HUGE.length))
    expect(header(head, 'etag')).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/)
  })

  it('H2: pipelined HEAD then GET on one socket are both well-formed', async () => {
    for (const file of ['/file.txt', '/big.bin']) {
      const c = await RawClient.connect(port)
      c.write(request('HEAD', file) + request('GET', file))
      const head = await c.readResponse({ head: true })
      const get = await c.readResponse()
      c.close()
      expect(head.status).toBe(200)
      expect(get.status).toBe(200)
      expect(header(head, 'content-length')).toBe(header(get, 'content-length'))
      expect(get.body.equals(file === '/file.txt' ? Buffer.from(TEXT) : BIG)).toBe(true)
    }
  })

  it('a file of exactly 1 MiB (the default memoryCacheMaxFileSize) is served from memory: byte-exact, with a content-hash ETag', async () => {
    const r = await send(port, 'GET', '/limit.bin')
    expect(r.status).toBe(200)
    expect(header(r, 'content-length')).toBe(String(LIMIT.length))
    expect(r.body.equals(LIMIT)).toBe(true)
    // In memory the ETag is the base64url SHA-256 of the bytes; from disk it would be "<size hex>-<mtime hex>".
    expect(header(r, 'etag')).toBe(`"${createHash('sha256').update(LIMIT).digest('base64url')}"`)
  })

  it('a file of 1 MiB + 1 byte streams byte-exact, with a stat ETag', async () => {
    const r = await send(port, 'GET', '/big.bin')
    expect(r.status).toBe(200)
    expect(header(r, 'content-length')).toBe(String(BIG.length))
    expect(r.body.equals(BIG)).toBe(true)
    expect(header(r, 'etag')).toMatch(new RegExp(`^"${BIG.length.toString(16)}-[0-9a-f]+"$`))
    expect(header(r, 'content-type')).toBe('application/octet-stream')
  })

  it('a 1.3 MiB file over several keep-alive requests stays byte-exact', async () => {
    const c = await RawClient.connect(port)
    for (let i = 0; i < 3; i++) {
      c.write(request('GET', '/huge.bin'))
      const r = await c.readResponse()
      expect(r.body.equals(HUGE)).toBe(true)
    }
    c.close()
  })

  it('an empty file, an unknown extension, the root index', async () => {
    const empty = await send(port, 'GET', '/empty.txt')
    expect(empty.status).toBe(200)
    expect(header(empty, 'content-length')).toBe('0')
    const unknown = await send(port, 'GET', '/unknown.zzz')
    expect(header(unknown, 'content-type')).toBe('application/octet-stream')
    const index = await send(port, 'GET', '/')
    expect(index.body.toString()).toBe('<p>root</p>')
    expect(header(index, 'content-type')).toBe('text/html; charset=utf-8')
  })
})

describe('304 (C1–C7, C17, H4)', () => {
  let etag: string
  let lastModified: string
  beforeEach(async () => {
    const r = await send(port, 'GET', '/file.txt')
    etag = header(r, 'etag') as string
    lastModified = header(r, 'last-modified') as string
  })

  function expect304(r: WireResponse): void {
    expect(r.statusLine).toBe('HTTP/1.1 304 Not Modified')
    expect(header(r, 'etag')).toBe(etag)
    expect(header(r, 'cache-control')).toBe('no-cache')
    expect(header(r, 'date')).toBeDefined()
    expect(header(r, 'access-control-allow-origin')).toBe('*')
    expect(r.headers.get('vary')).toEqual(['Origin'])
    noField(r, 'Content-Type', 'Content-Length', 'Content-Encoding', 'Content-Range', 'Accept-Ranges', 'Transfer-Encoding', 'Last-Modified', 'X-Content-Type-Options')
  }

  it('C1: If-None-Match exact → 304 with the right fields and zero body bytes', async () => {
    const c = await RawClient.connect(port)
    c.write(request('GET', '/file.txt', { 'If-None-Match': etag }) + request('GET', '/app.js'))
    const r = await c.readResponse()
    expect304(r)
    const next = await c.readResponse() // the next response starts right after the 304 head
    expect(next.body.toString()).toBe('console.log(1)\n')
    c.close()
  })
  it('C2: a list with the weak form', async () => {
    expect304(await send(port, 'GET', '/file.txt', { 'If-None-Match': `"x", W/${etag}` }))
  })
  it('C3: If-None-Match: *', async () => {
    expect304(await send(port, 'GET', '/file.txt', { 'If-None-Match': '*' }))
  })
  it('C4: If-None-Match: * on a missing file or a dotfile → falls through (404), not 304/412', async () => {
    for (const p of ['/nope.txt', '/.env']) {
      const r = await send(port, 'GET', p, { 'If-None-Match': '*' })
      expect(r.status).toBe(404)
      noField(r, 'ETag')
    }
  })
  it('C5: non-matching INM wins over a future IMS', async () => {
    const r = await send(port, 'GET', '/file.txt', { 'If-None-Match': '"nomatch"', 'If-Modified-Since': 'Fri, 01 Jan 2100 00:00:00 GMT' })
    expect(r.status).toBe(200)
    expect(r.body.toString()).toBe(TEXT)
  })
  it('C6: If-Modified-Since equal to Last-Modified → 304 (ETag, no Last-Modified needed)', async () => {
    expect304(await send(port, 'GET', '/file.txt', { 'If-Modified-Since': lastModified }))
  })
  it('C7: If-Modified-Since garbage or two dates → 200', async () => {
    for (const value of ['garbage', `${lastModified}, ${lastModified}`]) {
      const r = await send(port, 'GET', '/file.txt', { 'If-Modified-Since': value })
      expect(r.status).toBe(200)
    }
  })
  it('C17: request Cache-Control: no-cache + matching INM → 304 (pinned)', async () => {
    expect304(await send(port, 'GET', '/file.txt', { 'If-None-Match': etag, 'Cache-Control': 'no-cache' }))
  })
  it('H4: HEAD + matching INM → 304, no body', async () => {
    expect304(await send(port, 'HEAD', '/file.txt', { 'If-None-Match': etag }))
  })
  it('304 for a file streamed from disk too, and no body bytes follow', async () => {
    const first = await send(port, 'GET', '/huge.bin')
    const c = await RawClient.connect(port)
    c.write(request('GET', '/huge.bin', { 'If-None-Match': header(first, 'etag') as string }))
    const r = await c.readResponse()
    await new Promise(res => setTimeout(res, 100))
    expect(r.status).toBe(304)
    expect(c.pending.length).toBe(0)
    c.close()
  })
})

describe('412 (C8–C10)', () => {
  it.each([
    ['C8 If-Match no match', { 'If-Match': '"nope"' }],
    ['C10 If-Unmodified-Since epoch', { 'If-Unmodified-Since': 'Thu, 01 Jan 1970 00:00:00 GMT' }],
  ])('%s → 412 without validators or body', async (_id, fields) => {
    const r = await send(port, 'GET', '/file.txt', fields)
    expect(r.statusLine).toBe('HTTP/1.1 412 Precondition Failed')
    expect(header(r, 'content-length')).toBe('0')
    expect(r.body.length).toBe(0)
    expect(header(r, 'access-control-allow-origin')).toBe('*')
    noField(r, 'Content-Type', 'ETag', 'Last-Modified', 'Cache-Control', 'Content-Range')
  })
  it('C9: If-Match with the weak form of the current tag → 412 (strong comparison)', async () => {
    const etag = header(await send(port, 'GET', '/file.txt'), 'etag') as string
    expect((await send(port, 'GET', '/file.txt', { 'If-Match': `W/${etag}` })).status).toBe(412)
    expect((await send(port, 'GET', '/file.txt', { 'If-Match': etag })).status).toBe(200)
    expect((await send(port, 'GET', '/file.txt', { 'If-Match': '*' })).status).toBe(200)
  })
})

describe('ranges (RG1–RG15, C11–C13)', () => {
  const get = (range: string, extra: Record<string, string> = {}, file = '/file.txt') => send(port, 'GET', file, { Range: range, ...extra })

  it.each([
    ['RG1', 'bytes=0-0', 'bytes 0-0/20', '0'],
    ['RG2', 'bytes=-5', 'bytes 15-19/20', 'fghij'],
    ['RG3', 'bytes=15-', 'bytes 15-19/20', 'fghij'],
    ['RG3', 'bytes=15-999', 'bytes 15-19/20', 'fghij'],
    ['RG7', 'bytes=0-99999999999999999999999', 'bytes 0-19/20', TEXT],
  ])('%s %s → 206 %s', async (_id, range, contentRange, body) => {
    const r = await get(range)
    expect(r.statusLine).toBe('HTTP/1.1 206 Partial Content')
    expect(header(r, 'content-range')).toBe(contentRange)
    expect(header(r, 'content-length')).toBe(String(body.length))
    expect(r.body.toString()).toBe(body)
    expect(header(r, 'content-type')).toBe('text/plain; charset=utf-8')
    expect(header(r, 'etag')).toBeDefined()
  })

  it.each([
    ['RG4 bytes=5-2', 'bytes=5-2'],
    ['RG9 bytes=0-1x', 'bytes=0-1x'],
    ['RG9 bytes=a-b', 'bytes=a-b'],
    ['RG9 bytes= 0-1', 'bytes= 0-1'],
    ['RG9 bytes=0--1', 'bytes=0--1'],
    ['RG10 items=0-1', 'items=0-1'],
    ['RG12 (1000 × 0-19)', 'bytes=' + Array(1000).fill('0-19').join(',')],
  ])('%s → 200 full', async (_id, range) => {
    const r = await get(range)
    expect(r.status).toBe(200)
    expect(r.body.toString()).toBe(TEXT)
    noField(r, 'Content-Range')
  })

  it.each([
    ['RG5', 'bytes=20-'],
    ['RG5', 'bytes=100-'],
    ['RG6', 'bytes=-0'],
    ['RG8', 'bytes=99999999999999999999-'],
  ])('%s %s → 416 bytes */20, no file bytes', async (_id, range) => {
    const r = await get(range)
    expect(r.statusLine).toBe('HTTP/1.1 416 Range Not Satisfiable')
    expect(header(r, 'content-range')).toBe('bytes */20')
    expect(header(r, 'content-length')).toBe('0')
    expect(r.body.length).toBe(0)
    noField(r, 'Content-Type', 'ETag', 'Cache-Control')
  })

  it('RG13: empty file, bytes=0- → 416 bytes */0', async () => {
    const r = await get('bytes=0-', {}, '/empty.txt')
    expect(r.status).toBe(416)
    expect(header(r, 'content-range')).toBe('bytes */0')
  })

  it('RG14: HEAD ignores Range → 200 with the full Content-Length', async () => {
    const r = await send(port, 'HEAD', '/file.txt', { Range: 'bytes=0-1' })
    expect(r.status).toBe(200)
    expect(header(r, 'content-length')).toBe('20')
    noField(r, 'Content-Range')
  })

  it('RG15: Range on a file that is not served (dotfile, missing) → no Content-Range, no size leak', async () => {
    for (const p of ['/.env', '/nope.txt']) {
      const r = await get('bytes=0-1', {}, p)
      expect(r.status).toBe(404)
      noField(r, 'Content-Range')
    }
  })

  it('RG11: two ranges → multipart/byteranges that parses, from memory (Content-Length)', async () => {
    const r = await get('bytes=0-1,4-5')
    expect(r.status).toBe(206)
    const type = header(r, 'content-type') as string
    const m = /^multipart\/byteranges; boundary=([0-9a-f]{24})$/.exec(type)
    expect(m).not.toBeNull()
    expect(header(r, 'content-length')).toBe(String(r.body.length))
    const parts = parseByteranges(r.body, (m as RegExpExecArray)[1] as string)
    expect(parts.map(p => [p.headers['content-type'], p.headers['content-range'], p.data.toString()])).toEqual([
      ['text/plain; charset=utf-8', 'bytes 0-1/20', '01'],
      ['text/plain; charset=utf-8', 'bytes 4-5/20', '45'],
    ])
    noField(r, 'Content-Range')
  })

  it('multipart from a file on disk (chunked) parses and is byte-exact', async () => {
    const r = await get('bytes=0-9,70000-70009,-10', {}, '/huge.bin')
    expect(r.status).toBe(206)
    const boundary = (header(r, 'content-type') as string).split('boundary=')[1] as string
    const parts = parseByteranges(r.body, boundary)
    const size = HUGE.length
    expect(parts.map(p => p.headers['content-range'])).toEqual([
      `bytes 0-9/${size}`,
      `bytes 70000-70009/${size}`,
      `bytes ${size - 10}-${size - 1}/${size}`,
    ])
    expect(parts[0]?.data.equals(HUGE.subarray(0, 10))).toBe(true)
    expect(parts[1]?.data.equals(HUGE.subarray(70000, 70010))).toBe(true)
    expect(parts[2]?.data.equals(HUGE.subarray(size - 10))).toBe(true)
  })

  it('overlapping ranges within the size are merged into one 206', async () => {
    const r = await get('bytes=0-5,3-8')
    expect(r.status).toBe(206)
    expect(header(r, 'content-range')).toBe('bytes 0-8/20')
    expect(r.body.toString()).toBe('012345678')
  })

  it('a single range of a big file comes from disk, byte-exact', async () => {
    const r = await get('bytes=100000-200000', {}, '/huge.bin')
    expect(r.status).toBe(206)
    expect(header(r, 'content-range')).toBe(`bytes 100000-200000/${HUGE.length}`)
    expect(r.body.equals(HUGE.subarray(100000, 200001))).toBe(true)
  })

  it('C11–C13: If-Range', async () => {
    const full = await send(port, 'GET', '/file.txt')
    const etag = header(full, 'etag') as string
    const lm = header(full, 'last-modified') as string
    expect((await get('bytes=0-1', { 'If-Range': etag })).status).toBe(206) // C11
    expect((await get('bytes=0-1', { 'If-Range': '"stale"' })).status).toBe(200) // C12
    expect((await get('bytes=0-1', { 'If-Range': `W/${etag}` })).status).toBe(200) // C12
    expect((await get('bytes=0-1', { 'If-Range': 'Thu, 01 Jan 1970 00:00:00 GMT' })).status).toBe(200) // C13
    // The exact Last-Modified date counts only when it is at least a second old (strong).
    const exact = await get('bytes=0-1', { 'If-Range': lm })
    expect([200, 206]).toContain(exact.status)
  })

  it('preconditions come before Range: matching INM + Range → 304; failing If-Match + Range → 412', async () => {
    const etag = header(await send(port, 'GET', '/file.txt'), 'etag') as string
    expect((await get('bytes=0-1', { 'If-None-Match': etag })).status).toBe(304)
    expect((await get('bytes=0-1', { 'If-Match': '"nope"' })).status).toBe(412)
  })
})

describe('methods, directories, refusals', () => {
  it('405 with Allow: GET, HEAD for other methods on a served file (C14: before preconditions)', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']) {
      const r = await send(port, method, '/file.txt', { 'If-None-Match': '*', 'Content-Length': '0' })
      expect(r.statusLine).toBe('HTTP/1.1 405 Method Not Allowed')
      expect(header(r, 'allow')).toBe('GET, HEAD')
      expect(r.body.length).toBe(0)
      noField(r, 'ETag', 'Content-Type')
    }
  })

  it('non-GET on a path that is not served falls through', async () => {
    const r = await send(port, 'POST', '/nope.txt', { 'Content-Length': '0' })
    expect(r.status).toBe(404)
  })

  it("methodNotAllowed: 'next' falls through", async () => {
    const other = await start(root, { methodNotAllowed: 'next' }, [])
    const r = await send(other.port, 'POST', '/file.txt', { 'Content-Length': '0' })
    expect(r.status).toBe(404)
    noField(r, 'Allow')
  })

  it('R4: /sub → 301 Location: /sub/ (relative, no body); /sub/ → index', async () => {
    const r = await send(port, 'GET', '/sub')
    expect(r.statusLine).toBe('HTTP/1.1 301 Moved Permanently')
    expect(header(r, 'location')).toBe('/sub/')
    expect(r.body.length).toBe(0)
    const index = await send(port, 'GET', '/sub/')
    expect(index.body.toString()).toBe('<p>sub</p>')
  })

  it('R5/R6: the query is kept percent-encoded; Host never reaches the Location', async () => {
    const r = await send(port, 'GET', '/sub?next=//evil.com', { Host: 'evil.com' })
    expect(header(r, 'location')).toBe('/sub/?next=%2F%2Fevil.com')
    expect(header(r, 'location')).not.toContain('evil.com/')
  })

  it('the Location of an encoded directory name is encoded', async () => {
    const r = await send(port, 'GET', '/sp%20ace')
    expect(header(r, 'location')).toBe('/sp%20ace/')
  })

  it('R1–R3: redirect attacks are 400 before anything else', async () => {
    for (const target of ['//evil.com/%2e%2e/sub', '/%5cevil.com/%2e%2e/sub', '///evil.com/%2e%2e/sub', '/sub/%2e%2e/sub']) {
      const r = await send(port, 'GET', target)
      expect(r.status, target).toBe(400)
      noField(r, 'Location')
    }
  })

  it('a directory without index falls through; /file.txt/ → 404 without body', async () => {
    expect((await send(port, 'GET', '/nodir')).status).toBe(404)
    expect((await send(port, 'GET', '/nodir/')).status).toBe(404)
    const r = await send(port, 'GET', '/file.txt/')
    expect(r.status).toBe(404)
    expect(r.body.length).toBe(0)
  })

  it('dotfiles, symlinks out of the root and traversal are never served', async () => {
    for (const target of ['/.env', '/.hidden/x.txt', '/link.txt', '/%2eenv']) {
      const r = await send(port, 'GET', target)
      expect(r.status, target).toBe(404)
      expect(r.body.toString()).not.toContain('SECRET')
      expect(r.body.toString()).not.toContain('OUTSIDE')
    }
    for (const target of ['/../outside.txt', '/%2e%2e/outside.txt', '/file.txt%00', '/sub%2findex.html']) {
      expect((await send(port, 'GET', target)).status, target).toBe(400)
    }
  })
})

describe('options on the wire', () => {
  it('maxAge + immutable, etag: false, lastModified: false, acceptRanges: false', async () => {
    const s = await start(root, { maxAge: 31536000, immutable: true, etag: false, lastModified: false, acceptRanges: false })
    const r = await send(s.port, 'GET', '/file.txt', { Range: 'bytes=0-1' })
    expect(r.status).toBe(200)
    expect(header(r, 'cache-control')).toBe('public, max-age=31536000, immutable')
    noField(r, 'ETag', 'Last-Modified', 'Accept-Ranges', 'Content-Range')
    const notMod = await send(s.port, 'GET', '/file.txt', { 'If-None-Match': '*' })
    expect(notMod.status).toBe(304)
    expect(header(notMod, 'cache-control')).toBe('public, max-age=31536000, immutable')
  })

  it('maxAge/immutable never apply to HTML: pages get no-cache (200 and 304); htmlCacheControl overrides', async () => {
    const s = await start(root, { maxAge: 31536000, immutable: true })
    expect(header(await send(s.port, 'GET', '/file.txt'), 'cache-control')).toBe('public, max-age=31536000, immutable')
    for (const path of ['/index.html', '/', '/sub/']) {
      const page = await send(s.port, 'GET', path)
      expect(page.status, path).toBe(200)
      expect(header(page, 'cache-control'), path).toBe('no-cache')
      const again = await send(s.port, 'GET', path, { 'If-None-Match': header(page, 'etag') as string })
      expect(again.status, path).toBe(304)
      expect(header(again, 'cache-control'), path).toBe('no-cache')
    }
    const custom = await start(root, { maxAge: 600, htmlCacheControl: 'public, max-age=60' })
    expect(header(await send(custom.port, 'GET', '/index.html'), 'cache-control')).toBe('public, max-age=60')
    expect(header(await send(custom.port, 'GET', '/file.txt'), 'cache-control')).toBe('public, max-age=600')
    const none = await start(root, { maxAge: 600, htmlCacheControl: false })
    noField(await send(none.port, 'GET', '/index.html'), 'Cache-Control')
    // An explicit cacheControl is the user's exact choice: it applies to pages too.
    const explicit = await start(root, { cacheControl: 'private, max-age=5' })
    expect(header(await send(explicit.port, 'GET', '/index.html'), 'cache-control')).toBe('private, max-age=5')
  })

  it('cacheControl: false sends none; mimeTypes overrides', async () => {
    const s = await start(root, { cacheControl: false, mimeTypes: { zzz: 'text/x-zzz; charset=utf-8' } })
    const r = await send(s.port, 'GET', '/unknown.zzz')
    noField(r, 'Cache-Control')
    expect(header(r, 'content-type')).toBe('text/x-zzz; charset=utf-8')
  })

  it('index: false; dotfiles: true; followSymlinks: true', async () => {
    const s = await start(root, { index: false, dotfiles: true, followSymlinks: true })
    expect((await send(s.port, 'GET', '/sub')).status).toBe(404)
    expect((await send(s.port, 'GET', '/')).status).toBe(404)
    expect((await send(s.port, 'GET', '/.env')).body.toString()).toBe('SECRET=1')
    expect((await send(s.port, 'GET', '/link.txt')).body.toString()).toBe('OUTSIDE')
  })

  it('setHeaders runs for every answer about a file and its validators are the ones checked', async () => {
    const seen: string[] = []
    const s = await start(root, {
      setHeaders(res, file, stat) {
        seen.push(`${path.basename(file)}:${stat.size}`)
        res.headers.set('Cache-Control', 'private, max-age=7')
        res.headers.set('ETag', '"custom"')
        res.headers.set('X-Served-By', 'static')
      },
    }, [corsLike])
    const ok = await send(s.port, 'GET', '/file.txt')
    expect(header(ok, 'etag')).toBe('"custom"')
    expect(ok.headers.get('etag')).toHaveLength(1)
    expect(header(ok, 'cache-control')).toBe('private, max-age=7')
    expect(header(ok, 'x-served-by')).toBe('static')
    const nm = await send(s.port, 'GET', '/file.txt', { 'If-None-Match': '"custom"' })
    expect(nm.status).toBe(304)
    expect(header(nm, 'cache-control')).toBe('private, max-age=7')
    expect(header(nm, 'access-control-allow-origin')).toBe('*')
    noField(nm, 'Content-Type', 'Content-Length', 'Last-Modified', 'Accept-Ranges')
    const pf = await send(s.port, 'GET', '/file.txt', { 'If-Match': '"other"' })
    expect(pf.status).toBe(412)
    noField(pf, 'ETag', 'Cache-Control', 'Content-Type')
    const rn = await send(s.port, 'GET', '/file.txt', { Range: 'bytes=50-' })
    expect(rn.status).toBe(416)
    expect(header(rn, 'content-range')).toBe('bytes */20')
    expect(seen).toEqual(['file.txt:20', 'file.txt:20', 'file.txt:20', 'file.txt:20'])
  })

  it('memoryCacheMaxBytes: 0 serves everything from disk with stat ETags', async () => {
    const s = await start(root, { memoryCacheMaxBytes: 0 })
    const r = await send(s.port, 'GET', '/file.txt')
    expect(r.body.toString()).toBe(TEXT)
    expect(header(r, 'etag')).toMatch(/^"14-[0-9a-f]+"$/)
    const part = await send(s.port, 'GET', '/file.txt', { Range: 'bytes=0-1,4-5' })
    expect(part.status).toBe(206)
    // Multipart from disk is a stream of known length: Content-Length, never chunked.
    expect(header(part, 'transfer-encoding')).toBeUndefined()
    expect(header(part, 'content-length')).toBe(String(part.body.length))
  })
})
