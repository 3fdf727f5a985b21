import { afterEach, describe, expect, it } from 'vitest'
import { HttpError, type Middleware } from 'tinyhttp-core'
import { cors } from 'tinyhttp-cors'
import { fallback } from 'tinyhttp-fallback'
import { closeAll, serve } from '../helpers/serve.js'
import { allowlistStub } from '../helpers/stubs.js'
import { send } from '../helpers/wire.js'

afterEach(closeAll)

const A = 'https://a.example'

/** Stand-ins for the plugins below cors: each path produces one outcome. */
const stubs: Middleware = function stubs(ctx) {
  const res = ctx.res
  switch (ctx.req.path) {
    case '/ok':
      res.headers.set('Content-Type', 'text/plain; charset=utf-8')
      res.headers.append('Vary', 'Accept-Encoding')
      res.body = 'hello'
      return
    case '/partial':
      res.status = 206
      res.headers.set('Content-Range', 'bytes 0-1/5')
      res.body = 'he'
      return
    case '/not-modified':
      res.status = 304
      res.headers.set('ETag', '"abc"')
      return
    case '/forbidden':
      res.status = 403
      res.reason = 'deny:not-allowlisted'
      return
    case '/missing':
      res.status = 404
      return
    case '/range':
      res.status = 416
      res.headers.set('Content-Range', 'bytes */5')
      return
    case '/boom':
      throw new Error('secret detail /etc/passwd')
    case '/conflict':
      throw new HttpError(409, 'Version conflict', { headers: { 'Retry-After': '3' } })
    case '/own-acao':
      res.headers.set('Access-Control-Allow-Origin', 'https://evil.example')
      res.headers.set('Access-Control-Allow-Credentials', 'true')
      res.body = 'x'
      return
    case '/vary-origin':
      res.headers.set('Vary', 'origin')
      res.body = 'x'
      return
    case '/vary-star':
      res.headers.set('Vary', '*')
      res.body = 'x'
      return
    default:
    // nothing: the core answers 404
  }
}

