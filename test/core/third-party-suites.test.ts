// Behaviours found by third-party suites (Go's net/http server tables, Apache's strict request-line
// tests, llhttp's fixtures, HTTP Garden's payloads), asserted on the wire through the library:
// `a..` is a name (RFC 3986 §3.3), HTTP/1.2 is processed as 1.1 (RFC 9110 §2.5), an invalid IPv6
// literal is a 400 (RFC 3986 §3.2.2), an unknown method is 501 (RFC 9110 §9.1), and a malformed chunked
// body already in the buffer is a 400 that nothing behind it survives (RFC 9112 §7.1).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { allowlist, type AllowlistMiddleware } from 'tinyhttp-allowlist'
import type { Middleware } from 'tinyhttp-core'
import { fallback } from 'tinyhttp-fallback'
import { serveStatic, type ServeStaticMiddleware } from 'tinyhttp-static'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { RawClient, rawRequest } from '../helpers/raw-client.js'
import { closeAll, serve } from '../helpers/serve.js'

let dir = ''
const closers: Array<{ close(): void }> = []
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tinyhttp-suites-'))
  mkdirSync(join(dir, 'file'))
  writeFileSync(join(dir, 'file', 'a..'), 'two dots\n')
  writeFileSync(join(dir, 'file', '...'), 'three dots\n')
  writeFileSync(join(dir, 'file', 'a'), 'plain a\n')
  writeFileSync(join(dir, 'file.txt'), 'file\n')
  writeFileSync(join(dir, 'secret.txt'), 'SECRET\n')
})
afterEach(async () => {
  await closeAll()
  for (const c of closers.splice(0)) c.close()
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const WINDOWS = process.platform === 'win32'
const get = (target: string, version = '1.1', host = 'x'): string => `GET ${target} HTTP/${version}\r\nHost: ${host}\r\n\r\n`

/** fallback → allowlist (file/, file.txt) → static, as the CLI chains them. */
async function site(options: { methodStatus?: 405 | 400 } = {}) {
  const list: AllowlistMiddleware = allowlist(['file/', 'file.txt'], { root: dir })
  const files: ServeStaticMiddleware = serveStatic(dir)
  closers.push(list, files)
  await list.ready
  return serve([fallback(options), list, files])
}

describe.skipIf(WINDOWS)('`a..` is a name, only `.` and `..` are dot-segments (RFC 3986 §3.3)', () => {
  it('GET /file/a.. serves that file, /file/a another; /file/... is a dotfile (403), not a bad path', async () => {
    const { port } = await site()
    const twoDots = await rawRequest(port, get('/file/a..'))
    expect(twoDots.status).toBe(200)
    expect(twoDots.body.toString()).toBe('two dots\n')
    expect((await rawRequest(port, get('/file/a%2e%2E'))).body.toString()).toBe('two dots\n')
    expect((await rawRequest(port, get('/file/...'))).status).toBe(403) // the folder entry skips dotfiles
    expect((await rawRequest(port, get('/file/a'))).body.toString()).toBe('plain a\n')
  })

  it('the dot-segments themselves, raw or encoded, still answer 400 and never reach a file', async () => {
    const { port } = await site()
    for (const target of ['/file/..', '/file/../secret.txt', '/file/%2e%2e/secret.txt', '/file/%2E%2e/secret.txt', '/file/.%2e/secret.txt', '/file/./a..', '/file/%2e/a..']) {
      const r = await rawRequest(port, get(target))
      expect(r.status, target).toBe(400)
      expect(r.body.toString(), target).not.toContain('SECRET')
    }
    // A name ending in dots is not an alias of the name without them.
    expect((await rawRequest(port, get('/file.txt.'))).status).toBe(403)
    expect((await rawRequest(port, get('/secret.txt..'))).status).toBe(403)
  })
})

describe('HTTP/1.2 is processed as HTTP/1.1 (RFC 9110 §2.5, RFC 9112 §2.3)', () => {
  const hello: Middleware = ctx => {
    ctx.res.body = `v${ctx.req.httpVersion}`
  }

  it('GET / HTTP/1.2 → HTTP/1.1 200, and the connection persists as 1.1', async () => {
    const { port } = await serve(hello)
    const c = await RawClient.connect(port)
    try {
      c.write(get('/', '1.2'))
      const a = await c.readResponse()
      expect(a.statusLine).toBe('HTTP/1.1 200 OK')
      expect(a.body.toString()).toBe('v1.1')
      expect(a.headers.get('connection')).toBeUndefined()
      c.write(get('/', '1.9'))
      const b = await c.readResponse()
      expect(b.statusLine).toBe('HTTP/1.1 200 OK')
    } finally {
      c.close()
    }
  })

  it('HTTP/1.2 still needs a Host; HTTP/2.0, HTTP/3.0, HTTP/0.9 stay 505; garbage stays 400', async () => {
    const { port } = await serve(hello)
    expect((await rawRequest(port, 'GET / HTTP/1.2\r\n\r\n')).status).toBe(400)
    for (const v of ['2.0', '3.0', '0.9']) expect((await rawRequest(port, get('/', v))).statusLine, v).toBe('HTTP/1.1 505 HTTP Version Not Supported')
    for (const v of ['1.10', '1.x', '1']) expect((await rawRequest(port, get('/', v))).status, v).toBe(400)
  })
})

describe('an IP-literal must be an IPv6 address (RFC 3986 §3.2.2)', () => {
  const host: Middleware = ctx => {
    ctx.res.body = 'ran'
  }

  it('GET http://[4712::abcd::]/ → 400 and the app never runs; a valid literal → 200', async () => {
    const { port } = await serve(host)
    for (const literal of ['[4712::abcd::]', '[1:2:3:4:5:6:7:8:9]', '[127.0.0.1]', '[:::]']) {
      const r = await rawRequest(port, `GET http://${literal}/ HTTP/1.1\r\nHost: x\r\n\r\n`)
      expect(r.status, literal).toBe(400)
      expect(r.body.toString()).not.toBe('ran')
    }
    expect((await rawRequest(port, 'GET http://[2001:db8::1]:80/ HTTP/1.1\r\nHost: x\r\n\r\n')).status).toBe(200)
  })

  it('Host: [4712::abcd::] → 400; Host: [::1] → 200', async () => {
    const { port } = await serve(host)
    expect((await rawRequest(port, get('/', '1.1', '[4712::abcd::]'))).status).toBe(400)
    expect((await rawRequest(port, get('/', '1.1', '[::ffff:1.2.3.999]:80'))).status).toBe(400)
    expect((await rawRequest(port, get('/', '1.1', '[::1]:8080'))).status).toBe(200)
  })
})

describe('a method nobody implements is 501, a known one not allowed here is 405 + Allow (RFC 9110 §9.1)', () => {
  const send = (port: number, method: string, target: string) =>
    rawRequest(port, `${method} ${target} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n`)

  it('on a served file: FOO, get and PROPFIND → 501 without Allow; POST, PUT, TRACE → 405 + Allow: GET, HEAD', async () => {
    const { port } = await site()
    for (const method of ['FOO', 'get', 'PROPFIND', 'Get']) {
      const r = await send(port, method, '/file.txt')
      expect(r.statusLine, method).toBe('HTTP/1.1 501 Not Implemented')
      expect(r.headers.get('allow'), method).toBeUndefined()
      expect(r.body.toString()).not.toContain('file')
    }
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'TRACE']) {
      const r = await send(port, method, '/file.txt')
      expect(r.status, method).toBe(405)
      expect(r.headers.get('allow'), method).toEqual(['GET, HEAD'])
    }
  })

  it('where nothing answered (fallback): FOO → 501, POST → 405 + Allow; methodStatus 400 answers 400 to both', async () => {
    const { port } = await serve(fallback())
    const foo = await send(port, 'FOO', '/nothing')
    expect(foo.status).toBe(501)
    expect(foo.headers.get('allow')).toBeUndefined()
    const post = await send(port, 'POST', '/nothing')
    expect(post.status).toBe(405)
    expect(post.headers.get('allow')).toEqual(['GET, HEAD'])
    const seeded = await serve(fallback({ methodStatus: 400 }))
    for (const method of ['FOO', 'get', 'POST']) {
      const r = await send(seeded.port, method, '/nothing')
      expect(r.status, method).toBe(400)
      expect(r.headers.get('allow'), method).toEqual(['GET, HEAD'])
    }
  })

  it('a method listed in fallback({ methods }) is not refused by it at all', async () => {
    const { port } = await serve([fallback({ methods: ['GET', 'HEAD', 'FOO'] }), ctx => {
      if (ctx.req.method === 'FOO') ctx.res.body = 'foo handled'
    }])
    expect((await send(port, 'FOO', '/x')).body.toString()).toBe('foo handled')
    expect((await send(port, 'BAR', '/x')).status).toBe(501)
  })
})

