// serveStatic's `htmlTransform` (HTML rewritten once per file version, before hashing, caching and
// compression) and `forget()` (drop the memory cache so the next request reads the disk).
import { createHash } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { createApp } from 'tinyhttp-core'
import { serveStatic } from 'tinyhttp-static'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const PAGE = '<!doctype html><title>t</title><p>page</p>\n'
const CSS = 'p { color: red }\n'
const mark = (html: Buffer): Buffer => Buffer.concat([html, Buffer.from('<!-- marked -->')])
const sha = (b: Buffer): string => `"${createHash('sha256').update(b).digest('base64url')}"`
let root: string
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'tinyhttp-transform-'))
  await writeFile(join(root, 'index.html'), PAGE)
  await writeFile(join(root, 'index.html.gz'), gzipSync(PAGE))
  await writeFile(join(root, 'style.css'), CSS)
  await writeFile(join(root, 'style.css.gz'), gzipSync(CSS))
  await writeFile(join(root, 'big.html'), `<p>${'x'.repeat(5000)}</p>`)
})
afterAll(async () => {
  await rm(root, { recursive: true, force: true })
})

describe('htmlTransform', () => {
  it('rewrites HTML only; ETag and length are the rewritten bytes\'; HTML siblings ignored, others kept', async () => {
    let calls = 0
    const app = createApp()
    app.use(serveStatic(root, { precompressed: true, htmlTransform: html => (calls++, mark(html)) }))
    const page = await app.inject({ target: '/', headers: { 'Accept-Encoding': 'gzip' } })
    expect(page.body.equals(mark(Buffer.from(PAGE)))).toBe(true)
    expect(page.headers.get('content-encoding')).toBeUndefined()
    expect(page.headers.get('etag')).toBe(sha(mark(Buffer.from(PAGE))))
    expect(page.headers.get('content-length')).toBe(String(page.body.length))
    const css = await app.inject({ target: '/style.css', headers: { 'Accept-Encoding': 'gzip' } })
    expect(css.headers.get('content-encoding')).toBe('gzip')
    const plain = await app.inject({ target: '/style.css' })
    expect(plain.body.toString()).toBe(CSS)
    // Once per file version and cache key ('/' and '/index.html' are two keys): the cached entry is
    // served again without a second call.
    await app.inject({ target: '/index.html' })
    await app.inject({ target: '/index.html' })
    expect(calls).toBe(2)
    const nm = await app.inject({ target: '/index.html', headers: { 'If-None-Match': sha(mark(Buffer.from(PAGE))) } })
    expect(nm.status).toBe(304)
  })

  it('an HTML file above memoryCacheMaxFileSize is read and rewritten too', async () => {
    const app = createApp()
    app.use(serveStatic(root, { memoryCacheMaxFileSize: 1024, htmlTransform: mark }))
    const res = await app.inject({ target: '/big.html' })
    expect(res.body.toString()).toBe(`<p>${'x'.repeat(5000)}</p><!-- marked -->`)
    expect(res.headers.get('content-length')).toBe(String(5007 + 15))
  })

  it('must be a function', () => {
    expect(() => serveStatic(root, { htmlTransform: 'yes' as never })).toThrow(/htmlTransform must be a function/)
  })
})

describe('forget()', () => {
  it('the request right after an edit and forget() gets the new bytes (no once-a-second wait)', async () => {
    const file = join(root, 'note.txt')
    await writeFile(file, 'one')
    const files = serveStatic(root)
    const app = createApp()
    app.use(files)
    expect((await app.inject({ target: '/note.txt' })).body.toString()).toBe('one')
    await writeFile(file, 'two!')
    files.forget()
    const res = await app.inject({ target: '/note.txt' })
    expect(res.body.toString()).toBe('two!')
    expect(res.headers.get('etag')).toBe(sha(Buffer.from('two!')))
    files.close()
  })
})
