/**
 * Precompressed siblings on a real socket: research vectors E1–E6, C16, G11, Vary rules.
 */
import { brotliCompressSync, gunzipSync, gzipSync, brotliDecompressSync } from 'node:zlib'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { cleanup, makeRoot, start } from './fixture.js'
import { header, send, type WireResponse } from './raw-http.js'

afterEach(cleanup)

const APP = 'export const answer = 42;\n'.repeat(40)
const BIG_CSS = 'body { color: red; }\n'.repeat(5000) // ~100 KiB: streamed from disk

let port: number
beforeEach(async () => {
  const root = makeRoot({
    'app.js': APP,
    'app.js.br': brotliCompressSync(APP),
    'app.js.gz': gzipSync(APP),
    'only-gz.css': 'a{}',
    'only-gz.css.gz': gzipSync('a{}'),
    'plain.txt': 'no variants',
    'secret.js.gz': gzipSync('SECRET'),
    'big.css': BIG_CSS,
    'big.css.gz': gzipSync(BIG_CSS),
    '.env.gz': gzipSync('SECRET=1'),
  })
  ;({ port } = await start(root, { precompressed: true }))
})

const ae = (value: string) => ({ 'Accept-Encoding': value })
function decode(r: WireResponse): string {
  const coding = header(r, 'content-encoding')
  if (coding === 'br') return brotliDecompressSync(r.body).toString()
  if (coding === 'gzip') return gunzipSync(r.body).toString()
  return r.body.toString()
}

describe('negotiation (E1–E4)', () => {
  it('E1: gzip;q=0 → identity, with Vary', async () => {
    const r = await send(port, 'GET', '/app.js', ae('gzip;q=0'))
    expect(header(r, 'content-encoding')).toBeUndefined()
    expect(header(r, 'vary')).toBe('Accept-Encoding')
    expect(r.body.toString()).toBe(APP)
  })
  it('E2: br;q=0.1, gzip;q=0.9 → gzip', async () => {
    const r = await send(port, 'GET', '/app.js', ae('br;q=0.1, gzip;q=0.9'))
    expect(header(r, 'content-encoding')).toBe('gzip')
    expect(decode(r)).toBe(APP)
  })
  it('E3: GZIP → gzip', async () => {
    expect(header(await send(port, 'GET', '/app.js', ae('GZIP')), 'content-encoding')).toBe('gzip')
  })
  it('E4: * → br', async () => {
    const r = await send(port, 'GET', '/app.js', ae('*'))
    expect(header(r, 'content-encoding')).toBe('br')
    expect(decode(r)).toBe(APP)
  })
  it('browser header → br; no header → identity', async () => {
    expect(header(await send(port, 'GET', '/app.js', ae('gzip, deflate, br, zstd')), 'content-encoding')).toBe('br')
    const none = await send(port, 'GET', '/app.js')
    expect(header(none, 'content-encoding')).toBeUndefined()
    expect(header(none, 'vary')).toBe('Accept-Encoding')
  })
  it('only the variants that exist are offered', async () => {
    const r = await send(port, 'GET', '/only-gz.css', ae('br, gzip'))
    expect(header(r, 'content-encoding')).toBe('gzip')
    expect(decode(r)).toBe('a{}')
  })
})

describe('representation metadata (E5, E6, C16)', () => {
  it('E6: Content-Type is the original one, for every variant', async () => {
    for (const coding of ['br', 'gzip', 'identity']) {
      const r = await send(port, 'GET', '/app.js', ae(coding))
      expect(header(r, 'content-type')).toBe('text/javascript; charset=utf-8')
    }
  })
  it('C16: a different ETag and length per variant, Vary: Accept-Encoding on all', async () => {
    const responses = await Promise.all(['br', 'gzip', 'identity'].map(c => send(port, 'GET', '/app.js', ae(c))))
    const etags = responses.map(r => header(r, 'etag'))
    expect(new Set(etags).size).toBe(3)
    for (const r of responses) {
      expect(header(r, 'vary')).toBe('Accept-Encoding')
      expect(header(r, 'content-length')).toBe(String(r.body.length))
    }
    expect(responses.map(r => r.body.length)).toEqual([brotliCompressSync(APP).length, gzipSync(APP).length, APP.length])
  })
  it('304 per variant: the variant ETag revalidates only that variant, and keeps Vary', async () => {
    const gz = await send(port, 'GET', '/app.js', ae('gzip'))
    const etag = header(gz, 'etag') as string
    const again = await send(port, 'GET', '/app.js', { ...ae('gzip'), 'If-None-Match': etag })
    expect(again.status).toBe(304)
    expect(header(again, 'vary')).toBe('Accept-Encoding')
    expect(header(again, 'etag')).toBe(etag)
    expect(header(again, 'content-encoding')).toBeUndefined()
    const other = await send(port, 'GET', '/app.js', { ...ae('br'), 'If-None-Match': etag })
    expect(other.status).toBe(200)
  })
  it('E5: Range applies to the encoded bytes; Content-Encoding and the variant ETag are kept', async () => {
    const gzBytes = gzipSync(APP)
    const full = await send(port, 'GET', '/app.js', ae('gzip'))
    const r = await send(port, 'GET', '/app.js', { ...ae('gzip'), Range: 'bytes=0-1' })
    expect(r.status).toBe(206)
    expect(header(r, 'content-encoding')).toBe('gzip')
    expect(header(r, 'etag')).toBe(header(full, 'etag'))
    expect(header(r, 'content-range')).toBe(`bytes 0-1/${full.body.length}`)
    expect(r.body).toEqual(full.body.subarray(0, 2))
    expect(r.body[0]).toBe(gzBytes[0])
  })
  it('several ranges of an encoded variant → the whole variant (200), never an ambiguous multipart', async () => {
    const r = await send(port, 'GET', '/app.js', { ...ae('gzip'), Range: 'bytes=0-1,4-5' })
    expect(r.status).toBe(200)
    expect(decode(r)).toBe(APP)
  })
  it('a big file streams its variant from disk, byte-exact', async () => {
    const r = await send(port, 'GET', '/big.css', ae('gzip'))
    expect(header(r, 'content-encoding')).toBe('gzip')
    expect(decode(r)).toBe(BIG_CSS)
    const id = await send(port, 'GET', '/big.css')
    expect(id.body.toString()).toBe(BIG_CSS)
  })
  it('no Vary on a path without variants', async () => {
    const r = await send(port, 'GET', '/plain.txt', ae('gzip'))
    expect(header(r, 'vary')).toBeUndefined()
    expect(header(r, 'content-encoding')).toBeUndefined()
  })
})

describe('variants only beside a served original (G11)', () => {
  it('GET /secret.js with gzip: secret.js does not exist → not served', async () => {
    const r = await send(port, 'GET', '/secret.js', ae('gzip'))
    expect(r.status).toBe(404)
    expect(r.body.toString()).not.toContain('SECRET')
    expect(header(r, 'content-encoding')).toBeUndefined()
  })
  it('a dotfile original is refused even when a variant exists', async () => {
    expect((await send(port, 'GET', '/.env', ae('gzip'))).status).toBe(404)
  })
  it('precompressed off: siblings are ignored', async () => {
    const root = makeRoot({ 'app.js': APP, 'app.js.gz': gzipSync(APP) })
    const s = await start(root)
    const r = await send(s.port, 'GET', '/app.js', ae('gzip'))
    expect(header(r, 'content-encoding')).toBeUndefined()
    expect(header(r, 'vary')).toBeUndefined()
    expect(r.body.toString()).toBe(APP)
  })
})