describe('cors: origin vectors O1–O7 (static-serving-anchors §2.14)', () => {
  it('O1: a listed origin is reflected with Vary: Origin', async () => {
    const { port } = await serve([cors({ origin: [A] }), stubs])
    const r = await send(port, 'GET', '/ok', { Origin: A })
    expect(r.status).toBe(200)
    expect(r.header('access-control-allow-origin')).toBe(A)
    expect(r.header('vary')).toBe('Accept-Encoding, Origin')
    expect(r.header('access-control-allow-credentials')).toBeUndefined()
    expect(r.header('access-control-expose-headers')).toBe('Content-Length, Content-Range, Accept-Ranges, ETag')
    expect(r.body.toString()).toBe('hello')
  })

  it('O2: an unlisted origin gets no ACAO but still Vary: Origin', async () => {
    const { port } = await serve([cors({ origin: [A] }), stubs])
    const r = await send(port, 'GET', '/ok', { Origin: 'https://evil.example' })
    expect(r.status).toBe(200)
    expect(r.header('access-control-allow-origin')).toBeUndefined()
    expect(r.header('access-control-expose-headers')).toBeUndefined()
    expect(r.header('vary')).toBe('Accept-Encoding, Origin')
  })

  it('O3: Origin: null is refused by default, allowed only with allowNullOrigin', async () => {
    const s1 = await serve([cors({ origin: [A] }), stubs])
    const r1 = await send(s1.port, 'GET', '/ok', { Origin: 'null' })
    expect(r1.header('access-control-allow-origin')).toBeUndefined()
    expect(r1.header('vary')).toContain('Origin')
    const fn = await serve([cors({ origin: () => true }), stubs])
    expect((await send(fn.port, 'GET', '/ok', { Origin: 'null' })).header('access-control-allow-origin')).toBeUndefined()
    const re = await serve([cors({ origin: /^.*$/ }), stubs])
    expect((await send(re.port, 'GET', '/ok', { Origin: 'null' })).header('access-control-allow-origin')).toBeUndefined()
    const s2 = await serve([cors({ origin: [A], allowNullOrigin: true }), stubs])
    expect((await send(s2.port, 'GET', '/ok', { Origin: 'null' })).header('access-control-allow-origin')).toBe('null')
  })

  it('O4: near misses do not match (exact serialized comparison)', async () => {
    const { port } = await serve([cors({ origin: [A] }), stubs])
    for (const origin of ['https://a.example.evil.com', 'https://evila.example', 'https://a.example/', 'HTTPS://A.EXAMPLE', 'http://a.example', 'https://a.example:443', `${A}, ${A}`]) {
      const r = await send(port, 'GET', '/ok', { Origin: origin })
      expect(r.header('access-control-allow-origin'), origin).toBeUndefined()
      expect(r.header('vary'), origin).toContain('Origin')
    }
  })

  it('O4: two Origin field lines never match', async () => {
    const { port } = await serve([cors({ origin: [A] }), stubs])
    const r = await send(port, 'GET', '/ok', { Origin: [A, A] })
    expect(r.header('access-control-allow-origin')).toBeUndefined()
  })

  it('O5: a RegExp gives identical answers on repeated requests (no lastIndex state)', async () => {
    const pattern = /^https:\/\/([a-z0-9-]+\.)?a\.example$/
    const { port } = await serve([cors({ origin: pattern }), stubs])
    pattern.lastIndex = 5 // the caller's object cannot influence the copy cors keeps
    const results: Array<string | undefined> = []
    for (let i = 0; i < 4; i++) results.push((await send(port, 'GET', '/ok', { Origin: 'https://www.a.example' })).header('access-control-allow-origin'))
    expect(results).toEqual(Array(4).fill('https://www.a.example'))
    expect((await send(port, 'GET', '/ok', { Origin: A })).header('access-control-allow-origin')).toBe(A)
    expect((await send(port, 'GET', '/ok', { Origin: 'https://a.example.evil.com' })).header('access-control-allow-origin')).toBeUndefined()
    expect((await send(port, 'GET', '/ok', { Origin: 'https://evila.example' })).header('access-control-allow-origin')).toBeUndefined()
  })

  it("O6: origin '*' with credentials is refused at construction", () => {
    expect(() => cors({ credentials: true })).toThrow(TypeError)
    expect(() => cors({ origin: '*', credentials: true })).toThrow(/credentials/)
  })

  it("O7: '*' sends ACAO * on every response, no Vary: Origin, no credentials", async () => {
    const { port } = await serve([cors(), stubs])
    for (const headers of [{ Origin: 'https://anything.example' }, {}, { Origin: 'null' }] as Array<Record<string, string>>) {
      const r = await send(port, 'GET', '/ok', headers)
      expect(r.header('access-control-allow-origin')).toBe('*')
      expect(r.header('vary')).toBe('Accept-Encoding')
      expect(r.header('access-control-allow-credentials')).toBeUndefined()
      expect(r.header('access-control-expose-headers')).toBe('Content-Length, Content-Range, Accept-Ranges, ETag')
      expect(r.count('access-control-allow-origin')).toBe(1)
    }
  })

  it('a string origin is matched exactly and always varies on Origin', async () => {
    const { port } = await serve([cors({ origin: A }), stubs])
    expect((await send(port, 'GET', '/ok', { Origin: A })).header('access-control-allow-origin')).toBe(A)
    const other = await send(port, 'GET', '/ok', { Origin: 'https://b.example' })
    expect(other.header('access-control-allow-origin')).toBeUndefined()
    const none = await send(port, 'GET', '/ok')
    expect(none.header('access-control-allow-origin')).toBeUndefined()
    expect(none.header('vary')).toBe('Accept-Encoding, Origin')
  })

  it('credentials: ACAC true only with an allowed origin', async () => {
    const { port } = await serve([cors({ origin: [A], credentials: true }), stubs])
    const ok = await send(port, 'GET', '/ok', { Origin: A })
    expect(ok.header('access-control-allow-origin')).toBe(A)
    expect(ok.header('access-control-allow-credentials')).toBe('true')
    const no = await send(port, 'GET', '/ok', { Origin: 'https://b.example' })
    expect(no.header('access-control-allow-credentials')).toBeUndefined()
  })

  it('a refused origin loses any ACAO/ACAC set below (the configured policy is the only one)', async () => {
    const { port } = await serve([cors({ origin: [A] }), stubs])
    const r = await send(port, 'GET', '/own-acao', { Origin: 'https://evil.example' })
    expect(r.header('access-control-allow-origin')).toBeUndefined()
    expect(r.header('access-control-allow-credentials')).toBeUndefined()
    const ok = await send(port, 'GET', '/own-acao', { Origin: A })
    expect(ok.header('access-control-allow-origin')).toBe(A)
    expect(ok.count('access-control-allow-origin')).toBe(1)
  })
})

