import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { HttpError, type Middleware } from 'tinyhttp-core'
import { cors } from 'tinyhttp-cors'
import { fallback } from 'tinyhttp-fallback'
import { closeAll, serve } from '../helpers/serve.js'
import { allowlistStub } from '../helpers/stubs.js'
import { send } from '../helpers/wire.js'

afterEach(closeAll)

let dir = ''
const SHELL = '<!doctype html><title>app</title><div id="root"></div>\n'
const PAGE_404 = '<!doctype html><title>lost</title><h1>Nothing here</h1>\n'
const PAGE_403 = '{"error":"forbidden"}'
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tinyhttp-fallback-'))
  mkdirSync(join(dir, 'public'))
  writeFileSync(join(dir, 'public', 'index.html'), SHELL)
  writeFileSync(join(dir, '404.html'), PAGE_404)
  writeFileSync(join(dir, '403.json'), PAGE_403)
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'

/** One outcome per path. */
const stubs: Middleware = function stubs(ctx) {
  const res = ctx.res
  switch (ctx.req.path) {
    case '/ok':
      res.body = 'hello'
      return
    case '/refuse-403':
      res.status = 403
      return
    case '/refuse-404':
      res.status = 404
      return
    case '/refuse-405':
      res.status = 405
      res.headers.set('Allow', 'GET')
      return
    case '/refuse-405-bare':
      res.status = 405
      return
    case '/refuse-416':
      res.status = 416
      res.headers.set('Content-Range', 'bytes */5')
      return
    case '/conflict':
      throw new HttpError(409, 'Version conflict', { headers: { 'Retry-After': '3' }, reason: 'conflict' })
    case '/hidden-503':
      throw new HttpError(503, 'db at 10.0.0.7 is down')
    case '/thrown-404':
      throw new HttpError(404)
    case '/boom':
      throw new Error('secret /etc/passwd')
    case '/no-content':
      res.status = 204
      return
    default:
    // nothing handled
  }
}

describe('fallback: what nobody handled', () => {
  it('403 by default, empty body, nosniff', async () => {
    const { port } = await serve([fallback()])
    const r = await send(port, 'GET', '/anything')
    expect(r.status).toBe(403)
    expect(r.header('content-length')).toBe('0')
    expect(r.body.length).toBe(0)
    expect(r.header('x-content-type-options')).toBe('nosniff')
    expect(r.header('content-type')).toBeUndefined()
  })

  it('404 when configured', async () => {
    const { port } = await serve([fallback({ status: 404 })])
    expect((await send(port, 'GET', '/anything')).status).toBe(404)
  })

  it('POST → 405 + Allow: GET, HEAD; OPTIONS and DELETE too', async () => {
    const { port } = await serve([fallback()])
    for (const method of ['POST', 'OPTIONS', 'DELETE', 'PUT']) {
      const r = await send(port, method, '/x')
      expect(r.status, method).toBe(405)
      expect(r.header('allow'), method).toBe('GET, HEAD')
    }
    // `get` was asserted 405 here; RFC 9110 §9.1: methods are case-sensitive and one the server does not
    // implement (`get`, `FOO`) is 501 Not Implemented, not 405.
    for (const method of ['get', 'FOO']) {
      const r = await send(port, method, '/x')
      expect(r.status, method).toBe(501)
      expect(r.header('allow'), method).toBeUndefined()
    }
  })

  it('methodStatus 400 reproduces the original program, still with Allow', async () => {
    const { port } = await serve([fallback({ methodStatus: 400 })])
    const r = await send(port, 'POST', '/x')
    expect(r.status).toBe(400)
    expect(r.header('allow')).toBe('GET, HEAD')
    expect((await send(port, 'GET', '/x')).status).toBe(403)
  })

  it('a custom methods list', async () => {
    const { port } = await serve([fallback({ methods: ['GET', 'HEAD', 'OPTIONS'] })])
    expect((await send(port, 'OPTIONS', '/x')).status).toBe(403)
    const r = await send(port, 'POST', '/x')
    expect(r.header('allow')).toBe('GET, HEAD, OPTIONS')
  })

  it('rejected canonical paths → 400 (before the method check)', async () => {
    const { port } = await serve([fallback({ body: 'text' })])
    for (const path of ['/%2e%2e/x', '/a//b', '/a/./b', '/%2F', '/a%5cb', '/%00', '/%3Cscript%3E']) {
      const r = await send(port, 'GET', path)
      expect(r.status, path).toBe(400)
      expect(r.body.toString(), path).toBe('Bad Request')
    }
    expect((await send(port, 'POST', '/%2e%2e/x')).status).toBe(400)
  })

  it('HEAD gets the same headers and no body', async () => {
    const { port } = await serve([fallback({ body: 'text' })])
    const get = await send(port, 'GET', '/x')
    const head = await send(port, 'HEAD', '/x')
    expect(head.status).toBe(403)
    expect(head.header('content-length')).toBe(get.header('content-length'))
    expect(head.header('content-type')).toBe(get.header('content-type'))
    expect(head.body.length).toBe(0)
  })

  it('works last in the chain, behind cors and an allowlist that lets /index.html through', async () => {
    const { port } = await serve([cors(), allowlistStub, fallback({ status: 404 })])
    const r = await send(port, 'GET', '/index.html')
    expect(r.status).toBe(404)
    expect(r.header('access-control-allow-origin')).toBe('*')
    expect((await send(port, 'GET', '/other')).status).toBe(403)
  })

  it('leaves answered responses alone (200, 204)', async () => {
    const { port } = await serve([fallback({ body: 'text' }), stubs])
    const ok = await send(port, 'GET', '/ok')
    expect(ok.status).toBe(200)
    expect(ok.body.toString()).toBe('hello')
    expect(ok.header('x-content-type-options')).toBeUndefined()
    expect((await send(port, 'GET', '/no-content')).status).toBe(204)
  })
})

