// The allowlist as the gate of static, over real sockets with the library (no CLI): a dotfile listed by
// its exact name is served, one a glob matches is not; `onDeny: 'next'` lets the app's own routes answer
// unlisted paths while static still never serves an unlisted file.
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { allowlist, type AllowlistMiddleware, type AllowlistOptions } from 'tinyhttp-allowlist'
import { createApp, type App, type Middleware } from 'tinyhttp-core'
import { fallback } from 'tinyhttp-fallback'
import { serveStatic, type ServeStaticOptions } from 'tinyhttp-static'
import { writeTree } from '../helpers/file-tree.js'
import { rawRequest, type RawResponse } from '../helpers/raw-client.js'

const FILES: Record<string, string> = {
  'www/index.html': '<h1>home</h1>',
  'www/a.txt': 'aaa',
  'www/secret.txt': 'ROOT SECRET',
  'www/.env': 'SECRET=1',
  'www/.git/config': '[core]',
  'www/.well-known/security.txt': 'Contact: mailto:s@example.test\n',
  'www/.well-known/x': 'WELL KNOWN X',
  'other/.env': 'OTHER SECRET',
}

let base: string
let root: string
let apps: App[] = []
let closers: Array<{ close(): void }> = []

beforeEach(async () => {
  base = await writeTree('tinyhttp-gate-', FILES)
  root = join(base, 'www')
})

afterEach(async () => {
  for (const c of closers) c.close()
  closers = []
  await Promise.all(apps.map(a => a.close(200)))
  apps = []
  await rm(base, { recursive: true, force: true })
})

/** `fallback → allowlist → [routes] → static`, listening on 127.0.0.1:0. */
async function start(
  entries: string[],
  options: { allow?: Partial<AllowlistOptions>; static?: ServeStaticOptions; staticRoot?: string; routes?: Middleware[]; fallbackStatus?: 403 | 404 } = {},
): Promise<{ port: number; list: AllowlistMiddleware }> {
  const list = allowlist(entries, { root, ...options.allow })
  const files = serveStatic(options.staticRoot ?? root, options.static)
  closers.push(list, files)
  const app = createApp()
  apps.push(app)
  app.use(fallback({ status: options.fallbackStatus ?? 403 }), list, ...(options.routes ?? []), files)
  await list.ready
  const { port } = await app.listen(0, '127.0.0.1')
  return { port, list }
}

const get = (port: number, path: string, method = 'GET'): Promise<RawResponse> =>
  rawRequest(port, `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`)
const withoutDate = (res: RawResponse): string => res.rawHead.replace(/\r\nDate: [^\r]*/i, '') + '\r\n\r\n' + res.body.toString('latin1')

/** A JSON API route: answers GET /api/time, passes everything else on. */
const api: Middleware = function api(ctx, next) {
  if (ctx.req.canonicalPath.ok && ctx.req.canonicalPath.path === '/api/time' && ctx.req.method === 'GET') {
    ctx.res.headers.set('Content-Type', 'application/json')
    ctx.res.body = '{"time":1}'
    return
  }
  return next()
}

