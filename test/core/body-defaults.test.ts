import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { FileBody, PreparedHeaders, SizedStream, type Middleware } from 'tinyhttp-core'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { rawRequest, type RawResponse } from '../helpers/raw-client.js'
import { closeAll, serve } from '../helpers/serve.js'

afterEach(closeAll)

const dir = mkdtempSync(join(tmpdir(), 'tinyhttp-body-defaults-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const request = (port: number, method: string, target = '/') => rawRequest(port, `${method} ${target} HTTP/1.1\r\nHost: x\r\n\r\n`, { head: method === 'HEAD' })
const one = (r: RawResponse, name: string) => r.headers.get(name)

interface Clock {
  time: string
}

describe('response body defaults', () => {
  it('a string without Content-Type is text/plain; charset=utf-8, also when it starts with <', async () => {
    const { port } = await serve(ctx => {
      ctx.res.body = ctx.req.path === '/html' ? '<h1>hé</h1>' : 'hé'
    })
    const r = await request(port, 'GET')
    expect(one(r, 'content-type')).toEqual(['text/plain; charset=utf-8'])
    expect(one(r, 'content-length')).toEqual(['3'])
    expect(r.body).toEqual(Buffer.from('hé'))
    const html = await request(port, 'GET', '/html')
    expect(one(html, 'content-type')).toEqual(['text/plain; charset=utf-8'])
    expect(html.body.toString()).toBe('<h1>hé</h1>')
  })

  it('bytes, streams, sized streams and file bodies without Content-Type are application/octet-stream', async () => {
    const file = join(dir, 'f.bin')
    writeFileSync(file, 'filebytes')
    const { port } = await serve(ctx => {
      switch (ctx.req.path) {
        case '/u8': ctx.res.body = new Uint8Array([1, 2, 3]); break
        case '/buf': ctx.res.body = Buffer.from('buf'); break
        case '/stream': ctx.res.body = Readable.from([Buffer.from('str'), Buffer.from('eam')]); break
        case '/sized': ctx.res.body = new SizedStream(Readable.from([Buffer.from('sized')]), 5); break
        case '/file': ctx.res.body = new FileBody({ path: file, length: 9 }); break
      }
    })
    const expected: Array<[string, Buffer]> = [
      ['/u8', Buffer.from([1, 2, 3])],
      ['/buf', Buffer.from('buf')],
      ['/stream', Buffer.from('stream')],
      ['/sized', Buffer.from('sized')],
      ['/file', Buffer.from('filebytes')],
    ]
    for (const [path, bytes] of expected) {
      const r = await request(port, 'GET', path)
      expect(r.status, path).toBe(200)
      expect(one(r, 'content-type'), path).toEqual(['application/octet-stream'])
      expect(r.body, path).toEqual(bytes)
    }
  })

  it('a plain object or array is sent as JSON with application/json; charset=utf-8 and its exact length', async () => {
    const { port } = await serve(ctx => {
      const time = '2026-12-02T07:00:00.000Z'
      if (ctx.req.path === '/array') ctx.res.body = [1, 'två', null]
      else if (ctx.req.path === '/interface') {
        const clock: Clock = { time } // an interface type, no index signature: still no cast needed
        ctx.res.body = clock
      } else ctx.res.body = { time }
    })
    const r = await request(port, 'GET')
    expect(r.status).toBe(200)
    expect(one(r, 'content-type')).toEqual(['application/json; charset=utf-8'])
    expect(r.body.toString()).toBe('{"time":"2026-12-02T07:00:00.000Z"}')
    expect(one(r, 'content-length')).toEqual([String(Buffer.byteLength('{"time":"2026-12-02T07:00:00.000Z"}'))])
    const a = await request(port, 'GET', '/array')
    expect(one(a, 'content-type')).toEqual(['application/json; charset=utf-8'])
    expect(a.body).toEqual(Buffer.from('[1,"två",null]'))
    expect(one(a, 'content-length')).toEqual([String(Buffer.byteLength('[1,"två",null]'))])
    const i = await request(port, 'GET', '/interface')
    expect(i.body.toString()).toBe('{"time":"2026-12-02T07:00:00.000Z"}')
  })

  it('middleware on the way out still sees (and may change) the object; it is serialized at the end', async () => {
    const { port } = await serve([
      async (ctx, next) => {
        await next()
        const body = ctx.res.body as { n: number; extra?: boolean }
        body.extra = true
      },
      ctx => {
        ctx.res.body = { n: 1 }
      },
    ])
    const r = await request(port, 'GET')
    expect(r.body.toString()).toBe('{"n":1,"extra":true}')
  })

  it('objects with toJSON (Date, a class) and null-prototype objects are JSON too', async () => {
    class Money {
      constructor(readonly cents: number) {}
      toJSON() {
        return { eur: this.cents / 100 }
      }
    }
    const { port } = await serve(ctx => {
      if (ctx.req.path === '/date') ctx.res.body = new Date(0)
      else if (ctx.req.path === '/class') ctx.res.body = new Money(250)
      else {
        const bare = Object.create(null) as Record<string, number>
        bare.a = 1
        ctx.res.body = bare
      }
    })
    expect((await request(port, 'GET', '/date')).body.toString()).toBe('"1970-01-01T00:00:00.000Z"')
    expect((await request(port, 'GET', '/class')).body.toString()).toBe('{"eur":2.5}')
    const bare = await request(port, 'GET', '/bare')
    expect(bare.body.toString()).toBe('{"a":1}')
    expect(one(bare, 'content-type')).toEqual(['application/json; charset=utf-8'])
  })

  it('an explicit Content-Type is never overridden (set, or from a prepared block); an object is still serialized', async () => {
    const prepared = new PreparedHeaders([['Content-Type', 'text/css; charset=utf-8']])
    const { port } = await serve(ctx => {
      switch (ctx.req.path) {
        case '/html':
          ctx.res.headers.set('Content-Type', 'text/html; charset=utf-8')
          ctx.res.body = '<p>hi</p>'
          break
        case '/problem':
          ctx.res.status = 422
          ctx.res.headers.set('content-type', 'application/problem+json')
          ctx.res.body = { title: 'bad' }
          break
        case '/prepared':
          ctx.res.headers.usePrepared(prepared)
          ctx.res.body = Buffer.from('a{}')
          break
      }
    })
    const html = await request(port, 'GET', '/html')
    expect(one(html, 'content-type')).toEqual(['text/html; charset=utf-8'])
    const problem = await request(port, 'GET', '/problem')
    expect(problem.status).toBe(422)
    expect(one(problem, 'content-type')).toEqual(['application/problem+json'])
    expect(problem.body.toString()).toBe('{"title":"bad"}')
    const css = await request(port, 'GET', '/prepared')
    expect(one(css, 'content-type')).toEqual(['text/css; charset=utf-8'])
  })

  it('no Content-Type on 204, 304 or a response without a body', async () => {
    const { port } = await serve(ctx => {
      if (ctx.req.path === '/204') {
        ctx.res.status = 204
        ctx.res.body = 'ignored'
      } else if (ctx.req.path === '/304') {
        ctx.res.status = 304
        ctx.res.body = { ignored: true }
      } else ctx.res.status = 403
    })
    for (const [path, status] of [['/204', 204], ['/304', 304], ['/403', 403]] as const) {
      const r = await request(port, 'GET', path)
      expect(r.status, path).toBe(status)
      expect(r.headers.has('content-type'), path).toBe(false)
      expect(r.body.length, path).toBe(0)
    }
  })

  it('HEAD gets the same Content-Type and Content-Length as GET, and no body', async () => {
    const app: Middleware = ctx => {
      ctx.res.body = ctx.req.path === '/json' ? { time: 'now' } : 'text'
    }
    const { port } = await serve(app)
    for (const path of ['/json', '/text']) {
      const get = await request(port, 'GET', path)
      const head = await request(port, 'HEAD', path)
      expect(head.status).toBe(200)
      expect(one(head, 'content-type')).toEqual(one(get, 'content-type'))
      expect(one(head, 'content-length')).toEqual(one(get, 'content-length'))
      expect(head.body.length).toBe(0)
    }
  })

  it('a body that is not JSON (Map, a Promise, a cycle, a number) is a 500 with no detail on the wire, reported to onError', async () => {
    const errors: unknown[] = []
    const { port } = await serve(ctx => {
      if (ctx.req.path === '/number') ctx.res.body = 5 as unknown as string // from plain JavaScript
      else if (ctx.req.path === '/map') ctx.res.body = new Map([['a', 1]])
      else if (ctx.req.path === '/promise') ctx.res.body = Promise.resolve({ a: 1 })
      else {
        const cycle: Record<string, unknown> = {}
        cycle.self = cycle
        ctx.res.body = cycle
      }
    }, { onError: err => errors.push(err) })
    for (const path of ['/map', '/promise', '/cycle', '/number']) {
      const r = await request(port, 'GET', path)
      expect(r.status, path).toBe(500)
      expect(one(r, 'content-type')).toEqual(['text/plain; charset=utf-8'])
      expect(r.body.toString()).toBe('Internal Server Error')
    }
    expect(errors).toHaveLength(4)
    expect(errors.every(e => e instanceof TypeError)).toBe(true)
    expect(String(errors[0])).toMatch(/Map/)
    expect(String(errors[1])).toMatch(/await/)
    expect(String(errors[3])).toMatch(/cannot be a number/)
  })
})