describe('cors: origin functions', () => {
  it('sync and async functions; only true allows; they receive the context', async () => {
    const seen: string[] = []
    const { port } = await serve([
      cors({
        origin: async (origin, ctx) => {
          seen.push(`${ctx.req.method} ${origin}`)
          await new Promise(r => setTimeout(r, 1))
          return origin === A
        },
      }),
      stubs,
    ])
    expect((await send(port, 'GET', '/ok', { Origin: A })).header('access-control-allow-origin')).toBe(A)
    expect((await send(port, 'GET', '/ok', { Origin: 'https://b.example' })).header('access-control-allow-origin')).toBeUndefined()
    expect(seen).toEqual([`GET ${A}`, 'GET https://b.example'])
    const truthy = await serve([cors({ origin: (() => 'yes') as unknown as () => boolean }), stubs])
    expect((await send(truthy.port, 'GET', '/ok', { Origin: A })).header('access-control-allow-origin')).toBeUndefined()
    const sync = await serve([cors({ origin: o => o.endsWith('.a.example') }), stubs])
    expect((await send(sync.port, 'GET', '/ok', { Origin: 'https://x.a.example' })).header('access-control-allow-origin')).toBe('https://x.a.example')
  })

  it('is not called without an Origin or for an over-long one', async () => {
    let calls = 0
    const { port } = await serve([cors({ origin: () => (calls++, true) }), stubs])
    await send(port, 'GET', '/ok')
    await send(port, 'GET', '/ok', { Origin: `https://${'a'.repeat(600)}.example` })
    expect(calls).toBe(0)
  })

  it('a throwing function is a 500 with Vary: Origin, nothing leaked, the chain not run', async () => {
    let ran = false
    const { port } = await serve([
      cors({
        origin: () => {
          throw new Error('db password=hunter2')
        },
      }),
      ctx => {
        ran = true
        ctx.res.body = 'x'
      },
    ])
    const r = await send(port, 'GET', '/ok', { Origin: A })
    expect(r.status).toBe(500)
    expect(r.header('vary')).toBe('Origin')
    expect(r.header('access-control-allow-origin')).toBeUndefined()
    expect(r.body.toString()).toBe('Internal Server Error')
    expect(ran).toBe(false)
  })
})

