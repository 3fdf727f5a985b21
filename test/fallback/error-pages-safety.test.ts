// Custom error pages, the safety side: a page is never a route of its own, a page that goes away gives
// today's answer (never a 500), header rules see the page's path, bad options are refused.
import { rm, symlink, unlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { allowlist, type AllowlistMiddleware } from 'tinyhttp-allowlist'
import { createApp, type App, type Middleware } from 'tinyhttp-core'
import { fallback, type FallbackOptions } from 'tinyhttp-fallback'
import { parseHeaders, presets, rules } from 'tinyhttp-rules'
import { serveStatic, type ServeStaticMiddleware, type ServeStaticOptions } from 'tinyhttp-static'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { writeTree } from '../helpers/file-tree.js'

const PAGE_404 = '<!doctype html><title>Not here</title><h1>This page is not here</h1>\n'
const PAGE_403 = '<!doctype html><title>Forbidden</title><h1>Not for you</h1>\n'

let root: string
let outside: string
beforeAll(async () => {
  root = await writeTree('tinyhttp-error-pages-safety-', {
    'index.html': '<!doctype html><title>home</title>',
    '404.html': PAGE_404,
    'errors/403.html': PAGE_403,
    '.hidden/404.html': 'a dot page',
    'folder/index.html': 'a folder',
  })
  outside = await writeTree('tinyhttp-error-pages-outside-', { 'leak.html': 'outside the root' })
  await symlink(join(outside, 'leak.html'), join(root, 'leak.html'))
})
afterAll(async () => {
  await rm(root, { recursive: true, force: true })
  await rm(outside, { recursive: true, force: true })
})

const opened: Array<{ list: AllowlistMiddleware; files: ServeStaticMiddleware }> = []
afterEach(() => {
  for (const { list, files } of opened.splice(0)) {
    list.close()
    files.close()
  }
})

/** [outer] → fallback(errorPages) → allowlist(index.html) → static. */
async function setup(
  paths: NonNullable<FallbackOptions['errorPages']>['paths'],
  options: { fallback?: Omit<FallbackOptions, 'errorPages'>; static?: ServeStaticOptions; outer?: Middleware[]; allow?: string[] } = {},
): Promise<App> {
  const files = serveStatic(root, options.static)
  const list = allowlist(options.allow ?? ['index.html'], { root })
  opened.push({ list, files })
  await list.ready
  const app = createApp()
  for (const mw of options.outer ?? []) app.use(mw)
  app.use(fallback({ ...options.fallback, errorPages: { paths, serve: files.servePage } }), list, files)
  return app
}

const req = (app: App, target: string, headers: Record<string, string> = {}, method = 'GET') => app.inject({ method, target, headers: { Host: 'x', ...headers } })

describe('an error page is never a route of its own', () => {
  it('a direct request for a page the allowlist does not serve is refused (its status, never 200)', async () => {
    const app = await setup({ 403: '/errors/403.html', 404: '/404.html' })
    const page403 = await req(app, '/errors/403.html')
    expect(page403.status).toBe(403)
    const page404 = await req(app, '/404.html')
    expect(page404.status).toBe(403)
    expect(page404.body.toString()).toBe(PAGE_403)
    // The folder of a page is not opened up either.
    expect((await req(app, '/errors/')).status).toBe(403)
  })

  it('the same request is served (200) only when the allowlist lists the page', async () => {
    const app = await setup({ 404: '/404.html' }, { allow: ['index.html', '404.html'], fallback: { status: 404 } })
    const direct = await req(app, '/404.html')
    expect(direct.status).toBe(200)
    expect(direct.body.toString()).toBe(PAGE_404)
  })

  it('a page on a dot path, a folder or a symlink out of the root is not served: today\'s body', async () => {
    for (const path of ['/.hidden/404.html', '/folder', '/leak.html', '/no-such-page.html']) {
      const app = await setup({ 403: path }, { fallback: { body: 'text' } })
      const r = await req(app, '/secret')
      expect(r.status, path).toBe(403)
      expect(r.body.toString(), path).toBe('Forbidden')
      expect(r.headers.get('content-type'), path).toBe('text/plain; charset=utf-8')
    }
  })
})

describe('a page that goes away at run time', () => {
  it('without the memory cache: the next refusal gets today\'s body, never a 500; back when the file is back', async () => {
    const page = join(root, 'errors', 'gone.html')
    await writeFile(page, 'temporary page')
    const headerRules = rules(parseHeaders('/errors/gone.html\n  X-Page: gone\n', '_headers'))
    const app = await setup({ 403: '/errors/gone.html' }, { static: { memoryCacheMaxBytes: 0 }, fallback: { body: 'text' }, outer: [headerRules] })
    const before = await req(app, '/secret')
    expect(before.status).toBe(403)
    expect(before.body.toString()).toBe('temporary page')
    expect(before.headers.get('x-page')).toBe('gone')
    await unlink(page)
    for (const method of ['GET', 'HEAD']) {
      const after = await req(app, '/secret', {}, method)
      expect(after.status).toBe(403)
      // The request kept its own path: the page's header rule does not apply to today's body.
      expect(after.headers.get('x-page')).toBeUndefined()
      expect(after.headers.get('content-type')).toBe('text/plain; charset=utf-8')
      if (method === 'GET') expect(after.body.toString()).toBe('Forbidden')
    }
    await writeFile(page, 'back again')
    const back = await req(app, '/secret')
    expect(back.status).toBe(403)
    expect(back.body.toString()).toBe('back again')
  })

  it('with the memory cache: once the entry is checked again (≥ 1 s), today\'s body', async () => {
    const page = join(root, 'errors', 'cached.html')
    await writeFile(page, 'cached page')
    const app = await setup({ '5xx': '/errors/cached.html', 403: '/errors/cached.html' }, { fallback: { body: 'text' } })
    expect((await req(app, '/secret')).body.toString()).toBe('cached page')
    await unlink(page)
    // The cache re-checks an entry at most once per second; wait past that, bounded.
    await new Promise(resolve => setTimeout(resolve, 1100))
    const r = await req(app, '/secret')
    expect(r.status).toBe(403)
    expect(r.body.toString()).toBe('Forbidden')
  })
})

describe('header rules and presets see the page\'s canonical path', () => {
  it('rules() wrapping fallback applies the rules of /404.html, not those of the request path', async () => {
    const headerRules = rules(parseHeaders('/404.html\n  X-Error-Page: yes\n  Cache-Control: no-store\n/nope\n  X-Nope: yes\n', '_headers'))
    const app = await setup({ 403: '/404.html' }, { outer: [headerRules] })
    for (const method of ['GET', 'HEAD']) {
      const r = await req(app, '/nope', {}, method)
      expect(r.status).toBe(403)
      expect(r.headers.get('x-error-page')).toBe('yes')
      expect(r.headers.get('cache-control')).toBe('no-store')
      expect(r.headers.get('x-nope')).toBeUndefined()
    }
  })

  it('presets (--cache spa) treat the page as the HTML file it is', async () => {
    const app = await setup({ 403: '/404.html' }, { outer: [presets({ cache: 'spa' })], static: { maxAge: 3600 } })
    const r = await req(app, '/assets/app.3f9a1c2e.js')
    expect(r.status).toBe(403)
    expect(r.body.toString()).toBe(PAGE_404)
    expect(r.headers.get('cache-control')).toBe('no-cache')
  })

  it('the answer\'s dependence on Accept (an SPA path) stays in Vary', async () => {
    const app = await setup({ 403: '/404.html' }, { fallback: { spa: { file: 'index.html', root } } })
    const r = await req(app, '/deep/link', { Accept: '*/*' })
    expect(r.status).toBe(403)
    expect(r.body.toString()).toBe(PAGE_404)
    expect(r.headers.get('vary')).toMatch(/\bAccept\b/)
  })
})

describe('options and servePage arguments', () => {
  // Options are checked before any page is served: a stand-in server is enough here.
  const serve = (): boolean => false
  const bad: Array<[string, unknown]> = [
    ['a 405 page', { paths: { 405: '/404.html' }, serve }],
    ['a 501 page', { paths: { 501: '/404.html' }, serve }],
    ['a 400 page', { paths: { 400: '/404.html' }, serve }],
    ['a relative path', { paths: { 404: '404.html' }, serve }],
    ['a dot-dot path', { paths: { 404: '/a/../404.html' }, serve }],
    ['a folder path', { paths: { 404: '/errors/' }, serve }],
    ['a path with an empty segment', { paths: { 404: '/errors//404.html' }, serve }],
    ['a path with a backslash', { paths: { 404: '/errors\\404.html' }, serve }],
    ['no serve function', { paths: { 404: '/404.html' } }],
    ['no paths', { serve }],
  ]
  it.each(bad)('refuses %s', (_name, errorPages) => {
    expect(() => fallback({ errorPages } as FallbackOptions)).toThrow(TypeError)
  })

  it('refuses a status with both a pages file and an error page', () => {
    expect(() => fallback({ pages: { 404: join(root, '404.html') }, errorPages: { paths: { 404: '/404.html' }, serve } })).toThrow(/both/)
  })

  it('accepts decoded non-ASCII and space paths', () => {
    expect(() => fallback({ errorPages: { paths: { 404: '/erreurs/introuvé page.html' }, serve } })).not.toThrow()
  })

  it('servePage refuses a path that is not canonical and leaves the response as it was when there is no file', async () => {
    const files = serveStatic(root)
    opened.push({ list: allowlist([], { root }), files })
    const seen: unknown[] = []
    const app = createApp()
    app.use(async ctx => {
      for (const [path, status] of [['/a/../b.html', 404], ['404.html', 404], ['/404.html', 200], ['/404.html', 304]] as const) {
        try {
          await files.servePage(ctx, path, status)
          seen.push('no error')
        } catch (err) {
          seen.push((err as Error).name)
        }
      }
      ctx.res.status = 404
      ctx.res.headers.set('X-Kept', '1')
      seen.push(await files.servePage(ctx, '/missing.html', 404))
      seen.push(await files.servePage(ctx, '/folder', 404))
      seen.push(ctx.res.status, ctx.res.body, [...ctx.res.headers.entries()])
    })
    const r = await req(app, '/x')
    expect(seen).toEqual(['TypeError', 'TypeError', 'TypeError', 'TypeError', false, false, 404, null, [['X-Kept', '1']]])
    expect(r.status).toBe(404)
  })
})
