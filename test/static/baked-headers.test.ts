// serveStatic's option `headers`: another layer's headers baked into the prepared blocks of every
// representation (original, precompressed sibling, variant made at run time), sent on 200, HEAD and 304,
// baked again when the source's version changes; 206/412/416 keep static's own block.
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { createApp, PreparedHeaders, ResponseHeaders } from 'tinyhttp-core'
import { serveStatic, type FileHeaders } from 'tinyhttp-static'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const CSS = 'p { margin: 0 auto; color: #345; }\n'.repeat(80)
const JSON_TEXT = '{"list":[1,2,3],"name":"x"}'
let root: string
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'tinyhttp-baked-'))
  await writeFile(join(root, 'style.css'), CSS)
  await writeFile(join(root, 'data.json'), JSON_TEXT)
  await writeFile(join(root, 'data.json.gz'), gzipSync(JSON_TEXT))
})
afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

/** A source that sets `X-Baked: <value>` and removes `Accept-Ranges`, counting its bakes. */
function source(): { version: number; value: string; bakes: Array<[string, string]>; bake: FileHeaders["bake"] } {
  const s = {
    version: 0,
    value: 'one',
    bakes: [] as Array<[string, string]>,
    bake(block: PreparedHeaders, path: string) {
      s.bakes.push([path, block.text])
      const h = new ResponseHeaders()
      h.usePrepared(block)
      h.set('X-Baked', s.value)
      h.delete('Accept-Ranges')
      return new PreparedHeaders(h.entries())
    },
  }
  return s
}

const get = (app: ReturnType<typeof createApp>, target: string, headers: Record<string, string> = {}, method = 'GET') =>
  app.inject({ method, target, headers: { Host: 'x', ...headers } })

describe('serveStatic option headers', () => {
  it('refuses what is not a source', () => {
    expect(() => serveStatic(root, { headers: {} as FileHeaders })).toThrow(TypeError)
    expect(() => serveStatic(root, { headers: { version: '1', bake: () => new PreparedHeaders([]) } as unknown as FileHeaders })).toThrow(TypeError)
  })

  it('200, HEAD and 304 carry the baked block, on every representation; a range keeps static\'s own', async () => {
    const src = source()
    const files = serveStatic(root, { headers: src, compress: true, precompressed: ['gzip'] })
    const app = createApp().use(files)
    try {
      const plain = await get(app, '/data.json')
      expect(plain.status).toBe(200)
      expect(plain.body.toString()).toBe(JSON_TEXT)
      expect(plain.headers.get('x-baked')).toBe('one')
      expect(plain.headers.get('accept-ranges')).toBeUndefined()
      const gz = await get(app, '/data.json', { 'Accept-Encoding': 'gzip' })
      expect(gz.headers.get('content-encoding')).toBe('gzip')
      expect(gz.headers.get('x-baked')).toBe('one')
      const head = await get(app, '/data.json', {}, 'HEAD')
      expect(head.headers.get('x-baked')).toBe('one')
      expect(head.body.length).toBe(0)
      const nm = await get(app, '/data.json', { 'If-None-Match': plain.headers.get('etag')! })
      expect(nm.status).toBe(304)
      expect(nm.headers.get('x-baked')).toBe('one')
      const range = await get(app, '/data.json', { Range: 'bytes=0-3' })
      expect(range.status).toBe(206)
      expect(range.body.toString()).toBe(JSON_TEXT.slice(0, 4))
      expect(range.headers.get('x-baked')).toBeUndefined()
      expect(range.headers.get('accept-ranges')).toBe('bytes')
      // A variant made at run time: baked too, once made.
      await get(app, '/style.css', { 'Accept-Encoding': 'br' })
      await files.idle()
      const br = await get(app, '/style.css', { 'Accept-Encoding': 'br' })
      expect(br.headers.get('content-encoding')).toBe('br')
      expect(br.headers.get('x-baked')).toBe('one')
      // Two blocks (200 and 304) per representation, each baked once, whatever the number of requests.
      const bakes = src.bakes.length
      for (let i = 0; i < 5; i++) await get(app, '/data.json')
      expect(src.bakes.length).toBe(bakes)
      expect(src.bakes.every(([path]) => path === '/data.json' || path === '/style.css')).toBe(true)
    } finally {
      files.close()
    }
  })

  it('bakes again when the version changes', async () => {
    const src = source()
    const files = serveStatic(root, { headers: src })
    const app = createApp().use(files)
    try {
      expect((await get(app, '/data.json')).headers.get('x-baked')).toBe('one')
      src.value = 'two'
      expect((await get(app, '/data.json')).headers.get('x-baked')).toBe('one')
      src.version = 1
      expect((await get(app, '/data.json')).headers.get('x-baked')).toBe('two')
    } finally {
      files.close()
    }
  })

  it('is not used with setHeaders, nor on a response that has fields already', async () => {
    const src = source()
    const hooked = serveStatic(root, { headers: src, setHeaders: res => void res.headers.set('X-Hook', '1') })
    const early = serveStatic(root, { headers: src })
    try {
      const a = await get(createApp().use(hooked), '/data.json')
      expect(a.headers.get('x-hook')).toBe('1')
      expect(a.headers.get('x-baked')).toBeUndefined()
      const b = await get(
        createApp().use((ctx, next) => {
          ctx.res.headers.set('X-Early', '1')
          return next()
        }, early),
        '/data.json',
      )
      expect(b.headers.get('x-early')).toBe('1')
      expect(b.headers.get('x-baked')).toBeUndefined()
      expect(src.bakes.length).toBe(0)
    } finally {
      hooked.close()
      early.close()
    }
  })
})
