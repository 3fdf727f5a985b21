// Precompressed variants with `--precompressed` (research §2.13, E1–E6, C16, G11): q-value
// negotiation, Vary: Accept-Encoding, distinct strong ETags per variant, Range on the encoded bytes.
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { APP_JS, APP_JS_BR, APP_JS_GZ, FILE_TXT, RawClient, STRONG_ETAG, cliBuilt, expectNoSecrets, h, req, request, serve, show, tokens, topic, type RawResponse, type Served } from './fixture.js'

type Coding = 'identity' | 'gzip' | 'br'
const BYTES: Record<Coding, Buffer> = { identity: APP_JS, gzip: APP_JS_GZ, br: APP_JS_BR }
const JS = 'text/javascript; charset=utf-8'

function codingOf(res: RawResponse): Coding {
  const ce = (h(res, 'content-encoding') ?? 'identity').toLowerCase()
  expect(['identity', 'gzip', 'br'], show(res)).toContain(ce)
  return ce as Coding
}

/** Checks a 200 for /app.js: the bytes are exactly the coding's file, decode to app.js, with the JS type and Vary. */
function expectVariant(res: RawResponse, coding: Coding): void {
  expect(res.status, show(res)).toBe(200)
  expect(codingOf(res), show(res)).toBe(coding)
  expect(h(res, 'content-type'), 'E6 Content-Type is the base type').toBe(JS)
  expect(h(res, 'content-length')).toBe(String(BYTES[coding].length))
  expect(res.body.equals(BYTES[coding]), `bytes of the ${coding} variant`).toBe(true)
  const decoded = coding === 'gzip' ? gunzipSync(res.body) : coding === 'br' ? brotliDecompressSync(res.body) : res.body
  expect(decoded.equals(APP_JS)).toBe(true)
  expect(tokens(res, 'vary'), `Vary: Accept-Encoding\n${show(res)}`).toContain('accept-encoding')
  expect(h(res, 'etag') ?? '').toMatch(STRONG_ETAG)
}