describe('fallback: refusals and errors from below', () => {
  it('fills in refusals with the configured body, keeping their headers', async () => {
    const { port } = await serve([fallback({ body: 'text' }), stubs])
    const r403 = await send(port, 'GET', '/refuse-403')
    expect(r403.status).toBe(403)
    expect(r403.body.toString()).toBe('Forbidden')
    expect(r403.header('content-type')).toBe('text/plain; charset=utf-8')
    const r416 = await send(port, 'GET', '/refuse-416')
    expect(r416.status).toBe(416)
    expect(r416.header('content-range')).toBe('bytes */5')
    expect(r416.body.toString()).toBe('Range Not Satisfiable')
  })

  it('a 405 from below keeps its Allow; one without Allow gets ours', async () => {
    const { port } = await serve([fallback(), stubs])
    expect((await send(port, 'GET', '/refuse-405')).header('allow')).toBe('GET')
    const bare = await send(port, 'GET', '/refuse-405-bare')
    expect(bare.status).toBe(405)
    expect(bare.header('allow')).toBe('GET, HEAD')
  })

  it('renders a thrown HttpError: status, headers, exposed message', async () => {
    const { port } = await serve([fallback(), stubs])
    const r = await send(port, 'GET', '/conflict')
    expect(r.status).toBe(409)
    expect(r.header('retry-after')).toBe('3')
    expect(r.header('content-type')).toBe('text/plain; charset=utf-8')
    expect(r.header('x-content-type-options')).toBe('nosniff')
    expect(r.body.toString()).toBe('Version conflict')
  })

  it('a 5xx HttpError shows only its status text', async () => {
    const { port } = await serve([fallback(), stubs])
    const r = await send(port, 'GET', '/hidden-503')
    expect(r.status).toBe(503)
    expect(r.body.toString()).toBe('Service Unavailable')
  })

  it('a plain Error → 500, generic body, no message or stack on the wire', async () => {
    const { port } = await serve([fallback({ body: 'negotiate' }), stubs])
    for (const accept of [undefined, 'text/html', 'application/json']) {
      const r = await send(port, 'GET', '/boom', accept === undefined ? {} : { Accept: accept })
      expect(r.status).toBe(500)
      const wire = r.rawHead + r.body.toString()
      expect(wire).not.toMatch(/secret|passwd|Error:|\bat\s/)
      expect(r.body.toString()).toContain('Internal Server Error')
    }
  })

  it('negotiates thrown errors too (exposed message escaped in HTML)', async () => {
    const { port } = await serve([
      fallback({ body: 'negotiate' }),
      () => {
        throw new HttpError(422, 'Field <name> & "quote" are wrong')
      },
    ])
    const html = await send(port, 'GET', '/x', { Accept: 'text/html' })
    expect(html.status).toBe(422)
    expect(html.header('content-type')).toBe('text/html; charset=utf-8')
    expect(html.header('content-security-policy')).toBe("default-src 'none'")
    expect(html.body.toString()).toContain('Field &lt;name&gt; &amp; &quot;quote&quot; are wrong')
    const json = await send(port, 'GET', '/x', { Accept: 'application/json' })
    expect(JSON.parse(json.body.toString())).toEqual({ status: 422, message: 'Field <name> & "quote" are wrong' })
  })

  it('HttpErrors thrown below a fallback that sits above cors are still rendered', async () => {
    const { port } = await serve([fallback({ body: 'text' }), cors({ origin: ['https://a.example'] }), stubs])
    const r = await send(port, 'GET', '/conflict', { Origin: 'https://a.example' })
    expect(r.status).toBe(409)
    expect(r.header('access-control-allow-origin')).toBe('https://a.example')
    expect(r.body.toString()).toBe('Version conflict')
  })
})