describe('a malformed chunked body (RFC 9112 §7.1): 400 when the bad framing is already buffered, never smuggling', () => {
  /** Counts the requests the app saw and answers 200 without reading the body. */
  function counting() {
    const seen: string[] = []
    const mw: Middleware = ctx => {
      seen.push(`${ctx.req.method} ${ctx.req.rawPath}`)
      ctx.res.body = 'ok'
    }
    return { seen, mw }
  }
  const head = 'GET /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n'
  const smuggled = 'GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n'

  it('in the same read as its head: one 400, the app never runs, nothing behind it is answered, the connection closes', async () => {
    const { seen, mw } = counting()
    const { port } = await serve(mw)
    for (const bad of ['zz\r\n', '3\r\nabcX\r\n0\r\n\r\n', '-1\r\n', '3;=\r\nabc\r\n0\r\n\r\n']) {
      const c = await RawClient.connect(port)
      try {
        c.write(head + bad + smuggled)
        const all = (await c.readAll(3000)).toString('latin1')
        expect(c.ended, bad).toBe(true)
        expect(all.match(/HTTP\/1\.1 \d{3} /g), JSON.stringify(bad)).toHaveLength(1)
        expect(all).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/)
        expect(all).toMatch(/\r\nConnection: close\r\n/)
      } finally {
        c.close()
      }
    }
    expect(seen).toEqual([])
  })

  it('behind a pipelined request: that one is answered, then the 400, then the connection closes', async () => {
    const { seen, mw } = counting()
    const { port } = await serve(mw)
    const c = await RawClient.connect(port)
    try {
      c.write('GET /first HTTP/1.1\r\nHost: x\r\n\r\n' + head + 'zz\r\n' + smuggled)
      const all = (await c.readAll(3000)).toString('latin1')
      expect(c.ended).toBe(true)
      expect([...all.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map(m => m[1])).toEqual(['200', '400'])
    } finally {
      c.close()
    }
    expect(seen).toEqual(['GET /first'])
  })

  it('arriving after the app answered: its 200 stands, then the connection closes and the bytes behind are never a request', async () => {
    const { seen, mw } = counting()
    const { port } = await serve(mw)
    const c = await RawClient.connect(port)
    try {
      c.write(head + '3\r\nabc\r\n')
      const first = await c.readResponse()
      expect(first.status).toBe(200)
      c.write('zz\r\n' + smuggled)
      expect(await c.waitForEnd(3000)).toBe(true)
      expect(c.pending.toString('latin1')).not.toMatch(/HTTP\/1\.1/)
    } finally {
      c.close()
    }
    expect(seen).toEqual(['GET /a'])
  })
})
