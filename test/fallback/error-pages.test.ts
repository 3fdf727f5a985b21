// Custom error pages: fallback asks static (servePage) to send a file of the root as the body of a
// refusal or an error, over app.inject() through fallback → allowlist → static on real files.
import { rm } from 'node:fs/promises'
import { brotliDecompressSync } from 'node:zlib'
import { allowlist, type AllowlistMiddleware } from 'tinyhttp-allowlist'
import { createApp, HttpError, type App, type Middleware } from 'tinyhttp-core'
import { fallback, type FallbackOptions } from 'tinyhttp-fallback'
import { serveStatic, type ServeStaticMiddleware, type ServeStaticOptions } from 'tinyhttp-static'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { writeTree } from '../helpers/file-tree.js'

const PAGE_404 = '<!doctype html><title>Not here</title><h1>This page is not here</h1>\n'
const PAGE_403 = '<!doctype html><title>Forbidden</title><h1>Not for you</h1>\n'
// Compressible and above static's 1 KiB threshold, so static makes a br variant of it.
const PAGE_50X = `<!doctype html><title>Oops</title><h1>Something broke</h1>${'<p>We are on it. Please try again in a minute.</p>\n'.repeat(60)}`

let root: string
beforeAll(async () => {
  root = await writeTree('tinyhttp-error-pages-', {
    'index.html': '<!doctype html><title>home</title>',
    'app.js': 'console.log(1)',
    '404.html': PAGE_404,
    'errors/403.html': PAGE_403,
    '50x.html': PAGE_50X,
    '.hidden/404.html': 'dot page',
    'folder/index.html': 'a folder',
  })
})
afterAll(() => rm(root, { recursive: true, force: true }))

const opened: Array<{ list: AllowlistMiddleware; files: ServeStaticMiddleware }> = []
afterEach(() => {
  for (const { list, files } of opened.splice(0)) {
    list.close()
    files.close()
  }
})

interface Setup {
  app: App
  files: ServeStaticMiddleware
}

/** [outer] → fallback(errorPages) → [between] → allowlist(index.html, app.js) → static. */
async function setup(
  paths: NonNullable<FallbackOptions['errorPages']>['paths'],
  options: { fallback?: Omit<FallbackOptions, 'errorPages'>; static?: ServeStaticOptions; outer?: Middleware[]; between?: Middleware[] } = {},
): Promise<Setup> {
  const files = serveStatic(root, { compress: true, ...options.static })
  const list = allowlist(['index.html', 'app.js'], { root })
  opened.push({ list, files })
  await list.ready
  const app = createApp()
  for (const mw of options.outer ?? []) app.use(mw)
  app.use(fallback({ ...options.fallback, errorPages: { paths, serve: files.servePage } }))
  for (const mw of options.between ?? []) app.use(mw)
  app.use(list, files)
  return { app, files }
}

const req = (app: App, target: string, headers: Record<string, string> = {}, method = 'GET') => app.inject({ method, target, headers: { Host: 'x', ...headers } })

