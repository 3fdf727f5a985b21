/**
 * tinyhttp-compress and tinyhttp-static in one chain, on a real socket: every answer of static (from
 * memory, from disk, a precompressed sibling, 206, 304, HEAD, 404 fall-through aside) goes out byte for
 * byte and field for field as static alone sends it — compress leaves static's answers to static
 * (docs/PLUGIN-CONTRACT.md, "Content codings") — while a route of the same chain is coded by compress.
 */
import { brotliCompressSync, brotliDecompressSync } from 'node:zlib'
import { serveStatic } from 'tinyhttp-static'
import { compress } from 'tinyhttp-compress'
import type { Context, Middleware } from 'tinyhttp-core'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { cleanup, makeRoot, start } from '../static/fixture.js'
import { header, send, type WireResponse } from '../static/raw-http.js'

afterEach(cleanup)

const PAGE = '<!doctype html>\n' + '<p>a paragraph of the page, long enough to compress well</p>\n'.repeat(80)
const APP_JS = 'export const answer = 42;\n'.repeat(200)
const BIG_CSS = 'body { color: red; }\n'.repeat(5000) // ~100 KiB: above the memory cache limit set below, streamed from disk
const FILES = {
  'page.html': PAGE,
  'app.js': APP_JS,
  'app.js.br': brotliCompressSync(APP_JS),
  'big.css': BIG_CSS,
}
const OPTIONS = { precompressed: true, memoryCacheMaxFileSize: 64 * 1024 }

/** A route in the same chain as static, answered with JSON that compress codes. */
const api: Middleware = (ctx: Context, next) => {
  if (ctx.req.path !== '/api/items') return next()
  ctx.res.body = { items: Array.from({ length: 100 }, (_, i) => ({ id: i, name: `item ${i}` })) }
}

/** Fields as sent, without Date (it changes between the two servers) and with a multipart boundary made constant. */
function fields(r: WireResponse): Array<[string, string[]]> {
  const boundary = boundaryOf(r)
  return [...r.headers]
    .filter(([name]) => name !== 'date')
    .map(([name, values]) => [name, boundary === undefined ? values : values.map(v => v.replaceAll(boundary, 'BOUNDARY'))])
}

/** The boundary of a multipart/byteranges answer (random per response), or undefined. */
function boundaryOf(r: WireResponse): string | undefined {
  return /boundary=([^;\s]+)/.exec(header(r, 'content-type') ?? '')?.[1]
}

/** The body, with a multipart boundary made constant. */
function bodyOf(r: WireResponse): string {
  const boundary = boundaryOf(r)
  const text = r.body.toString('latin1')
  return boundary === undefined ? text : text.replaceAll(boundary, 'BOUNDARY')
}

let withCompress: number
let staticAlone: number
beforeEach(async () => {
  const root = makeRoot(FILES)
  ;({ port: withCompress } = await start(root, OPTIONS, [compress({ threshold: 0 }), api]))
  ;({ port: staticAlone } = await start(root, OPTIONS))
})

const BOTH = { 'Accept-Encoding': 'br, gzip' }