describe('fallback: bodies', () => {
  it("body: 'text' → the status text as text/plain", async () => {
    const { port } = await serve([fallback({ body: 'text' })])
    const r = await send(port, 'GET', '/x')
    expect(r.body.toString()).toBe('Forbidden')
    expect(r.header('content-type')).toBe('text/plain; charset=utf-8')
    expect(r.header('vary')).toBeUndefined()
  })

  it.each([
    ['text/html', 'text/html; charset=utf-8'],
    [BROWSER, 'text/html; charset=utf-8'],
    ['application/json', 'application/json'],
    ['application/json, text/plain, */*', 'application/json'],
    ['text/plain', 'text/plain; charset=utf-8'],
    ['*/*', 'text/plain; charset=utf-8'],
    ['image/png', 'text/plain; charset=utf-8'],
    ['text/html;q=0, application/json;q=0.5', 'application/json'],
    [undefined, 'text/plain; charset=utf-8'],
  ])("body: 'negotiate' with Accept %j → %s", async (accept, type) => {
    const { port } = await serve([fallback({ body: 'negotiate', status: 404 })])
    const r = await send(port, 'GET', '/missing', accept === undefined ? {} : { Accept: accept })
    expect(r.status).toBe(404)
    expect(r.header('content-type')).toBe(type)
    expect(r.header('vary')).toBe('Accept')
    expect(r.header('x-content-type-options')).toBe('nosniff')
    const body = r.body.toString()
    if (type.startsWith('text/html')) {
      expect(r.header('content-security-policy')).toBe("default-src 'none'")
      expect(body).toContain('<title>404 Not Found</title>')
    } else {
      expect(r.header('content-security-policy')).toBeUndefined()
      if (type === 'application/json') expect(JSON.parse(body)).toEqual({ status: 404, message: 'Not Found' })
      else expect(body).toBe('Not Found')
    }
  })

  it('custom pages: read once at construction, typed by extension, used for that status', async () => {
    const file = join(dir, 'page-once.html')
    writeFileSync(file, PAGE_404)
    const mw = fallback({ status: 404, body: 'negotiate', pages: { 404: file, 403: join(dir, '403.json') } })
    writeFileSync(file, 'changed after construction')
    const { port } = await serve([mw, stubs])
    const r = await send(port, 'GET', '/nobody', { Accept: 'application/json' })
    expect(r.status).toBe(404)
    expect(r.header('content-type')).toBe('text/html; charset=utf-8')
    expect(r.body.toString()).toBe(PAGE_404)
    expect(r.header('x-content-type-options')).toBe('nosniff')
    const forbidden = await send(port, 'GET', '/refuse-403')
    expect(forbidden.header('content-type')).toBe('application/json')
    expect(forbidden.body.toString()).toBe(PAGE_403)
    const thrown = await send(port, 'GET', '/thrown-404')
    expect(thrown.body.toString()).toBe(PAGE_404)
    // Other statuses keep the configured mode.
    const conflict = await send(port, 'GET', '/conflict', { Accept: 'text/plain' })
    expect(conflict.body.toString()).toBe('Version conflict')
  })

  it('never echoes request data', async () => {
    const { port } = await serve([fallback({ body: 'negotiate' }), stubs])
    const requests: Array<[string, string, Record<string, string>]> = [
      ['GET', '/%3Cscript%3Ealert(1)%3C%2Fscript%3E', { Accept: 'text/html' }],
      ['GET', '/sub%3Cscript%3Ealert(1)', { Accept: 'text/html' }],
      ['GET', '/scriptalert1', { Accept: 'text/html, <script>alert(1)</script>' }],
      ['POST', '/scriptalert1', { Accept: 'application/json', 'X-Evil': '<script>' }],
      ['GET', '/scriptalert1?q=<script>', { Accept: 'text/html' }],
    ]
    for (const [method, path, headers] of requests) {
      const r = await send(port, method, path, headers)
      expect(r.status, path).toBeGreaterThanOrEqual(400)
      const wire = (r.rawHead + r.body.toString()).toLowerCase()
      expect(wire, path).not.toContain('script')
      expect(wire, path).not.toContain('alert')
    }
    // Raw illegal characters never reach the chain: the parser answers 400.
    const raw = await send(port, 'GET', '/"><img src=x>')
    expect(raw.status).toBe(400)
    expect(raw.body.toString()).not.toContain('img')
  })
})

