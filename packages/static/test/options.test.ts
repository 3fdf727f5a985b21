import zlib from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { cacheControlFor, htmlCacheControlFor, normalizeOptions, type ServeStaticOptions } from '../src/options.js'

describe('options', () => {
  it('defaults', () => {
    const c = normalizeOptions('/srv/www')
    expect(c).toMatchObject({
      root: '/srv/www',
      index: 'index.html',
      cacheControl: 'no-cache',
      etag: true,
      lastModified: true,
      acceptRanges: true,
      maxRanges: 16,
      codings: [],
      memoryCacheMaxFileSize: 1048576,
      memoryCacheMaxBytes: 64 * 1024 * 1024,
      followSymlinks: false,
      dotfiles: 'allowlisted',
      methodNotAllowed: 'respond',
    })
  })
  it('HTML Cache-Control: no-cache whenever maxAge is given, else what every file gets; htmlCacheControl overrides', () => {
    expect(htmlCacheControlFor({})).toBe('no-cache')
    expect(htmlCacheControlFor({ maxAge: 31536000, immutable: true })).toBe('no-cache')
    expect(htmlCacheControlFor({ cacheControl: 'private' })).toBe('private')
    expect(htmlCacheControlFor({ cacheControl: false })).toBeUndefined()
    expect(htmlCacheControlFor({ maxAge: 60, htmlCacheControl: 'max-age=0, must-revalidate' })).toBe('max-age=0, must-revalidate')
    expect(htmlCacheControlFor({ maxAge: 60, htmlCacheControl: false })).toBeUndefined()
    expect(() => htmlCacheControlFor({ htmlCacheControl: 'a\r\nb: c' })).toThrow(TypeError)
    expect(normalizeOptions('/srv', { maxAge: 9 }).htmlCacheControl).toBe('no-cache')
  })

  it('Cache-Control from maxAge / immutable / cacheControl', () => {
    expect(cacheControlFor({})).toBe('no-cache')
    expect(cacheControlFor({ maxAge: 0 })).toBe('public, max-age=0')
    expect(cacheControlFor({ maxAge: 3600.7 })).toBe('public, max-age=3600')
    expect(cacheControlFor({ maxAge: 31536000, immutable: true })).toBe('public, max-age=31536000, immutable')
    expect(cacheControlFor({ cacheControl: 'private, max-age=5', maxAge: 9 })).toBe('private, max-age=5')
    expect(cacheControlFor({ cacheControl: false })).toBeUndefined()
  })
  it('precompressed: true → br, zstd, gzip (.br, .zst, .gz siblings); arrays keep the server order', () => {
    expect(normalizeOptions('.', { precompressed: true }).codings).toEqual(['br', 'zstd', 'gzip'])
    expect(normalizeOptions('.', { precompressed: ['gzip', 'zstd'] }).codings).toEqual(['zstd', 'gzip'])
    expect(normalizeOptions('.', { precompressed: ['gzip', 'br'] }).codings).toEqual(['br', 'gzip'])
    expect(normalizeOptions('.', { precompressed: ['gzip'] }).codings).toEqual(['gzip'])
    expect(normalizeOptions('.', { precompressed: false }).codings).toEqual([])
  })
  it('compress: off by default; true → the codings this Node can make (zstd only with zlib.zstdCompress), minSize 1024', () => {
    const runtime = typeof (zlib as unknown as Record<string, unknown>).zstdCompress === 'function' ? ['br', 'zstd', 'gzip'] : ['br', 'gzip']
    expect(normalizeOptions('.', {}).compress).toBeNull()
    expect(normalizeOptions('.', { compress: false }).compress).toBeNull()
    expect(normalizeOptions('.', { compress: true }).compress).toEqual({ codings: runtime, minSize: 1024 })
    expect(normalizeOptions('.', { compress: { codings: ['gzip', 'br'], minSize: 0 } }).compress).toEqual({ codings: ['br', 'gzip'], minSize: 0 })
    // A coding the runtime lacks is never offered (portable configuration, no error).
    expect(normalizeOptions('.', { compress: { codings: ['zstd', 'gzip'] } }).compress?.codings).toEqual(runtime.includes('zstd') ? ['zstd', 'gzip'] : ['gzip'])
  })
  it.each([
    ['empty root', '', {}],
    ['unknown option', '.', { maxage: 1 }],
    ['negative maxAge', '.', { maxAge: -1 }],
    ['NaN maxAge', '.', { maxAge: NaN }],
    ['immutable without maxAge', '.', { immutable: true }],
    ['unsafe cacheControl', '.', { cacheControl: 'a\r\nb: c' }],
    ['index with a slash', '.', { index: 'a/b.html' }],
    ['index ..', '.', { index: '..' }],
    ['bad maxRanges', '.', { maxRanges: 0 }],
    ['fractional cache size', '.', { memoryCacheMaxBytes: 1.5 }],
    ['bad precompressed', '.', { precompressed: ['deflate'] }],
    ['bad compress', '.', { compress: 'yes' }],
    ['bad compress coding', '.', { compress: { codings: ['deflate'] } }],
    ['unknown compress option', '.', { compress: { level: 9 } }],
    ['negative compress.minSize', '.', { compress: { minSize: -1 } }],
    ['bad methodNotAllowed', '.', { methodNotAllowed: 'ignore' }],
    ['bad setHeaders', '.', { setHeaders: 'x' }],
    ['bad boolean', '.', { etag: 'yes' }],
  ])('%s → TypeError', (_name, root, options) => {
    expect(() => normalizeOptions(root, options as ServeStaticOptions)).toThrow(TypeError)
  })
})
