// Conditional requests (RFC 9110 §13) — vectors C1–C17 of the research file — and 304 hygiene
// (§15.4.5).
import { utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  FILE_TXT,
  FIXTURE_LM,
  FIXTURE_MTIME,
  IMF_FIXDATE,
  RawClient,
  STYLE_CSS,
  cliBuilt,
  h,
  req,
  request,
  serve,
  show,
  sleep,
  topic,
  type RawResponse,
  type Served,
} from './fixture.js'

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const LM_MS = FIXTURE_MTIME * 1000
const imf = (ms: number): string => new Date(ms).toUTCString()
const pad = (n: number): string => String(n).padStart(2, '0')
/** rfc850-date (obsolete, must be accepted: RFC 9110 §5.6.7). */
function rfc850(ms: number): string {
  const d = new Date(ms)
  return `${DAYS[d.getUTCDay()]}, ${pad(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${pad(d.getUTCFullYear() % 100)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} GMT`
}
/** asctime-date (obsolete, must be accepted: RFC 9110 §5.6.7). */
function asctime(ms: number): string {
  const d = new Date(ms)
  return `${DAYS[d.getUTCDay()]!.slice(0, 3)} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${d.getUTCFullYear()}`
}
const DAY = 86_400_000

/** 304 hygiene (RFC 9110 §15.4.5, §8.6): validators and caching fields kept, representation metadata dropped. */
function expect304(res: RawResponse, etag: string): void {
  expect(res.status, show(res)).toBe(304)
  expect(h(res, 'etag'), 'ETag on 304').toBe(etag)
  expect(h(res, 'cache-control'), 'Cache-Control on 304').toBe('no-cache')
  expect(h(res, 'date') ?? '', 'Date on 304').toMatch(IMF_FIXDATE)
  expect(h(res, 'access-control-allow-origin'), 'ACAO on 304').toBe('*')
  expect(res.headers.has('content-type'), `Content-Type on 304\n${show(res)}`).toBe(false)
  expect(res.headers.has('content-length'), `Content-Length on 304\n${show(res)}`).toBe(false)
  expect(res.headers.has('content-encoding'), 'Content-Encoding on 304').toBe(false)
  expect(res.headers.has('content-range'), 'Content-Range on 304').toBe(false)
  expect(res.headers.has('transfer-encoding'), 'Transfer-Encoding on 304').toBe(false)
}

