import { afterEach, describe, expect, it } from 'vitest'
import { RawClient } from '../helpers/raw-client.js'
import { closeAll, serve } from '../helpers/serve.js'

afterEach(closeAll)

const hello = (ctx: { res: { body: unknown } }): void => {
  ctx.res.body = 'hi'
}

describe('keep-alive (RFC 9112 §9.3)', () => {
  it('HTTP/1.1 persists by default: two requests on one socket', async () => {
    const { port } = await serve(hello)
    const c = await RawClient.connect(port)
    c.write('GET /a HTTP/1.1\r\nHost: x\r\n\r\n')
    const r1 = await c.readResponse()
    expect(r1.status).toBe(200)
    expect(r1.headers.has('connection')).toBe(false)
    c.write('GET /b HTTP/1.1\r\nHost: x\r\n\r\n')
    const r2 = await c.readResponse()
    expect(r2.body.toString()).toBe('hi')
    expect(c.ended).toBe(false)
    c.close()
  })

  it('HTTP/1.1 with Connection: close answers Connection: close and closes', async () => {
    const { port } = await serve(hello)
    const c = await RawClient.connect(port)
    c.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
    const r = await c.readResponse()
    expect(r.headers.get('connection')).toEqual(['close'])
    expect(await c.waitForEnd(2000)).toBe(true)
  })

  it('HTTP/1.0 closes unless keep-alive was asked for', async () => {
    const { port } = await serve(hello)
    const c = await RawClient.connect(port)
    c.write('GET / HTTP/1.0\r\n\r\n')
    const r = await c.readResponse()
    expect(r.statusLine).toBe('HTTP/1.1 200 OK')
    expect(r.headers.get('connection')).toEqual(['close'])
    expect(await c.waitForEnd(2000)).toBe(true)
  })

  it('HTTP/1.0 with Connection: keep-alive persists and says so', async () => {
    const { port } = await serve(hello)
    const c = await RawClient.connect(port)
    c.write('GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n')
    const r = await c.readResponse()
    expect(r.headers.get('connection')).toEqual(['keep-alive'])
    c.write('GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n')
    expect((await c.readResponse()).status).toBe(200)
    c.close()
  })

  it('maxRequestsPerSocket closes after the budget', async () => {
    const { port } = await serve(hello, { maxRequestsPerSocket: 2 })
    const c = await RawClient.connect(port)
    c.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n')
    expect((await c.readResponse()).headers.has('connection')).toBe(false)
    c.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n')
    expect((await c.readResponse()).headers.get('connection')).toEqual(['close'])
    expect(await c.waitForEnd(2000)).toBe(true)
  })

  it('a client that half-closes after its request still gets the answer', async () => {
    const { port } = await serve(async ctx => {
      await new Promise(r => setTimeout(r, 50))
      ctx.res.body = 'late'
    })
    const c = await RawClient.connect(port)
    c.socket.end('GET / HTTP/1.1\r\nHost: x\r\n\r\n')
    const r = await c.readResponse()
    expect(r.body.toString()).toBe('late')
    expect(r.headers.get('connection')).toEqual(['close'])
  })

  it('every request of a connection knows the peer address (read from the socket once, when asked)', async () => {
    const { port } = await serve(ctx => {
      ctx.res.body = `${ctx.req.remoteAddress}|${ctx.req.remoteAddress}`
    })
    const c = await RawClient.connect(port)
    c.write('GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\n')
    expect((await c.readResponse()).body.toString()).toBe('127.0.0.1|127.0.0.1')
    expect((await c.readResponse()).body.toString()).toBe('127.0.0.1|127.0.0.1')
    c.close()
  })
})