describe('dotfiles: the allowlist decides, static serves exactly what it admitted', () => {
  it('an exactly listed .env and .well-known/security.txt are served with their bytes', async () => {
    const { port } = await start(['.env', '.well-known/security.txt', 'a.txt'])
    for (let round = 0; round < 2; round++) {
      // The second round is answered from static's memory cache: the gate is checked there too.
      const env = await get(port, '/.env')
      expect(env.status).toBe(200)
      expect(env.body.toString()).toBe('SECRET=1')
      const sec = await get(port, '/.well-known/security.txt')
      expect(sec.status).toBe(200)
      expect(sec.headers.get('content-type')).toEqual(['text/plain; charset=utf-8'])
      expect(sec.body.toString()).toBe(FILES['www/.well-known/security.txt'])
    }
    expect((await get(port, '/.well-known/x')).status).toBe(403)
  })

  it("'**/*' never serves .env, .git/config, .well-known/x: the same 403 as a missing file", async () => {
    const { port } = await start(['**/*'])
    expect((await get(port, '/a.txt')).status).toBe(200)
    const missing = await get(port, '/missing.txt')
    expect(missing.status).toBe(403)
    for (const path of ['/.env', '/.git/config', '/.well-known/x', '/.well-known/security.txt']) {
      expect(withoutDate(await get(port, path)), path).toBe(withoutDate(missing))
    }
  })

  it('static alone (no allowlist) never serves a dotfile; dotfiles: false refuses even a listed one', async () => {
    const files = serveStatic(root)
    closers.push(files)
    const app = createApp()
    apps.push(app)
    app.use(fallback({ status: 404 }), files)
    const { port } = await app.listen(0, '127.0.0.1')
    expect((await get(port, '/a.txt')).status).toBe(200)
    expect((await get(port, '/.env')).status).toBe(404)

    const refused = await start(['.env'], { static: { dotfiles: false } })
    expect((await get(refused.port, '/.env')).status).toBe(403)
  })

  it('a hit for another file (static given another root) is not served: both must agree on the file', async () => {
    const { port } = await start(['.env'], { staticRoot: join(base, 'other') })
    const res = await get(port, '/.env')
    expect(res.status).toBe(403)
    expect(res.body.toString()).not.toContain('SECRET')
  })

  it('a hit for another path does not open a dot path', async () => {
    // A middleware that forges a hit for a different path: static must compare the path too.
    let forged: string | undefined = '/a.txt'
    const forge: Middleware = function forge(ctx, next) {
      if (forged !== undefined) ctx.state.allowlist = { urlPath: forged, file: join(root, forged.slice(1)), size: 3, mtimeMs: 0, kind: 'file' }
      return next()
    }
    const files = serveStatic(root)
    closers.push(files)
    const app = createApp()
    apps.push(app)
    app.use(fallback({ status: 404 }), forge, files)
    const { port } = await app.listen(0, '127.0.0.1')
    expect((await get(port, '/a.txt')).status).toBe(200)
    expect((await get(port, '/.env')).status).toBe(404)
    // Admitted once (now in static's memory cache), then not: the cached entry is gated too.
    forged = '/.env'
    expect((await get(port, '/.env')).status).toBe(200)
    forged = undefined
    expect((await get(port, '/.env')).status).toBe(404)
  })
})

describe("onDeny: 'next' lets the app's own routes answer, static still serves only listed files", () => {
  it('an API route after the allowlist answers; /secret.txt (exists, unlisted) is never served', async () => {
    const { port } = await start(['index.html', 'a.txt'], { allow: { onDeny: 'next' }, routes: [api] })
    const time = await get(port, '/api/time')
    expect(time.status).toBe(200)
    expect(time.headers.get('content-type')).toEqual(['application/json'])
    expect(time.body.toString()).toBe('{"time":1}')
    expect((await get(port, '/a.txt')).body.toString()).toBe('aaa')
    expect((await get(port, '/')).body.toString()).toBe('<h1>home</h1>')

    const missing = await get(port, '/missing.txt')
    expect(missing.status).toBe(403)
    for (const path of ['/secret.txt', '/.env', '/.git/config']) {
      const res = await get(port, path)
      expect(res.status, path).toBe(403)
      expect(withoutDate(res), path).toBe(withoutDate(missing))
    }
    for (const method of ['HEAD', 'GET']) {
      expect((await get(port, '/secret.txt', method)).body.toString()).not.toContain('SECRET')
    }
  })

  it('with a 404 fallback, unlisted files answer 404 like missing ones', async () => {
    const { port } = await start(['a.txt'], { allow: { onDeny: 'next' }, routes: [api], fallbackStatus: 404 })
    expect((await get(port, '/secret.txt')).status).toBe(404)
    expect(withoutDate(await get(port, '/secret.txt'))).toBe(withoutDate(await get(port, '/nope.txt')))
  })

  it('malformed paths still get 400 from the allowlist, before any route', async () => {
    let routeRan = false
    const spy: Middleware = function spy(_ctx, next) {
      routeRan = true
      return next()
    }
    const { port } = await start(['a.txt'], { allow: { onDeny: 'next' }, routes: [spy] })
    for (const path of ['/a%2fb', '/../secret.txt', '/a%00.txt']) {
      const res = await get(port, path)
      expect(res.status, path).toBe(400)
    }
    expect(routeRan).toBe(false)
  })

  it("the default ('refuse') is unchanged: the route after the allowlist is unreachable (403)", async () => {
    const { port } = await start(['a.txt'], { routes: [api] })
    const res = await get(port, '/api/time')
    expect(res.status).toBe(403)
    expect(res.body.length).toBe(0)
    expect((await get(port, '/a.txt')).status).toBe(200)
  })

  it('a bad onDeny is a TypeError at construction', () => {
    expect(() => allowlist(['a.txt'], { root, onDeny: 'skip' as 'next' })).toThrow(/onDeny must be 'refuse' or 'next'/)
  })
})
