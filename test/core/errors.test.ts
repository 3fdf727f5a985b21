import { Readable } from 'node:stream'
import { HttpError, renderError } from 'tinyhttp-core'
import { afterEach, describe, expect, it } from 'vitest'
import { RawClient, rawRequest } from '../helpers/raw-client.js'
import { closeAll, serve } from '../helpers/serve.js'

afterEach(closeAll)

describe('errors', () => {
  it('an HttpError becomes its status, headers and exposed message as text/plain with nosniff', async () => {
    const { port } = await serve(() => {
      throw new HttpError(405, 'Use GET', { headers: { Allow: 'GET, HEAD' } })
    })
    const r = await rawRequest(port, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n')
    expect(r.status).toBe(405)
    expect(r.headers.get('allow')).toEqual(['GET, HEAD'])
    expect(r.headers.get('content-type')).toEqual(['text/plain; charset=utf-8'])
    expect(r.headers.get('x-content-type-options')).toEqual(['nosniff'])
    expect(r.body.toString()).toBe('Use GET')
  })

  it('an unexpected error becomes a generic 500 without stack or message on the wire', async () => {
    const logged: unknown[] = []
    const { port } = await serve(async () => {
      await Promise.resolve()
      throw new Error('secret /etc/passwd detail')
    }, { onError: err => logged.push(err) })
    const r = await rawRequest(port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n')
    expect(r.status).toBe(500)
    expect(r.body.toString()).toBe('Internal Server Error')
    expect(r.rawHead + r.body.toString()).not.toMatch(/secret|at .*\.ts/)
    expect(logged).toHaveLength(1)
  })

  it('errors set before the throw are dropped; headers of the error are applied', async () => {
    const { port } = await serve([
      async (ctx, next) => {
        ctx.res.headers.set('X-Before', '1')
        await next()
      },
      () => {
        throw new HttpError(503, undefined, { headers: { 'Retry-After': '5' } })
      },
    ])
    const r = await rawRequest(port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n')
    expect(r.status).toBe(503)
    expect(r.headers.get('retry-after')).toEqual(['5'])
    expect(r.headers.has('x-before')).toBe(false)
    expect(r.body.toString()).toBe('Service Unavailable')
  })

  it('a stream that fails after the head went out destroys the socket (no second status line)', async () => {
    const { port } = await serve(ctx => {
      let n = 0
      ctx.res.body = new Readable({
        read() {
          n++
          if (n === 1) this.push(Buffer.from('partial'))
          else this.destroy(new Error('disk gone'))
        },
      })
    })
    const c = await RawClient.connect(port)
    c.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n')
    const all = (await c.readAll(3000)).toString('latin1')
    expect(all.match(/HTTP\/1\.1/g)?.length).toBe(1)
    expect(all).toContain('partial')
    expect(all.endsWith('0\r\n\r\n')).toBe(false)
    expect(c.ended).toBe(true)
  })

  it('a malformed request on one connection does not disturb another connection in flight', async () => {
    let release!: () => void
    const gate = new Promise<void>(r => (release = r))
    const { port } = await serve(async ctx => {
      if (ctx.req.path === '/slow') await gate
      ctx.res.body = `done ${ctx.req.path}`
    })
    const good = await RawClient.connect(port)
    good.write('GET /slow HTTP/1.1\r\nHost: x\r\n\r\n')
    for (const bad of ['\x00\x01\x02garbage\r\n\r\n', 'GET / HTTP/1.1\r\nHost: x\r\nX: a\x00b\r\n\r\n', 'GET /%zz HTTP/9.9\r\n\r\n']) {
      const r = await rawRequest(port, bad)
      expect(r.status).toBeGreaterThanOrEqual(400)
    }
    release()
    expect((await good.readResponse()).body.toString()).toBe('done /slow')
    good.close()
  })

  it('HttpError is recognised across copies through its brand', () => {
    const foreign = Object.assign(Object.create(Error.prototype), { status: 404 })
    Object.defineProperty(foreign, Symbol.for('tinyhttp-core.HttpError'), { value: true })
    expect(foreign instanceof HttpError).toBe(true)
    expect(new Error('x') instanceof HttpError).toBe(false)
    expect(new HttpError(404).status).toBe(404)
    expect(new HttpError(200).status).toBe(500)
    expect(new HttpError(404).expose).toBe(true)
    expect(new HttpError(502).expose).toBe(false)
  })

  it('a rendered error keeps its reason: error:<reason>, error:http-error without one, error:exception for anything else', async () => {
    const throwers: Record<string, () => never> = {
      '/limit': () => {
        throw new HttpError(413, undefined, { reason: 'body-limit' })
      },
      '/plain': () => {
        throw new HttpError(409)
      },
      '/boom': () => {
        throw new Error('boom')
      },
    }
    const { port } = await serve([
      async (ctx, next) => {
        // An outer wrapper renders, then reads the reason: what cors and fallback do.
        try {
          await next()
        } catch (err) {
          renderError(ctx.res, err)
          ctx.res.headers.set('X-Reason', ctx.res.reason ?? 'none')
        }
      },
      ctx => throwers[ctx.req.rawPath]?.(),
    ])
    const reasonOf = async (path: string): Promise<[number, string[] | undefined]> => {
      const r = await rawRequest(port, `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`)
      return [r.status, r.headers.get('x-reason')]
    }
    expect(await reasonOf('/limit')).toEqual([413, ['error:body-limit']])
    expect(await reasonOf('/plain')).toEqual([409, ['error:http-error']])
    expect(await reasonOf('/boom')).toEqual([500, ['error:exception']])
  })

  it('the core renders a thrown error with its reason, so an access log on the way out reads it', async () => {
    const seen: Array<string | undefined> = []
    const { port } = await serve([
      (ctx, next) => {
        ctx.res.onEnd(() => seen.push(ctx.res.reason))
        return next()
      },
      () => {
        throw new HttpError(400, 'Invalid JSON body', { reason: 'invalid-json' })
      },
    ])
    const r = await rawRequest(port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
    expect(r.status).toBe(400)
    expect(r.body.toString()).toBe('Invalid JSON body')
    expect(seen).toEqual(['error:invalid-json'])
  })
})

describe('request bodies', () => {
  it('a body-less request reads as empty, on every request of a connection', async () => {
    const { port } = await serve(async ctx => {
      ctx.res.body = `[${await ctx.req.text()}]`
    })
    const c = await RawClient.connect(port)
    for (let i = 0; i < 3; i++) {
      c.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n')
      expect((await c.readResponse()).body.toString()).toBe('[]')
    }
    c.close()
  })
})