describe('fallback: single-page-app shell', () => {
  const spa = () => fallback({ spa: { file: 'index.html', root: join(dir, 'public') } })

  it('/about with Accept: text/html → the shell, 200, no-cache, nosniff, Vary: Accept', async () => {
    const { port } = await serve([spa()])
    for (const accept of ['text/html', BROWSER]) {
      const r = await send(port, 'GET', '/about', { Accept: accept })
      expect(r.status).toBe(200)
      expect(r.body.toString()).toBe(SHELL)
      expect(r.header('content-type')).toBe('text/html; charset=utf-8')
      expect(r.header('cache-control')).toBe('no-cache')
      expect(r.header('x-content-type-options')).toBe('nosniff')
      expect(r.header('vary')).toBe('Accept')
      expect(r.header('content-security-policy')).toBeUndefined()
    }
    const nested = await send(port, 'GET', '/users/42/edit/', { Accept: 'text/html' })
    expect(nested.status).toBe(200)
    const root = await send(port, 'GET', '/', { Accept: 'text/html' })
    expect(root.body.toString()).toBe(SHELL)
    const head = await send(port, 'HEAD', '/about', { Accept: 'text/html' })
    expect(head.status).toBe(200)
    expect(head.header('content-length')).toBe(String(Buffer.byteLength(SHELL)))
    expect(head.body.length).toBe(0)
  })

  it('no shell for asset-like paths, other Accepts, other methods, bad paths', async () => {
    const { port } = await serve([spa()])
    const cases: Array<[string, string, Record<string, string>, number]> = [
      ['GET', '/app.js', { Accept: 'text/html' }, 403],
      ['GET', '/.env', { Accept: 'text/html' }, 403],
      // Was 400 everywhere; RFC 3986 §3.3: `about.` is a name, not a dot-segment (refused only on Windows,
      // where Win32 drops the dot) — and, with a dot, it is asset-like: no shell either way.
      ['GET', '/v1.2/about.', { Accept: 'text/html' }, process.platform === 'win32' ? 400 : 403],
      ['GET', '/docs/v1.2', { Accept: 'text/html' }, 403],
      ['GET', '/about', {}, 403],
      ['GET', '/about', { Accept: '*/*' }, 403],
      ['GET', '/about', { Accept: 'text/*' }, 403],
      ['GET', '/about', { Accept: 'application/json' }, 403],
      ['GET', '/about', { Accept: 'text/html;q=0' }, 403],
      ['POST', '/about', { Accept: 'text/html' }, 405],
      ['GET', '/%2e%2e/about', { Accept: 'text/html' }, 400],
      ['GET', '/a//about', { Accept: 'text/html' }, 400],
    ]
    for (const [method, path, headers, status] of cases) {
      const r = await send(port, method, path, headers)
      expect(r.status, `${method} ${path} ${JSON.stringify(headers)}`).toBe(status)
      expect(r.body.toString()).not.toContain('root')
    }
    // Accept was consulted for /about, so the refusal varies on it too.
    expect((await send(port, 'GET', '/about', { Accept: '*/*' })).header('vary')).toBe('Accept')
    expect((await send(port, 'GET', '/app.js', { Accept: 'text/html' })).header('vary')).toBeUndefined()
  })

  it('replaces 403/404 refusals from below, never 400/405/5xx or thrown errors', async () => {
    const { port } = await serve([spa(), stubs])
    for (const path of ['/refuse-403', '/refuse-404']) {
      const r = await send(port, 'GET', path, { Accept: 'text/html' })
      expect(r.status, path).toBe(200)
      expect(r.body.toString(), path).toBe(SHELL)
    }
    for (const [path, status] of [
      ['/refuse-405', 405],
      ['/refuse-416', 416],
      ['/boom', 500],
      ['/hidden-503', 503],
      ['/thrown-404', 404],
    ] as const) {
      const r = await send(port, 'GET', path, { Accept: 'text/html' })
      expect(r.status, path).toBe(status)
      expect(r.body.toString(), path).not.toBe(SHELL)
    }
  })

  it('behind an allowlist that refuses /about with 403 (the CLI chain)', async () => {
    const { port } = await serve([cors(), spa(), allowlistStub, ctx => void (ctx.res.body = 'file')])
    const about = await send(port, 'GET', '/about', { Accept: BROWSER })
    expect(about.status).toBe(200)
    expect(about.body.toString()).toBe(SHELL)
    expect(about.header('access-control-allow-origin')).toBe('*')
    const asset = await send(port, 'GET', '/missing.css', { Accept: BROWSER })
    expect(asset.status).toBe(403)
    const bad = await send(port, 'GET', '/%2e%2e/etc/passwd', { Accept: BROWSER })
    expect(bad.status).toBe(400)
    expect((await send(port, 'GET', '/index.html')).body.toString()).toBe('file')
  })

  it('the shell has a strong content ETag (as static gives the file) and If-None-Match → 304', async () => {
    const { port } = await serve([spa()])
    const etag = `"${createHash('sha256').update(SHELL).digest('base64url')}"`
    const first = await send(port, 'GET', '/about', { Accept: BROWSER })
    expect(first.header('etag')).toBe(etag)
    for (const inm of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const again = await send(port, 'GET', '/settings', { Accept: BROWSER, 'If-None-Match': inm })
      expect(again.status, inm).toBe(304)
      expect(again.body.length).toBe(0)
      expect(again.header('etag')).toBe(etag)
      expect(again.header('cache-control')).toBe('no-cache')
      expect(again.header('vary')).toBe('Accept')
    }
    const stale = await send(port, 'GET', '/about', { Accept: BROWSER, 'If-None-Match': '"old"' })
    expect(stale.status).toBe(200)
    expect(stale.body.toString()).toBe(SHELL)
  })

  it('a string spa is a path from the working directory', async () => {
    const cwd = process.cwd()
    process.chdir(dir)
    try {
      const mw = fallback({ spa: 'public/index.html' })
      const { port } = await serve([mw])
      expect((await send(port, 'GET', '/x', { Accept: 'text/html' })).body.toString()).toBe(SHELL)
    } finally {
      process.chdir(cwd)
    }
  })
})