describe.skipIf(!cliBuilt())(topic('precompressed encodings (--precompressed)'), () => {
  let s: Served
  const tags: Partial<Record<Coding, string>> = {}
  beforeAll(async () => {
    s = await serve(['--precompressed'])
  })
  afterAll(async () => {
    await s?.stop()
  })

  const TABLE: Array<[id: string, acceptEncoding: string | null, coding: Coding | Coding[]]> = [
    ['no Accept-Encoding', null, 'identity'],
    ['empty Accept-Encoding (no coding wanted, §12.5.3)', '', 'identity'],
    ['gzip', 'gzip', 'gzip'],
    ['br', 'br', 'br'],
    ['E1 gzip;q=0', 'gzip;q=0', 'identity'],
    ['E1 gzip; q=0 (OWS)', 'gzip; q=0', 'identity'],
    ['E1 gzip;Q=0 (parameter name case-insensitive)', 'gzip;Q=0', 'identity'],
    ['E1 gzip;q=0.000', 'gzip;q=0.000', 'identity'],
    ['br;q=0, gzip;q=0', 'br;q=0, gzip;q=0', 'identity'],
    ['E2 br;q=0.1, gzip;q=0.9', 'br;q=0.1, gzip;q=0.9', 'gzip'],
    ['gzip;q=0.5, br;q=0.6', 'gzip;q=0.5, br;q=0.6', 'br'],
    ['E3 GZIP', 'GZIP', 'gzip'],
    ['E3 Br', 'Br', 'br'],
    ['E4 *', '*', ['br', 'gzip']],
    ['*;q=0, gzip', '*;q=0, gzip', 'gzip'],
    ['br;q=0, * (gzip or identity at equal q)', 'br;q=0, *', ['gzip', 'identity']],
    ['identity only', 'identity', 'identity'],
    ['identity;q=1, br;q=0.5, gzip;q=0.5 (highest q wins)', 'identity;q=1, br;q=0.5, gzip;q=0.5', 'identity'],
    ['deflate only', 'deflate', 'identity'],
    ['zstd only', 'zstd', 'identity'],
    ['gzip, deflate, br (browser default)', 'gzip, deflate, br', ['br', 'gzip']],
    ['gzip, deflate, br, zstd', 'gzip, deflate, br, zstd', ['br', 'gzip']],
    ['x-gzip (legacy alias)', 'x-gzip', ['gzip', 'identity']],
    ['br;q=0 (br refused, gzip not listed)', 'br;q=0', 'identity'],
    ['gzip;q=0.8, br;q=0', 'gzip;q=0.8, br;q=0', 'gzip'],
  ]
  test.each(TABLE)('%s → served coding', async (_id, ae, want) => {
    const res = await request(s.port, 'GET', '/app.js', ae === null ? {} : { 'Accept-Encoding': ae })
    const options = Array.isArray(want) ? want : [want]
    const got = codingOf(res)
    expect(options, `Accept-Encoding: ${ae}\n${show(res)}`).toContain(got)
    expectVariant(res, got)
    tags[got] ??= h(res, 'etag')
  })

  test('Accept-Encoding split over two field lines is one list (RFC 9110 §5.3): "gzip;q=0" + "br" → br', async () => {
    const res = await request(s.port, 'GET', '/app.js', [
      ['Accept-Encoding', 'gzip;q=0'],
      ['Accept-Encoding', 'br'],
    ])
    expectVariant(res, 'br')
  })

  test('C16 identity, gzip and br carry three distinct strong ETags', async () => {
    for (const [coding, ae] of [['identity', 'identity'], ['gzip', 'gzip'], ['br', 'br']] as Array<[Coding, string]>) {
      const res = await request(s.port, 'GET', '/app.js', { 'Accept-Encoding': ae })
      expectVariant(res, coding)
      tags[coding] = h(res, 'etag')
    }
    expect(new Set([tags.identity, tags.gzip, tags.br]).size, JSON.stringify(tags)).toBe(3)
  })

  test('If-None-Match: <gzip ETag> with Accept-Encoding: gzip → 304 with the gzip ETag and Vary', async () => {
    const res = await request(s.port, 'GET', '/app.js', { 'Accept-Encoding': 'gzip', 'If-None-Match': tags.gzip! })
    expect(res.status, show(res)).toBe(304)
    expect(h(res, 'etag')).toBe(tags.gzip)
    expect(tokens(res, 'vary'), 'Vary on the 304 (§15.4.5)').toContain('accept-encoding')
    expect(res.headers.has('content-encoding'), 'no Content-Encoding on a 304 (research M7)').toBe(false)
    expect(res.headers.has('content-length')).toBe(false)
  })

  test('If-None-Match: <identity ETag> with Accept-Encoding: gzip → 200 gzip (the selected variant differs)', async () => {
    const res = await request(s.port, 'GET', '/app.js', { 'Accept-Encoding': 'gzip', 'If-None-Match': tags.identity! })
    expectVariant(res, 'gzip')
  })

  test('If-None-Match listing both ETags with Accept-Encoding: br → 200 br (neither is the br ETag)', async () => {
    const res = await request(s.port, 'GET', '/app.js', { 'Accept-Encoding': 'br', 'If-None-Match': `${tags.identity}, ${tags.gzip}` })
    expectVariant(res, 'br')
  })

  test('If-None-Match listing all ETags with Accept-Encoding: gzip → 304 carrying the gzip ETag', async () => {
    const res = await request(s.port, 'GET', '/app.js', { 'Accept-Encoding': 'gzip', 'If-None-Match': `${tags.identity}, ${tags.br}, ${tags.gzip}` })
    expect(res.status, show(res)).toBe(304)
    expect(h(res, 'etag')).toBe(tags.gzip)
  })

  test('E5 Accept-Encoding: br + Range: bytes=0-1 → 206 of the encoded bytes, Content-Encoding br, br ETag', async () => {
    const res = await request(s.port, 'GET', '/app.js', { 'Accept-Encoding': 'br', Range: 'bytes=0-1' })
    expect(res.status, show(res)).toBe(206)
    expect(h(res, 'content-encoding')).toBe('br')
    expect(h(res, 'content-range')).toBe(`bytes 0-1/${APP_JS_BR.length}`)
    expect(res.body.equals(APP_JS_BR.subarray(0, 2))).toBe(true)
    expect(h(res, 'etag')).toBe(tags.br)
    expect(h(res, 'content-type')).toBe(JS)
    expect(tokens(res, 'vary')).toContain('accept-encoding')
  })

  test('E5 Accept-Encoding: gzip + Range: bytes=-10 → the last 10 gzip bytes', async () => {
    const res = await request(s.port, 'GET', '/app.js', { 'Accept-Encoding': 'gzip', Range: 'bytes=-10' })
    expect(res.status, show(res)).toBe(206)
    expect(h(res, 'content-range')).toBe(`bytes ${APP_JS_GZ.length - 10}-${APP_JS_GZ.length - 1}/${APP_JS_GZ.length}`)
    expect(res.body.equals(APP_JS_GZ.subarray(-10))).toBe(true)
  })

  test('E5 Range + If-Range with the identity ETag but Accept-Encoding: gzip → 200 gzip (validator of another variant)', async () => {
    const res = await request(s.port, 'GET', '/app.js', { 'Accept-Encoding': 'gzip', Range: 'bytes=0-1', 'If-Range': tags.identity! })
    expectVariant(res, 'gzip')
  })

  test('416 on a variant reports the variant length', async () => {
    const res = await request(s.port, 'GET', '/app.js', { 'Accept-Encoding': 'br', Range: `bytes=${APP_JS_BR.length}-` })
    expect(res.status, show(res)).toBe(416)
    expect(h(res, 'content-range')).toBe(`bytes */${APP_JS_BR.length}`)
  })

  test('HEAD with Accept-Encoding: gzip → gzip headers (Content-Length of the .gz), no body', async () => {
    const c = await RawClient.connect(s.port)
    try {
      c.write(req('HEAD', '/app.js', { 'Accept-Encoding': 'gzip' }) + req('GET', '/file.txt'))
      const a = await c.readResponse({ head: true })
      expect(a.status).toBe(200)
      expect(h(a, 'content-encoding')).toBe('gzip')
      expect(h(a, 'content-length')).toBe(String(APP_JS_GZ.length))
      expect(h(a, 'etag')).toBe(tags.gzip)
      expect(tokens(a, 'vary')).toContain('accept-encoding')
      const b = await c.readResponse()
      expect(b.body.equals(FILE_TXT)).toBe(true)
    } finally {
      c.close()
    }
  })

  test('a file without variants ignores Accept-Encoding: identity bytes, no Content-Encoding', async () => {
    const res = await request(s.port, 'GET', '/file.txt', { 'Accept-Encoding': 'br, gzip' })
    expect(res.status).toBe(200)
    expect(res.headers.has('content-encoding')).toBe(false)
    expect(res.body.equals(FILE_TXT)).toBe(true)
  })

  test.each([
    ['G11 /secret.js (unlisted base with a .gz sibling)', '/secret.js', 'gzip'],
    ['G11 /secret.js without Accept-Encoding', '/secret.js', null],
    ['/secret.js.gz directly', '/secret.js.gz', 'gzip'],
    ['/app.js.gz directly (variant URL is not listed)', '/app.js.gz', 'gzip'],
    ['/app.js.br directly', '/app.js.br', 'br'],
  ] as Array<[string, string, string | null]>)('%s → 403', async (_id, target, ae) => {
    const res = await request(s.port, 'GET', target, ae === null ? {} : { 'Accept-Encoding': ae })
    expect(res.status, show(res)).toBe(403)
    expect(res.body.length).toBe(0)
    expectNoSecrets(res.body, target)
  })
})