describe('cors: headers on every outcome (O11–O13)', () => {
  const outcomes: Array<[string, number]> = [
    ['/ok', 200],
    ['/partial', 206],
    ['/not-modified', 304],
    ['/forbidden', 403],
    ['/missing', 404],
    ['/nothing', 404],
    ['/range', 416],
    ['/boom', 500],
    ['/conflict', 409],
  ]

  it.each(outcomes)('list origin: %s → %i carries ACAO, ACEH and Vary: Origin', async (path, status) => {
    const { port } = await serve([cors({ origin: [A] }), stubs])
    const r = await send(port, 'GET', path, { Origin: A })
    expect(r.status).toBe(status)
    expect(r.header('access-control-allow-origin')).toBe(A)
    expect(r.header('access-control-expose-headers')).toContain('Content-Range')
    expect(r.header('vary')).toContain('Origin')
  })

  it.each(outcomes)("'*': %s → %i carries ACAO *", async (path, status) => {
    const { port } = await serve([cors(), stubs])
    const r = await send(port, 'GET', path, { Origin: A })
    expect(r.status).toBe(status)
    expect(r.header('access-control-allow-origin')).toBe('*')
    expect(r.header('vary') ?? '').not.toContain('Origin')
  })

  it('O11: the 304 keeps its ETag and has no body', async () => {
    const { port } = await serve([cors({ origin: [A] }), stubs])
    const r = await send(port, 'GET', '/not-modified', { Origin: A })
    expect(r.status).toBe(304)
    expect(r.header('etag')).toBe('"abc"')
    expect(r.header('content-length')).toBeUndefined()
  })

  it('O12: the 206 exposes Content-Range to the page', async () => {
    const { port } = await serve([cors({ origin: [A] }), stubs])
    const r = await send(port, 'GET', '/partial', { Origin: A })
    expect(r.status).toBe(206)
    expect(r.header('content-range')).toBe('bytes 0-1/5')
    expect(r.header('access-control-expose-headers')?.split(', ')).toContain('Content-Range')
    expect(r.body.toString()).toBe('he')
  })

  it('O13: a refused file (403) is readable by an allowed origin; a refused origin still gets Vary', async () => {
    const { port } = await serve([cors({ origin: [A] }), stubs])
    const r = await send(port, 'GET', '/forbidden', { Origin: A })
    expect(r.status).toBe(403)
    expect(r.header('access-control-allow-origin')).toBe(A)
    expect(r.header('vary')).toBe('Origin')
    const evil = await send(port, 'GET', '/forbidden', { Origin: 'https://evil.example' })
    expect(evil.status).toBe(403)
    expect(evil.header('vary')).toBe('Origin')
  })

  it('errors thrown below are rendered (no detail on the wire) and then get the CORS headers', async () => {
    const { port } = await serve([cors({ origin: [A] }), stubs])
    const boom = await send(port, 'GET', '/boom', { Origin: A })
    expect(boom.status).toBe(500)
    expect(boom.body.toString()).toBe('Internal Server Error')
    expect(boom.rawHead + boom.body.toString()).not.toMatch(/secret|passwd|at .*\.ts/)
    expect(boom.header('content-type')).toBe('text/plain; charset=utf-8')
    expect(boom.header('x-content-type-options')).toBe('nosniff')
    const conflict = await send(port, 'GET', '/conflict', { Origin: A })
    expect(conflict.status).toBe(409)
    expect(conflict.header('retry-after')).toBe('3')
    expect(conflict.body.toString()).toBe('Version conflict')
    expect(conflict.header('access-control-allow-origin')).toBe(A)
  })

  it('HEAD gets the same CORS headers and no body', async () => {
    const { port } = await serve([cors({ origin: [A] }), stubs])
    const r = await send(port, 'HEAD', '/ok', { Origin: A })
    expect(r.header('access-control-allow-origin')).toBe(A)
    expect(r.header('content-length')).toBe('5')
    expect(r.body.length).toBe(0)
  })
})

describe('cors: Vary merging', () => {
  it('appends Origin to an existing Vary: Accept-Encoding without clobbering it', async () => {
    const { port } = await serve([cors({ origin: [A] }), stubs])
    const r = await send(port, 'GET', '/ok', { Origin: A })
    expect(r.headers.get('vary')).toEqual(['Accept-Encoding', 'Origin'])
  })

  it('does not repeat Origin (any case) and leaves Vary: * alone', async () => {
    const { port } = await serve([cors({ origin: [A] }), stubs])
    expect((await send(port, 'GET', '/vary-origin', { Origin: A })).headers.get('vary')).toEqual(['origin'])
    expect((await send(port, 'GET', '/vary-star', { Origin: A })).headers.get('vary')).toEqual(['*'])
  })
})