describe('fallback: notes', () => {
  const NOTE = 'This server only serves the files it was told to serve.'
  it('adds the sentence to generated HTML, text and JSON bodies, escaped, and nothing of the request', async () => {
    const { port } = await serve([fallback({ body: 'negotiate', notes: { 403: NOTE, 405: 'Only <GET> & HEAD.' } })])
    const html = await send(port, 'GET', '/secret.txt', { Accept: BROWSER })
    expect(html.status).toBe(403)
    expect(html.body.toString()).toBe(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>403 Forbidden</title></head><body><h1>403 Forbidden</h1><p>${NOTE}</p></body></html>\n`)
    expect((await send(port, 'GET', '/x', { Accept: '*/*' })).body.toString()).toBe(`403 Forbidden\n${NOTE}\n`)
    expect(JSON.parse((await send(port, 'GET', '/x', { Accept: 'application/json' })).body.toString())).toEqual({ status: 403, message: 'Forbidden', note: NOTE })
    expect((await send(port, 'POST', '/x', { Accept: 'text/html' })).body.toString()).toContain('<p>Only &lt;GET&gt; &amp; HEAD.</p>')
    // No note for 400: the plain status text.
    expect((await send(port, 'GET', '/%2e%2e/x')).body.toString()).toBe('Bad Request')
  })

  it("body: 'html': the page for a navigation, the empty body for everyone else, Vary: Accept on both", async () => {
    const { port } = await serve([fallback({ body: 'html', notes: { 403: NOTE } })])
    const nav = await send(port, 'GET', '/secret.txt', { Accept: BROWSER })
    expect(nav.body.toString()).toContain(`<h1>403 Forbidden</h1><p>${NOTE}</p>`)
    expect(nav.header('content-security-policy')).toBe("default-src 'none'")
    for (const headers of [{}, { Accept: '*/*' }, { Accept: 'application/json' }, { Accept: 'text/plain' }] as Array<Record<string, string>>) {
      const other = await send(port, 'GET', '/secret.txt', headers)
      expect(other.status).toBe(403)
      expect(other.body.length, JSON.stringify(headers)).toBe(0)
      expect(other.header('vary')).toBe('Accept')
      expect(other.header('x-content-type-options')).toBe('nosniff')
    }
  })

  it('refuses a bad notes option', () => {
    expect(() => fallback({ notes: { 200: 'x' } })).toThrow(TypeError)
    expect(() => fallback({ notes: { 403: 'a\nb' } })).toThrow(TypeError)
  })
})