describe('error pages: the status is kept, the bytes are the file', () => {
  it('a path the allowlist refuses (403) gets the 403 page with status 403', async () => {
    const { app } = await setup({ 403: '/errors/403.html' })
    const r = await req(app, '/secret.txt')
    expect(r.status).toBe(403)
    expect(r.body.toString()).toBe(PAGE_403)
    expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(r.headers.get('content-length')).toBe(String(Buffer.byteLength(PAGE_403)))
    expect(r.headers.get('x-content-type-options')).toBe('nosniff')
    expect(r.headers.get('etag')).toMatch(/^"/)
    // Ranges are never served from an error page: it does not advertise them.
    expect(r.headers.get('accept-ranges')).toBeUndefined()
    // A file's page, not fallback's generated HTML: no CSP of ours.
    expect(r.headers.get('content-security-policy')).toBeUndefined()
  })

  it('a refusal turned into 404 (the CLI\'s --not-found 404) gets the 404 page; without a 403 page a 403 keeps its empty body', async () => {
    const denyAs404: Middleware = async (ctx, next) => {
      await next()
      if (ctx.res.status === 403 && ctx.res.body === null) ctx.res.status = 404
    }
    const plain = await setup({ 404: '/404.html' })
    const refused = await req(plain.app, '/nope')
    expect(refused.status).toBe(403)
    expect(refused.body.length).toBe(0)
    const { app } = await setup({ 404: '/404.html' }, { between: [denyAs404] })
    const r = await req(app, '/nope')
    expect(r.status).toBe(404)
    expect(r.body.toString()).toBe(PAGE_404)
  })

  it('what nobody handled (static found no file) gets the page of fallback\'s status', async () => {
    const files = serveStatic(root)
    opened.push({ list: allowlist([], { root }), files })
    const app = createApp()
    app.use(fallback({ status: 404, errorPages: { paths: { 404: '/404.html' }, serve: files.servePage } }), files)
    const r = await req(app, '/missing.html')
    expect(r.status).toBe(404)
    expect(r.body.toString()).toBe(PAGE_404)
    expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8')
  })

  it('HEAD: the same fields, no body', async () => {
    const { app } = await setup({ 403: '/errors/403.html' })
    const get = await req(app, '/secret.txt')
    const head = await req(app, '/secret.txt', {}, 'HEAD')
    expect(head.status).toBe(403)
    expect(head.body.length).toBe(0)
    for (const name of ['content-type', 'content-length', 'etag', 'last-modified', 'cache-control', 'x-content-type-options']) {
      expect(head.headers.get(name), name).toBe(get.headers.get(name))
    }
  })
})

describe('error pages: thrown errors and statuses without a page', () => {
  const thrower: Middleware = ctx => {
    const p = ctx.req.path
    if (p === '/boom') throw new Error('secret /etc/passwd')
    if (p === '/busy') throw new HttpError(503, 'busy', { headers: { 'Retry-After': '7' } })
    if (p === '/conflict') throw new HttpError(409, 'Version conflict')
    return undefined
  }

  async function withThrower(paths: NonNullable<FallbackOptions['errorPages']>['paths']): Promise<App> {
    const files = serveStatic(root, { compress: true })
    opened.push({ list: allowlist([], { root }), files })
    const app = createApp()
    app.use(fallback({ status: 404, body: 'text', errorPages: { paths, serve: files.servePage } }), thrower, files)
    return app
  }

  it('500 from an exception gets the 5xx page, status 500, no detail leaked', async () => {
    const app = await withThrower({ '5xx': '/50x.html' })
    const r = await req(app, '/boom')
    expect(r.status).toBe(500)
    expect(r.body.toString()).toBe(PAGE_50X)
    expect(r.body.toString()).not.toContain('passwd')
    expect(r.headers.get('content-type')).toBe('text/html; charset=utf-8')
  })

  it('a status with its own page wins over "5xx"; the error\'s headers are kept', async () => {
    const app = await withThrower({ '5xx': '/50x.html', 503: '/404.html' })
    const r = await req(app, '/busy')
    expect(r.status).toBe(503)
    expect(r.body.toString()).toBe(PAGE_404)
    expect(r.headers.get('retry-after')).toBe('7')
  })

  it('a thrown 409 has no page: today\'s body', async () => {
    const app = await withThrower({ '5xx': '/50x.html' })
    const r = await req(app, '/conflict')
    expect(r.status).toBe(409)
    expect(r.body.toString()).toBe('Version conflict')
  })

  it('400, 405 and 501 keep their bodies and fields', async () => {
    const { app } = await setup({ 403: '/errors/403.html', 404: '/404.html', '5xx': '/50x.html' }, { fallback: { body: 'text' } })
    const bad = await req(app, '/a%2Fb')
    expect(bad.status).toBe(400)
    expect(bad.body.toString()).toBe('Bad Request')
    const post = await req(app, '/index.html', {}, 'POST')
    expect(post.status).toBe(405)
    expect(post.headers.get('allow')).toBe('GET, HEAD')
    expect(post.body.toString()).not.toContain('<h1>')
    const unknown = await req(app, '/index.html', {}, 'FOO')
    expect(unknown.status).toBe(501)
    expect(unknown.body.toString()).not.toContain('<h1>')
  })
})

describe('error pages are never 304, 412 or 206', () => {
  it('If-None-Match with the page\'s own ETag still gets the page and its status', async () => {
    const files = serveStatic(root)
    opened.push({ list: allowlist([], { root }), files })
    const app2 = createApp()
    app2.use(fallback({ status: 404, errorPages: { paths: { 404: '/404.html' }, serve: files.servePage } }), files)
    const first = await req(app2, '/gone')
    const etag = first.headers.get('etag') as string
    expect(etag).toMatch(/^"/)
    const second = await req(app2, '/gone', { 'If-None-Match': etag, 'If-Modified-Since': new Date(Date.now() + 60_000).toUTCString() })
    expect(second.status).toBe(404)
    expect(second.body.toString()).toBe(PAGE_404)
    const ifMatch = await req(app2, '/gone', { 'If-Match': '"other"', 'If-Unmodified-Since': 'Thu, 01 Jan 1970 00:00:00 GMT' })
    expect(ifMatch.status).toBe(404)
    expect(ifMatch.body.toString()).toBe(PAGE_404)
  })

  it('Range (with or without If-Range) is ignored: the whole page, no Content-Range', async () => {
    const { app } = await setup({ 403: '/errors/403.html' })
    for (const headers of [{ Range: 'bytes=0-3' }, { Range: 'bytes=0-1,5-6' }, { Range: 'bytes=999999-' }]) {
      const r = await req(app, '/secret.txt', headers)
      expect(r.status).toBe(403)
      expect(r.headers.get('content-range')).toBeUndefined()
      expect(r.body.toString()).toBe(PAGE_403)
    }
  })
})

describe('error pages get compression like any file', () => {
  it('a compressible page is sent br-coded to a client that accepts br (once static has made the variant)', async () => {
    const files = serveStatic(root, { compress: true })
    opened.push({ list: allowlist([], { root }), files })
    const app = createApp()
    app.use(
      fallback({ status: 404, errorPages: { paths: { 404: '/50x.html' }, serve: files.servePage } }),
      files,
    )
    // The first request starts the job (identity meanwhile, never a wait), then the variant is ready.
    const first = await req(app, '/missing', { 'Accept-Encoding': 'br' })
    expect(first.status).toBe(404)
    await files.idle()
    const r = await req(app, '/missing', { 'Accept-Encoding': 'gzip, br' })
    expect(r.status).toBe(404)
    expect(r.headers.get('content-encoding')).toBe('br')
    expect(r.headers.get('vary')).toMatch(/accept-encoding/i)
    expect(brotliDecompressSync(r.body).toString()).toBe(PAGE_50X)
    const identity = await req(app, '/missing', { 'Accept-Encoding': 'identity' })
    expect(identity.headers.get('content-encoding')).toBeUndefined()
    expect(identity.body.toString()).toBe(PAGE_50X)
    // A client that refuses every coding static has still gets the page (identity), not a 406.
    const refusing = await req(app, '/missing', { 'Accept-Encoding': 'identity;q=0, br;q=0, gzip;q=0, *;q=0' })
    expect(refusing.status).toBe(404)
    expect(refusing.body.toString()).toBe(PAGE_50X)
  })

  it('a page too large for the memory cache is streamed from disk, GET and HEAD', async () => {
    const files = serveStatic(root, { memoryCacheMaxFileSize: 16 })
    opened.push({ list: allowlist([], { root }), files })
    const app = createApp()
    app.use(fallback({ status: 404, errorPages: { paths: { 404: '/404.html' }, serve: files.servePage } }), files)
    const r = await req(app, '/missing')
    expect(r.status).toBe(404)
    expect(r.body.toString()).toBe(PAGE_404)
    const head = await req(app, '/missing', {}, 'HEAD')
    expect(head.status).toBe(404)
    expect(head.headers.get('content-length')).toBe(String(Buffer.byteLength(PAGE_404)))
    expect(head.body.length).toBe(0)
  })
})