describe('cors: preflight (O8–O10)', () => {
  const preflight = (extra: Record<string, string> = {}) => ({
    Origin: A,
    'Access-Control-Request-Method': 'GET',
    'Access-Control-Request-Headers': 'range, x-foo',
    ...extra,
  })

  it('O8: 204 with ACAO, ACAM, reflected ACAH, Max-Age and Vary', async () => {
    let reached = false
    const { port } = await serve([
      cors({ origin: [A] }),
      () => {
        reached = true
      },
    ])
    const r = await send(port, 'OPTIONS', '/file.txt', preflight())
    expect(r.status).toBe(204)
    expect(r.header('access-control-allow-origin')).toBe(A)
    expect(r.header('access-control-allow-methods')).toBe('GET, HEAD')
    expect(r.header('access-control-allow-headers')).toBe('range, x-foo')
    expect(r.header('access-control-max-age')).toBe('600')
    expect(r.header('vary')).toBe('Origin, Access-Control-Request-Headers')
    expect(r.header('access-control-expose-headers')).toBeUndefined()
    expect(r.header('access-control-allow-credentials')).toBeUndefined()
    // RFC 9110 §8.6: no Content-Length on a 204; no body either.
    expect(r.header('content-length')).toBeUndefined()
    expect(r.body.length).toBe(0)
    expect(reached).toBe(false)
  })

  it("O8 with '*': ACAO *, Vary only on the request headers", async () => {
    const { port } = await serve([cors(), stubs])
    const r = await send(port, 'OPTIONS', '/file.txt', preflight())
    expect(r.status).toBe(204)
    expect(r.header('access-control-allow-origin')).toBe('*')
    expect(r.header('access-control-allow-headers')).toBe('range, x-foo')
    expect(r.header('vary')).toBe('Access-Control-Request-Headers')
  })

  it('a configured allowedHeaders list is sent as is, without Vary on the request headers', async () => {
    const { port } = await serve([cors({ origin: [A], allowedHeaders: ['Range', 'If-None-Match'] }), stubs])
    const r = await send(port, 'OPTIONS', '/f', preflight())
    expect(r.header('access-control-allow-headers')).toBe('Range, If-None-Match')
    expect(r.header('vary')).toBe('Origin')
    const none = await serve([cors({ origin: [A], allowedHeaders: [] }), stubs])
    expect((await send(none.port, 'OPTIONS', '/f', preflight())).header('access-control-allow-headers')).toBeUndefined()
  })

  it('an invalid Access-Control-Request-Headers is not reflected', async () => {
    const { port } = await serve([cors({ origin: [A] }), stubs])
    for (const bad of ['x-foo, bad header', 'a,,b', 'x-foo, <script>', ',', 'a;b']) {
      const r = await send(port, 'OPTIONS', '/f', preflight({ 'Access-Control-Request-Headers': bad }))
      expect(r.status, bad).toBe(204)
      expect(r.header('access-control-allow-headers'), bad).toBeUndefined()
      expect(r.header('access-control-allow-origin'), bad).toBe(A)
    }
    const none = await send(port, 'OPTIONS', '/f', { Origin: A, 'Access-Control-Request-Method': 'GET' })
    expect(none.header('access-control-allow-headers')).toBeUndefined()
  })

  it('a refused origin gets 204 with Vary and nothing else', async () => {
    const { port } = await serve([cors({ origin: [A] }), stubs])
    const r = await send(port, 'OPTIONS', '/f', preflight({ Origin: 'https://evil.example' }))
    expect(r.status).toBe(204)
    expect(r.header('vary')).toBe('Origin, Access-Control-Request-Headers')
    for (const name of ['access-control-allow-origin', 'access-control-allow-methods', 'access-control-allow-headers', 'access-control-max-age']) {
      expect(r.header(name), name).toBeUndefined()
    }
  })

  it('O9: OPTIONS without Access-Control-Request-Method goes down the chain (fallback: 405 + Allow)', async () => {
    const { port } = await serve([cors({ origin: [A] }), fallback()])
    const r = await send(port, 'OPTIONS', '/file.txt', { Origin: A })
    expect(r.status).toBe(405)
    expect(r.header('allow')).toBe('GET, HEAD')
    expect(r.header('access-control-allow-methods')).toBeUndefined()
    expect(r.header('access-control-allow-origin')).toBe(A)
    const noOrigin = await send(port, 'OPTIONS', '/file.txt', { 'Access-Control-Request-Method': 'GET' })
    expect(noOrigin.status).toBe(405)
    const star = await serve([cors(), fallback()])
    expect((await send(star.port, 'OPTIONS', '*')).status).toBe(405)
  })

  it('O10: a method outside the list is not added to Access-Control-Allow-Methods', async () => {
    const { port } = await serve([cors({ origin: [A] }), stubs])
    const r = await send(port, 'OPTIONS', '/f', preflight({ 'Access-Control-Request-Method': 'DELETE' }))
    expect(r.status).toBe(204)
    expect(r.header('access-control-allow-methods')).toBe('GET, HEAD')
  })

  it('credentials, methods and maxAge (clamped to 7200) on the preflight', async () => {
    const { port } = await serve([cors({ origin: [A], credentials: true, methods: ['GET', 'HEAD', 'PUT'], maxAge: 86_400 }), stubs])
    const r = await send(port, 'OPTIONS', '/f', preflight())
    expect(r.header('access-control-allow-credentials')).toBe('true')
    expect(r.header('access-control-allow-methods')).toBe('GET, HEAD, PUT')
    expect(r.header('access-control-max-age')).toBe('7200')
    const zero = await serve([cors({ maxAge: 0 }), stubs])
    expect((await send(zero.port, 'OPTIONS', '/f', preflight())).header('access-control-max-age')).toBe('0')
  })

  it('privateNetwork answers Access-Control-Allow-Private-Network only when asked', async () => {
    const on = await serve([cors({ origin: [A], privateNetwork: true }), stubs])
    const asked = await send(on.port, 'OPTIONS', '/f', preflight({ 'Access-Control-Request-Private-Network': 'true' }))
    expect(asked.header('access-control-allow-private-network')).toBe('true')
    expect((await send(on.port, 'OPTIONS', '/f', preflight())).header('access-control-allow-private-network')).toBeUndefined()
    const evil = await send(on.port, 'OPTIONS', '/f', preflight({ Origin: 'https://evil.example', 'Access-Control-Request-Private-Network': 'true' }))
    expect(evil.header('access-control-allow-private-network')).toBeUndefined()
    const off = await serve([cors({ origin: [A] }), stubs])
    const notOn = await send(off.port, 'OPTIONS', '/f', preflight({ 'Access-Control-Request-Private-Network': 'true' }))
    expect(notOn.header('access-control-allow-private-network')).toBeUndefined()
  })
})

describe('cors: in the CLI chain (cors → fallback → allowlist → static)', () => {
  const staticStub: Middleware = function serveStatic(ctx) {
    ctx.res.headers.set('Content-Type', 'text/html; charset=utf-8')
    ctx.res.body = '<p>hi</p>'
  }

  it('200, 403, 400 and 405 all carry the CORS headers', async () => {
    const { port } = await serve([cors({ origin: [A] }), fallback(), allowlistStub, staticStub])
    const cases: Array<[string, string, number]> = [
      ['GET', '/index.html', 200],
      ['GET', '/secret.txt', 403],
      ['GET', '/%2e%2e/x', 400],
      ['POST', '/index.html', 200],
    ]
    for (const [method, path, status] of cases) {
      const r = await send(port, method, path, { Origin: A })
      expect(r.status, path).toBe(status)
      expect(r.header('access-control-allow-origin'), path).toBe(A)
      expect(r.header('vary'), path).toContain('Origin')
    }
  })
})
