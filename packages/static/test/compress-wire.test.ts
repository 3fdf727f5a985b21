/**
 * Run-time compression (option `compress`) on a real socket: every representation rule of issue 11 for
 * 200/206/304/412/416/HEAD/406, decoded bodies equal to the file, exclusions, no-transform, precompressed
 * siblings winning, one job per coding for 50 simultaneous first requests, and freshness after an edit.
 */
import { randomBytes } from 'node:crypto'
import { chmodSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import { createApp, type App } from 'tinyhttp-core'
import { serveStatic, type ServeStaticMiddleware, type ServeStaticOptions } from 'tinyhttp-static'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { cleanup, makeRoot, poll, sleep } from '../../../test/static/fixture.js'
import { header, send, type WireResponse } from '../../../test/static/raw-http.js'

const running: Array<{ app: App; mw: ServeStaticMiddleware }> = []
afterEach(async () => {
  vi.restoreAllMocks()
  for (const { app, mw } of running.splice(0)) {
    await app.close(200)
    mw.close()
  }
  await cleanup()
})

/** Some JavaScript, varied enough that br and gzip differ in size (~40 KB). */
function bundle(seed: string, lines = 800): string {
  let s = ''
  for (let i = 0; i < lines; i++) s += `export function ${seed}${i}(a, b) { return a * ${i} + b - ${(i * 7919) % 1000}; } // ${seed}\n`
  return s
}
const APP = bundle('f')

async function serve(files: Record<string, string | Buffer>, options: ServeStaticOptions = {}): Promise<{ port: number; mw: ServeStaticMiddleware; root: string }> {
  const root = makeRoot(files)
  const app = createApp()
  const mw = serveStatic(root, { compress: true, ...options })
  app.use(mw)
  const { port } = await app.listen(0, '127.0.0.1')
  running.push({ app, mw })
  return { port, mw, root }
}

const ae = (value: string, more: Record<string, string> = {}) => ({ 'Accept-Encoding': value, ...more })

function decode(r: WireResponse): Buffer {
  const coding = header(r, 'content-encoding')
  if (coding === 'br') return zlib.brotliDecompressSync(r.body)
  if (coding === 'gzip') return zlib.gunzipSync(r.body)
  if (coding === undefined) return r.body
  throw new Error(`unexpected coding ${coding}`)
}

/** Serves APP, makes its variants (first request + idle) and returns the three full responses. */
async function warmed(options: ServeStaticOptions = {}) {
  const s = await serve({ 'app.js': APP }, options)
  await send(s.port, 'GET', '/app.js', ae('br, gzip'))
  await s.mw.idle()
  const identity = await send(s.port, 'GET', '/app.js')
  const br = await send(s.port, 'GET', '/app.js', ae('gzip, deflate, br'))
  const gzip = await send(s.port, 'GET', '/app.js', ae('gzip'))
  return { ...s, identity, br, gzip }
}

describe('200: each representation is its own', () => {
  it('br and gzip decode to the file; exact Content-Length; ETag "<etag>-<coding>"; same Last-Modified; Vary on all three', async () => {
    const { identity, br, gzip } = await warmed()
    expect(identity.status).toBe(200)
    expect(header(identity, 'content-encoding')).toBeUndefined()
    expect(identity.body.toString()).toBe(APP)
    const etag = header(identity, 'etag') as string
    expect(etag).toMatch(/^"[^"]+"$/)
    for (const [r, coding] of [[br, 'br'], [gzip, 'gzip']] as const) {
      expect(r.status).toBe(200)
      expect(header(r, 'content-encoding')).toBe(coding)
      expect(decode(r).toString()).toBe(APP)
      expect(Number(header(r, 'content-length'))).toBe(r.body.length)
      expect(r.body.length).toBeLessThan(APP.length)
      expect(header(r, 'etag')).toBe(`${etag.slice(0, -1)}-${coding}"`)
      expect(header(r, 'last-modified')).toBe(header(identity, 'last-modified'))
      expect(header(r, 'content-type')).toBe(header(identity, 'content-type'))
    }
    for (const r of [identity, br, gzip]) expect(header(r, 'vary')).toBe('Accept-Encoding')
    expect(br.body.length).toBeLessThan(gzip.body.length)
  })

  it('the first request does not wait for the job: identity (with Vary) until a variant is ready', async () => {
    const { port } = await serve({ 'app.js': APP })
    const first = await send(port, 'GET', '/app.js', ae('br'))
    expect(first.status).toBe(200)
    expect(header(first, 'vary')).toBe('Accept-Encoding')
    // Either identity or an already finished br: never a broken body.
    expect(decode(first).toString()).toBe(APP)
  })

  it('negotiation: q-values, x-gzip, * and no header', async () => {
    const { port } = await warmed()
    const coding = async (value: string | undefined) =>
      header(await send(port, 'GET', '/app.js', value === undefined ? {} : ae(value)), 'content-encoding') ?? 'identity'
    expect(await coding(undefined)).toBe('identity')
    expect(await coding('br;q=0.1, gzip;q=0.9')).toBe('gzip')
    expect(await coding('x-gzip')).toBe('gzip')
    expect(await coding('*')).toBe('br')
    expect(await coding('gzip;q=0, br;q=0')).toBe('identity')
    expect(await coding('identity;q=1, br;q=0.5')).toBe('identity')
    expect(await coding('deflate')).toBe('identity')
  })
})

describe('HEAD, 304, 412 against the selected representation', () => {
  it('HEAD br: the br length and ETag, no body', async () => {
    const { port, br } = await warmed()
    const head = await send(port, 'HEAD', '/app.js', ae('br'))
    expect(head.status).toBe(200)
    expect(head.body.length).toBe(0)
    expect(header(head, 'content-encoding')).toBe('br')
    expect(header(head, 'content-length')).toBe(String(br.body.length))
    expect(header(head, 'etag')).toBe(header(br, 'etag'))
    expect(header(head, 'vary')).toBe('Accept-Encoding')
  })

  it('If-None-Match: the br ETag → 304 (br ETag, Vary); the identity ETag with br accepted → 200 br', async () => {
    const { port, br, identity } = await warmed()
    const hit = await send(port, 'GET', '/app.js', ae('br', { 'If-None-Match': header(br, 'etag') as string }))
    expect(hit.status).toBe(304)
    expect(header(hit, 'etag')).toBe(header(br, 'etag'))
    expect(header(hit, 'vary')).toBe('Accept-Encoding')
    expect(header(hit, 'content-encoding')).toBeUndefined()
    expect(hit.body.length).toBe(0)
    const miss = await send(port, 'GET', '/app.js', ae('br', { 'If-None-Match': header(identity, 'etag') as string }))
    expect(miss.status).toBe(200)
    expect(header(miss, 'content-encoding')).toBe('br')
    const plain = await send(port, 'GET', '/app.js', { 'If-None-Match': header(identity, 'etag') as string })
    expect(plain.status).toBe(304)
    expect(header(plain, 'etag')).toBe(header(identity, 'etag'))
    expect(header(plain, 'vary')).toBe('Accept-Encoding')
  })

  it('If-Match: the identity ETag while br is selected → 412 with Vary; the br ETag → 200', async () => {
    const { port, br, identity } = await warmed()
    const fail = await send(port, 'GET', '/app.js', ae('br', { 'If-Match': header(identity, 'etag') as string }))
    expect(fail.status).toBe(412)
    expect(header(fail, 'vary')).toBe('Accept-Encoding')
    expect(header(fail, 'content-encoding')).toBeUndefined()
    expect(header(fail, 'etag')).toBeUndefined()
    const ok = await send(port, 'GET', '/app.js', ae('br', { 'If-Match': header(br, 'etag') as string }))
    expect(ok.status).toBe(200)
    expect(header(ok, 'content-encoding')).toBe('br')
  })
})

describe('ranges over the encoded bytes (206, If-Range, 416)', () => {
  it('Range of the br variant: 206 with the bytes of the full br download', async () => {
    const { port, br } = await warmed()
    const r = await send(port, 'GET', '/app.js', ae('br', { Range: 'bytes=10-109' }))
    expect(r.status).toBe(206)
    expect(header(r, 'content-encoding')).toBe('br')
    expect(header(r, 'content-range')).toBe(`bytes 10-109/${br.body.length}`)
    expect(header(r, 'vary')).toBe('Accept-Encoding')
    expect(header(r, 'etag')).toBe(header(br, 'etag'))
    expect(r.body.equals(br.body.subarray(10, 110))).toBe(true)
    const tail = await send(port, 'GET', '/app.js', ae('gzip', { Range: 'bytes=-20' }))
    expect(tail.status).toBe(206)
    expect(header(tail, 'content-encoding')).toBe('gzip')
  })

  it('identity ranges carry Vary too', async () => {
    const { port } = await warmed()
    const r = await send(port, 'GET', '/app.js', { Range: 'bytes=0-9' })
    expect(r.status).toBe(206)
    expect(r.body.toString()).toBe(APP.slice(0, 10))
    expect(header(r, 'vary')).toBe('Accept-Encoding')
  })

  it('If-Range compares the selected representation: br ETag → 206, identity ETag → 200 full br', async () => {
    const { port, br, identity } = await warmed()
    const partial = await send(port, 'GET', '/app.js', ae('br', { Range: 'bytes=0-9', 'If-Range': header(br, 'etag') as string }))
    expect(partial.status).toBe(206)
    expect(partial.body.equals(br.body.subarray(0, 10))).toBe(true)
    const full = await send(port, 'GET', '/app.js', ae('br', { Range: 'bytes=0-9', 'If-Range': header(identity, 'etag') as string }))
    expect(full.status).toBe(200)
    expect(header(full, 'content-encoding')).toBe('br')
    expect(full.body.equals(br.body)).toBe(true)
  })

  it('416 names the br length and carries Vary', async () => {
    const { port, br } = await warmed()
    const r = await send(port, 'GET', '/app.js', ae('br', { Range: `bytes=${br.body.length}-` }))
    expect(r.status).toBe(416)
    expect(header(r, 'content-range')).toBe(`bytes */${br.body.length}`)
    expect(header(r, 'vary')).toBe('Accept-Encoding')
    expect(header(r, 'content-encoding')).toBeUndefined()
  })

  it('several ranges of an encoded variant → the whole variant (200)', async () => {
    const { port, br } = await warmed()
    const r = await send(port, 'GET', '/app.js', ae('br', { Range: 'bytes=0-9,20-29' }))
    expect(r.status).toBe(200)
    expect(r.body.equals(br.body)).toBe(true)
  })
})

describe('406 and refusing identity', () => {
  it('nothing acceptable, not even identity → 406 with Vary and no encoded body', async () => {
    const { port } = await warmed()
    for (const value of ['identity;q=0', 'br;q=0, gzip;q=0, identity;q=0', '*;q=0']) {
      const r = await send(port, 'GET', '/app.js', ae(value))
      expect(r.status, value).toBe(406)
      expect(header(r, 'vary')).toBe('Accept-Encoding')
      expect(header(r, 'content-encoding')).toBeUndefined()
    }
  })

  it('identity;q=0 on a first request waits for the job it accepts rather than sending identity', async () => {
    const { port } = await serve({ 'app.js': APP })
    const r = await send(port, 'GET', '/app.js', ae('br, identity;q=0'))
    expect(r.status).toBe(200)
    expect(header(r, 'content-encoding')).toBe('br')
    expect(decode(r).toString()).toBe(APP)
  })

  it('a file that is not compressed ignores Accept-Encoding: identity;q=0 still gets the file (no Vary)', async () => {
    const { port } = await serve({ 'logo.png': Buffer.alloc(4096, 1) })
    const r = await send(port, 'GET', '/logo.png', ae('identity;q=0'))
    expect(r.status).toBe(200)
    expect(header(r, 'vary')).toBeUndefined()
  })
})

describe('which files', () => {
  it('never: png, woff2, an .gz file itself, under 1 KiB, above the memory cache file size; incompressible bytes keep Vary but no variant', async () => {
    const { port, mw } = await serve(
      {
        'logo.png': Buffer.alloc(8192, 0x41),
        'font.woff2': Buffer.alloc(8192, 0x41),
        'data.txt.gz': zlib.gzipSync('x'.repeat(8192)),
        'small.css': 'a{color:red}'.repeat(80), // 960 bytes
        'edge.css': 'a{color:red}'.repeat(86).slice(0, 1024), // exactly 1024: compressed
        'big.js': bundle('big', 2000),
        'noise.txt': randomBytes(8192), // text/plain, but no coding makes it smaller
        'image.svg': `<svg xmlns="http://www.w3.org/2000/svg">${'<rect width="1" height="1"/>'.repeat(100)}</svg>`,
      },
      { memoryCacheMaxFileSize: 64 * 1024 },
    )
    const names = ['/logo.png', '/font.woff2', '/data.txt.gz', '/small.css', '/edge.css', '/big.js', '/noise.txt', '/image.svg']
    for (const n of names) await send(port, 'GET', n, ae('br, gzip'))
    await mw.idle()
    const got: Record<string, [string | undefined, string | undefined]> = {}
    for (const n of names) {
      const r = await send(port, 'GET', n, ae('br, gzip'))
      expect(r.status).toBe(200)
      got[n] = [header(r, 'content-encoding'), header(r, 'vary')]
    }
    expect(got).toEqual({
      '/logo.png': [undefined, undefined],
      '/font.woff2': [undefined, undefined],
      '/data.txt.gz': [undefined, undefined],
      '/small.css': [undefined, undefined],
      '/edge.css': ['br', 'Accept-Encoding'],
      '/big.js': [undefined, undefined],
      '/noise.txt': [undefined, 'Accept-Encoding'],
      '/image.svg': ['br', 'Accept-Encoding'],
    })
  })

  it('Cache-Control with no-transform (option or setHeaders) → identity', async () => {
    const a = await serve({ 'app.js': APP }, { cacheControl: 'public, max-age=60, no-transform' })
    await send(a.port, 'GET', '/app.js', ae('br'))
    await a.mw.idle()
    const r = await send(a.port, 'GET', '/app.js', ae('br'))
    expect(header(r, 'content-encoding')).toBeUndefined()
    expect(header(r, 'vary')).toBeUndefined()
    const b = await serve({ 'app.js': APP }, { setHeaders: res => res.headers.set('Cache-Control', 'no-transform') })
    await send(b.port, 'GET', '/app.js', ae('br'))
    await b.mw.idle()
    const h = await send(b.port, 'GET', '/app.js', ae('br'))
    expect(h.status).toBe(200)
    expect(header(h, 'content-encoding')).toBeUndefined()
    expect(header(h, 'cache-control')).toBe('no-transform')
    expect(h.body.toString()).toBe(APP)
  })

  it('compress off (the library default) sends identity without Vary', async () => {
    const { port } = await serve({ 'app.js': APP }, { compress: false })
    const r = await send(port, 'GET', '/app.js', ae('br, gzip'))
    expect(header(r, 'content-encoding')).toBeUndefined()
    expect(header(r, 'vary')).toBeUndefined()
  })

  it('a precompressed sibling wins over a made variant; a missing one is made', async () => {
    const disk = zlib.brotliCompressSync(APP, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 1 } })
    const { port, mw } = await serve({ 'app.js': APP, 'app.js.br': disk }, { precompressed: true })
    await send(port, 'GET', '/app.js', ae('br, gzip'))
    await mw.idle()
    const br = await send(port, 'GET', '/app.js', ae('br'))
    expect(header(br, 'content-encoding')).toBe('br')
    expect(br.body.equals(disk)).toBe(true)
    const gz = await send(port, 'GET', '/app.js', ae('gzip'))
    expect(header(gz, 'content-encoding')).toBe('gzip')
    expect(zlib.gunzipSync(gz.body).toString()).toBe(APP)
  })
})