describe('static and compress in one chain', () => {
  const cases: Array<[string, string, string, Record<string, string>]> = [
    ['a file from memory, no variant', 'GET', '/page.html', BOTH],
    ['a file from memory, no Accept-Encoding', 'GET', '/page.html', {}],
    ['a precompressed sibling (br)', 'GET', '/app.js', BOTH],
    ['the same file for a gzip-only client (identity: static has no .gz)', 'GET', '/app.js', { 'Accept-Encoding': 'gzip' }],
    ['a file streamed from disk', 'GET', '/big.css', BOTH],
    ['a range', 'GET', '/page.html', { ...BOTH, Range: 'bytes=0-99' }],
    ['two ranges', 'GET', '/page.html', { ...BOTH, Range: 'bytes=0-9,20-29' }],
    ['HEAD', 'HEAD', '/page.html', BOTH],
    ['HEAD of a variant', 'HEAD', '/app.js', BOTH],
  ]
  it.each(cases)('%s: bytes and fields exactly as static alone sends them', async (_name, method, path, headers) => {
    const alone = await send(staticAlone, method, path, headers)
    const chained = await send(withCompress, method, path, headers)
    expect(chained.status).toBe(alone.status)
    expect(fields(chained)).toEqual(fields(alone))
    expect(bodyOf(chained)).toBe(bodyOf(alone))
    expect(alone.status === 200 || alone.status === 206).toBe(true)
  })

  it('a 304 for static\'s ETag is static\'s 304', async () => {
    const first = await send(staticAlone, 'GET', '/app.js', BOTH)
    const etag = header(first, 'etag') as string
    const alone = await send(staticAlone, 'GET', '/app.js', { ...BOTH, 'If-None-Match': etag })
    const chained = await send(withCompress, 'GET', '/app.js', { ...BOTH, 'If-None-Match': etag })
    expect(alone.status).toBe(304)
    expect(fields(chained)).toEqual(fields(alone))
  })

  it('the br sibling goes out once coded (not coded twice) and decodes to the file', async () => {
    const r = await send(withCompress, 'GET', '/app.js', BOTH)
    expect(header(r, 'content-encoding')).toBe('br')
    expect(brotliDecompressSync(r.body).toString()).toBe(APP_JS)
  })

  it('a route of the same chain is coded by compress', async () => {
    const r = await send(withCompress, 'GET', '/api/items', BOTH)
    expect(r.status).toBe(200)
    expect(header(r, 'content-encoding')).toBe('br')
    expect(header(r, 'vary')).toBe('Accept-Encoding')
    expect(JSON.parse(brotliDecompressSync(r.body).toString()).items).toHaveLength(100)
  })
})

/** Whether this static has the `compress` option (issue 11, tinyhttp-static's own variants). */
const staticCompresses = ((): boolean => {
  try {
    serveStatic(makeRoot({}), { compress: true } as never).close()
    return true
  } catch {
    return false // an unknown option: a static without its own compression
  }
})()

// Runs once tinyhttp-static has its `compress` option; skipped (with this reason) on a static without it.
describe.skipIf(!staticCompresses)('static with its own compress option, and compress()', () => {
  it('static\'s variants and identity answers go out as static alone sends them', async () => {
    const root = makeRoot(FILES)
    const opts = { ...OPTIONS, compress: true } as never
    const { port: chain } = await start(root, opts, [compress({ threshold: 0 })])
    const { port: alone } = await start(root, opts)
    for (const path of ['/page.html', '/app.js', '/big.css']) {
      for (const accept of ['br', 'gzip', 'identity']) {
        // Static makes its variants in the background, separately in each server: ask both until both
        // send the settled answer (static's variant for the files it keeps in memory; big.css is above
        // the cache limit and stays identity), at most 40 times.
        const settled = path !== '/big.css' && accept !== 'identity' ? accept : undefined
        let a: WireResponse | undefined
        let c: WireResponse | undefined
        for (let i = 0; i < 40; i++) {
          ;[a, c] = await Promise.all([send(alone, 'GET', path, { 'Accept-Encoding': accept }), send(chain, 'GET', path, { 'Accept-Encoding': accept })])
          if (header(a, 'content-encoding') === settled && header(c, 'content-encoding') === settled) break
          await new Promise(r => setTimeout(r, 50))
        }
        expect(header(c!, 'content-encoding'), `${path} ${accept}`).toBe(settled)
        expect(fields(c!), `${path} ${accept}`).toEqual(fields(a!))
        expect(c!.body.equals(a!.body), `${path} ${accept}`).toBe(true)
        // Whatever the coding, it is static's: a strong ETag (compress() would have weakened it).
        expect(header(c!, 'etag')?.startsWith('W/'), `${path} ${accept}`).toBe(false)
      }
    }
  })
})