describe.skipIf(!cliBuilt())(topic('conditional requests'), () => {
  let s: Served
  let etag: string
  const weak = (): string => `W/${etag}`
  beforeAll(async () => {
    s = await serve()
    const res = await request(s.port, 'GET', '/file.txt')
    etag = h(res, 'etag') ?? ''
    expect(h(res, 'last-modified')).toBe(FIXTURE_LM)
  })
  afterAll(async () => {
    await s?.stop()
  })

  /** Each: [id, headers (ETAG / WEAK substituted), expected status]. */
  const TABLE: Array<[id: string, headers: Record<string, string>, status: number]> = [
    ['C1 If-None-Match: <etag>', { 'If-None-Match': 'ETAG' }, 304],
    ['C2 If-None-Match: "x", W/<etag> (weak comparison)', { 'If-None-Match': '"x", WEAK' }, 304],
    ['C2 If-None-Match: W/<etag>', { 'If-None-Match': 'WEAK' }, 304],
    ['C2 If-None-Match: "a","b",<etag> (no spaces)', { 'If-None-Match': '"a","b",ETAG' }, 304],
    ['C3 If-None-Match: *', { 'If-None-Match': '*' }, 304],
    ['If-None-Match: "nomatch"', { 'If-None-Match': '"nomatch"' }, 200],
    ['If-None-Match with the ETag in another case (opaque-tags are case-sensitive)', { 'If-None-Match': 'SWAPCASE' }, 200],
    ['C5 If-None-Match: "nomatch" + If-Modified-Since in the future (INM wins)', { 'If-None-Match': '"nomatch"', 'If-Modified-Since': imf(Date.now() + 365 * DAY) }, 200],
    ['C5 If-None-Match: "nomatch" + If-Modified-Since = Last-Modified (INM wins)', { 'If-None-Match': '"nomatch"', 'If-Modified-Since': FIXTURE_LM }, 200],
    ['If-None-Match: <etag> + If-Modified-Since long before (INM wins)', { 'If-None-Match': 'ETAG', 'If-Modified-Since': imf(LM_MS - 1000 * DAY) }, 304],
    ['C6 If-Modified-Since = Last-Modified', { 'If-Modified-Since': FIXTURE_LM }, 304],
    ['C6 If-Modified-Since one day after', { 'If-Modified-Since': imf(LM_MS + DAY) }, 304],
    ['If-Modified-Since one second before', { 'If-Modified-Since': imf(LM_MS - 1000) }, 200],
    ['If-Modified-Since one day before', { 'If-Modified-Since': imf(LM_MS - DAY) }, 200],
    ['If-Modified-Since rfc850-date = Last-Modified (§5.6.7 MUST accept)', { 'If-Modified-Since': rfc850(LM_MS) }, 304],
    ['If-Modified-Since asctime-date = Last-Modified (§5.6.7 MUST accept)', { 'If-Modified-Since': asctime(LM_MS) }, 304],
    ['C7 If-Modified-Since: garbage', { 'If-Modified-Since': 'garbage' }, 200],
    ['C7 If-Modified-Since with two dates (more than one member → ignored, §13.1.3)', { 'If-Modified-Since': `${imf(LM_MS + DAY)}, ${imf(LM_MS + 2 * DAY)}` }, 200],
    ['C8 If-Match: "nope"', { 'If-Match': '"nope"' }, 412],
    ['If-Match: <etag>', { 'If-Match': 'ETAG' }, 200],
    ['If-Match: "x", <etag>', { 'If-Match': '"x", ETAG' }, 200],
    ['If-Match: *', { 'If-Match': '*' }, 200],
    ['C9 If-Match: W/<etag> (strong comparison never matches weak)', { 'If-Match': 'WEAK' }, 412],
    ['C10 If-Unmodified-Since: epoch', { 'If-Unmodified-Since': 'Thu, 01 Jan 1970 00:00:00 GMT' }, 412],
    ['If-Unmodified-Since one second before Last-Modified', { 'If-Unmodified-Since': imf(LM_MS - 1000) }, 412],
    ['If-Unmodified-Since = Last-Modified', { 'If-Unmodified-Since': FIXTURE_LM }, 200],
    ['If-Unmodified-Since: garbage (ignored)', { 'If-Unmodified-Since': 'garbage' }, 200],
    ['If-Match: <etag> + If-Unmodified-Since: epoch (IUS ignored when If-Match present, §13.2.2)', { 'If-Match': 'ETAG', 'If-Unmodified-Since': 'Thu, 01 Jan 1970 00:00:00 GMT' }, 200],
    ['If-Match: "nope" + If-None-Match: <etag> (If-Match first → 412)', { 'If-Match': '"nope"', 'If-None-Match': 'ETAG' }, 412],
    ['If-Match: <etag> + If-None-Match: <etag> → 304', { 'If-Match': 'ETAG', 'If-None-Match': 'ETAG' }, 304],
    ['If-Unmodified-Since: epoch + If-None-Match: <etag> (IUS first → 412, never the 304 fast path)', { 'If-Unmodified-Since': 'Thu, 01 Jan 1970 00:00:00 GMT', 'If-None-Match': 'ETAG' }, 412],
    ['If-None-Match: <etag> + Range: bytes=0-1 (INM before Range → 304)', { 'If-None-Match': 'ETAG', Range: 'bytes=0-1' }, 304],
    ['If-Match: <etag> + Range: bytes=0-1 → 206', { 'If-Match': 'ETAG', Range: 'bytes=0-1' }, 206],
    ['If-Match: "nope" + Range: bytes=0-1 → 412', { 'If-Match': '"nope"', Range: 'bytes=0-1' }, 412],
    ['C11 Range: bytes=0-1 + If-Range: <etag>', { Range: 'bytes=0-1', 'If-Range': 'ETAG' }, 206],
    ['C11 Range: bytes=0-1 + If-Range: <Last-Modified> (exact date)', { Range: 'bytes=0-1', 'If-Range': FIXTURE_LM }, 206],
    ['C12 Range: bytes=0-1 + If-Range: "stale"', { Range: 'bytes=0-1', 'If-Range': '"stale"' }, 200],
    ['C12 Range: bytes=0-1 + If-Range: W/<etag> (strong only)', { Range: 'bytes=0-1', 'If-Range': 'WEAK' }, 200],
    ['C13 Range: bytes=0-1 + If-Range: a day before Last-Modified', { Range: 'bytes=0-1', 'If-Range': imf(LM_MS - DAY) }, 200],
    ['C13 Range: bytes=0-1 + If-Range: a day after Last-Modified (exact match only)', { Range: 'bytes=0-1', 'If-Range': imf(LM_MS + DAY) }, 200],
    ['C17 Cache-Control: no-cache request + matching INM → 304 (request directive is for caches, RFC 9111 §5.2.1.4)', { 'Cache-Control': 'no-cache', 'If-None-Match': 'ETAG' }, 304],
    ['Pragma: no-cache + matching INM → 304', { Pragma: 'no-cache', 'If-None-Match': 'ETAG' }, 304],
  ]

  test('If-None-Match split over two field lines is one list (RFC 9110 §5.3) → 304', async () => {
    const res = await request(s.port, 'GET', '/file.txt', [
      ['If-None-Match', '"other"'],
      ['If-None-Match', etag],
    ])
    expect(res.status, show(res)).toBe(304)
  })

  test('header names are case-insensitive: if-none-match / IF-MODIFIED-SINCE', async () => {
    const a = await request(s.port, 'GET', '/file.txt', { 'if-none-match': etag })
    expect(a.status, show(a)).toBe(304)
    const b = await request(s.port, 'GET', '/file.txt', { 'IF-MODIFIED-SINCE': FIXTURE_LM })
    expect(b.status, show(b)).toBe(304)
  })

  test.each(['/', '/sub/', '/index.html'])('If-None-Match on the index %s → 304', async target => {
    const tag = h(await request(s.port, 'GET', target), 'etag')!
    const res = await request(s.port, 'GET', target, { 'If-None-Match': tag })
    expect(res.status, show(res)).toBe(304)
  })

  function subst(headers: Record<string, string>): Record<string, string> {
    const swap = etag.replace(/[a-zA-Z]/g, c => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()))
    return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.replace('SWAPCASE', swap).replace('WEAK', weak()).replace('ETAG', etag)]))
  }

  test.each(TABLE)('%s → %i', async (id, headers, status) => {
    const hdrs = subst(headers)
    if (id.includes('another case') && hdrs['If-None-Match'] === etag) return // ETag has no letters
    const res = await request(s.port, 'GET', '/file.txt', hdrs)
    expect(res.status, `${JSON.stringify(hdrs)}\n${show(res)}`).toBe(status)
    if (status === 304) expect304(res, etag)
    if (status === 200) expect(res.body.equals(FILE_TXT), 'full body').toBe(true)
    if (status === 206) {
      expect(h(res, 'content-range')).toBe('bytes 0-1/20')
      expect(res.body.equals(FILE_TXT.subarray(0, 2))).toBe(true)
    }
    if (status === 412) {
      expect(res.body.includes(FILE_TXT), '412 must not carry the file').toBe(false)
      expect(h(res, 'access-control-allow-origin')).toBe('*')
    }
  })

  test.each([
    ['If-None-Match: <etag>', { 'If-None-Match': 'ETAG' }, 304],
    ['If-Modified-Since = Last-Modified', { 'If-Modified-Since': FIXTURE_LM }, 304],
    ['If-Match: "nope"', { 'If-Match': '"nope"' }, 412],
  ] as Array<[string, Record<string, string>, number]>)('HEAD + %s → %i without a body (H4)', async (_id, headers, status) => {
    const c = await RawClient.connect(s.port)
    try {
      c.write(req('HEAD', '/file.txt', subst(headers)) + req('GET', '/file.txt'))
      const a = await c.readResponse({ head: true })
      expect(a.status, show(a)).toBe(status)
      if (status === 304) expect304(a, etag)
      const b = await c.readResponse()
      expect(b.status, 'the next pipelined response parses').toBe(200)
      expect(b.body.equals(FILE_TXT)).toBe(true)
    } finally {
      c.close()
    }
  })

  test('304 has zero body bytes: a pipelined GET after it parses cleanly', async () => {
    const c = await RawClient.connect(s.port)
    try {
      c.write(req('GET', '/file.txt', { 'If-None-Match': etag }) + req('GET', '/file.txt', { 'If-None-Match': '*' }) + req('GET', '/file.txt'))
      expect304(await c.readResponse(), etag)
      expect304(await c.readResponse(), etag)
      const last = await c.readResponse()
      expect(last.status).toBe(200)
      expect(last.body.equals(FILE_TXT)).toBe(true)
      await sleep(100)
      expect(c.pending.length).toBe(0)
    } finally {
      c.close()
    }
  })

  test.each([
    ['/secret.txt', { 'If-None-Match': '*' }, 403],
    ['/missing.txt', { 'If-None-Match': '*' }, 403],
    ['/secret.txt', { 'If-Match': '"nope"' }, 403],
    ['/missing.txt', { 'If-Modified-Since': imf(Date.now() + DAY) }, 403],
    ['/secret.txt', { 'If-Unmodified-Since': 'Thu, 01 Jan 1970 00:00:00 GMT' }, 403],
    ['/file.txt/', { 'If-None-Match': '*' }, 404],
    ['/file.txt/', { 'If-Match': '"nope"' }, 404],
  ] as Array<[string, Record<string, string>, number]>)('C4 GET %s with %j → %i (403 or 404 for a slash after a file), never 304/412 (§13.2.1; no existence oracle)', async (target, headers, status) => {
    const res = await request(s.port, 'GET', target, headers)
    expect(status === 404 ? [403, 404] : [status], show(res)).toContain(res.status)
  })

  test('C14 POST + If-None-Match: * → 405', async () => {
    const res = await request(s.port, 'POST', '/file.txt', { 'If-None-Match': '*', 'Content-Length': '0' })
    expect(res.status, show(res)).toBe(405)
  })

  test('C15 style.css rewritten to the same size with the same mtime: ETag and body always agree (no stale 304)', async () => {
    const file = join(s.site.root, 'style.css')
    const first = await request(s.port, 'GET', '/style.css')
    const oldTag = h(first, 'etag')!
    const replaced = Buffer.from(STYLE_CSS.toString('latin1').replace('123456', 'abcdef'))
    expect(replaced.length).toBe(STYLE_CSS.length)
    writeFileSync(file, replaced)
    utimesSync(file, FIXTURE_MTIME, FIXTURE_MTIME)
    try {
      await sleep(50)
      const after = await request(s.port, 'GET', '/style.css')
      expect(after.status).toBe(200)
      if (after.body.equals(replaced)) expect(h(after, 'etag'), 'new bytes under the old ETag').not.toBe(oldTag)
      else expect(h(after, 'etag'), 'old bytes under a new ETag').toBe(oldTag)
      const reval = await request(s.port, 'GET', '/style.css', { 'If-None-Match': oldTag })
      if (reval.status === 304) {
        const again = await request(s.port, 'GET', '/style.css')
        expect(again.body.equals(STYLE_CSS), 'a 304 for the old ETag while the new bytes are served').toBe(true)
      } else {
        expect(reval.status).toBe(200)
        expect(h(reval, 'etag')).not.toBe(oldTag)
      }
    } finally {
      writeFileSync(file, STYLE_CSS)
      utimesSync(file, FIXTURE_MTIME, FIXTURE_MTIME)
    }
  })

  test('an edited file (new mtime) is served with its new bytes and a new ETag; the old ETag revalidates to 200', async () => {
    const file = join(s.site.root, 'sub', 'page.html')
    const first = await request(s.port, 'GET', '/sub/page.html')
    const oldTag = h(first, 'etag')!
    const edited = Buffer.from(first.body.toString('latin1').replace('sub page', 'SUB PAGE'))
    writeFileSync(file, edited)
    utimesSync(file, FIXTURE_MTIME + 3600, FIXTURE_MTIME + 3600)
    try {
      let res = await request(s.port, 'GET', '/sub/page.html')
      for (let i = 0; i < 30 && !res.body.equals(edited); i++) {
        await sleep(100)
        res = await request(s.port, 'GET', '/sub/page.html')
      }
      expect(res.body.toString(), 'still serving the old bytes 3 s after the edit').toBe(edited.toString())
      expect(h(res, 'etag')).not.toBe(oldTag)
      expect(h(res, 'last-modified')).toBe(imf((FIXTURE_MTIME + 3600) * 1000))
      const reval = await request(s.port, 'GET', '/sub/page.html', { 'If-None-Match': oldTag })
      expect(reval.status, show(reval)).toBe(200)
    } finally {
      writeFileSync(file, first.body)
      utimesSync(file, FIXTURE_MTIME, FIXTURE_MTIME)
    }
  })
})