describe('jobs', () => {
  it('50 simultaneous first requests start one job per coding, and all get a correct body', async () => {
    const brSpy = vi.spyOn(zlib, 'brotliCompress')
    const gzSpy = vi.spyOn(zlib, 'gzip')
    const { port, mw } = await serve({ 'app.js': APP })
    const all = await Promise.all(Array.from({ length: 50 }, () => send(port, 'GET', '/app.js', ae('gzip, br'))))
    await mw.idle()
    for (const r of all) {
      expect(r.status).toBe(200)
      expect(decode(r).toString()).toBe(APP)
    }
    expect(brSpy).toHaveBeenCalledTimes(1)
    expect(gzSpy).toHaveBeenCalledTimes(1)
    // …and later requests reuse the result.
    await send(port, 'GET', '/app.js', ae('br'))
    expect(brSpy).toHaveBeenCalledTimes(1)
  })

  it('/ and /index.html (one file version, two cache entries) share one job per coding', async () => {
    const brSpy = vi.spyOn(zlib, 'brotliCompress')
    const page = `<!doctype html><title>t</title>${'<p>hello compression</p>\n'.repeat(200)}`
    const { port, mw } = await serve({ 'index.html': page })
    await send(port, 'GET', '/', ae('br'))
    await mw.idle()
    // The first request for the second URL is answered with the bytes made for the first at once.
    const [b, a] = [await send(port, 'GET', '/index.html', ae('br')), await send(port, 'GET', '/', ae('br'))]
    expect(brSpy).toHaveBeenCalledTimes(1)
    for (const r of [a, b]) {
      expect(header(r, 'content-encoding')).toBe('br')
      expect(zlib.brotliDecompressSync(r.body).toString()).toBe(page)
    }
    expect(header(a, 'etag')).toBe(header(b, 'etag'))
  })

  it('an edited file gets new variants (old ones are dropped with its entry)', async () => {
    const { port, mw, root } = await warmed()
    const before = await send(port, 'GET', '/app.js', ae('br'))
    const NEW = bundle('g', 900)
    writeFileSync(path.join(root, 'app.js'), NEW)
    const fresh = await poll(async () => {
      const r = await send(port, 'GET', '/app.js', ae('br'))
      await mw.idle()
      return decode(r).toString() === NEW
    }, 8000, 200)
    expect(fresh).toBe(true)
    await mw.idle()
    await sleep(50)
    const after = await send(port, 'GET', '/app.js', ae('br'))
    expect(header(after, 'content-encoding')).toBe('br')
    expect(zlib.brotliDecompressSync(after.body).toString()).toBe(NEW)
    expect(header(after, 'etag')).not.toBe(header(before, 'etag'))
  })

  it('a budget that holds the file but not its variants: the variants are shed, identity (with Vary) is served from memory', async () => {
    const hex = randomBytes(15_000).toString('hex') // 30 000 bytes that compress to about half
    const { port, mw } = await serve({ 'data.txt': hex }, { memoryCacheMaxBytes: 40_000 })
    await send(port, 'GET', '/data.txt', ae('br, gzip'))
    await mw.idle()
    for (const value of ['br, gzip', 'gzip', 'br']) {
      const r = await send(port, 'GET', '/data.txt', ae(value))
      expect(r.status).toBe(200)
      expect(header(r, 'content-encoding')).toBeUndefined()
      expect(header(r, 'vary')).toBe('Accept-Encoding')
      expect(header(r, 'etag')).toMatch(/^"[A-Za-z0-9_-]{43}"$/) // the content hash: still the in-memory entry
      expect(r.body.toString()).toBe(hex)
    }
    // With room for them, the same file gets its variants.
    const roomy = await serve({ 'data.txt': hex }, { memoryCacheMaxBytes: 100_000 })
    await send(roomy.port, 'GET', '/data.txt', ae('br'))
    await roomy.mw.idle()
    expect(header(await send(roomy.port, 'GET', '/data.txt', ae('br')), 'content-encoding')).toBe('br')
  })

  it('an unreadable file answers as without compression (skipped as root: root reads anything)', async ctx => {
    if (process.getuid?.() === 0) ctx.skip()
    const { port, root } = await serve({ 'app.js': APP })
    chmodSync(path.join(root, 'app.js'), 0)
    const withCompress = await send(port, 'GET', '/app.js', ae('br'))
    const plain = await serve({ 'app.js': APP }, { compress: false })
    chmodSync(path.join(plain.root, 'app.js'), 0)
    const without = await send(plain.port, 'GET', '/app.js', ae('br'))
    expect(withCompress.status).toBe(without.status)
    expect(header(withCompress, 'content-encoding')).toBeUndefined()
  })
})
