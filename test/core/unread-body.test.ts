import { afterEach, describe, expect, it } from 'vitest'
import { RawClient } from '../helpers/raw-client.js'
import { closeAll, serve, sleep } from '../helpers/serve.js'

afterEach(closeAll)

/** Answers without reading the body, and records every request the chain saw. */
async function serveUnread(options?: Parameters<typeof serve>[1]): Promise<{ port: number; seen: string[] }> {
  const seen: string[] = []
  const { port } = await serve(ctx => {
    seen.push(`${ctx.req.method} ${ctx.req.path}`)
    ctx.res.body = `${ctx.req.method} ${ctx.req.path}`
  }, options)
  return { port, seen }
}

describe('an unread request body after an early answer (discarded, the connection kept)', () => {
  it('a late small Content-Length body: both responses on one connection, in order', async () => {
    const { port, seen } = await serveUnread()
    const c = await RawClient.connect(port)
    c.write('GET /index.html HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n01234')
    const first = await c.readResponse()
    expect(first.status).toBe(200)
    expect(first.body.toString()).toBe('GET /index.html')
    expect(first.headers.get('connection')).toBeUndefined()
    await sleep(250)
    c.write('56789GET /second HTTP/1.1\r\nHost: x\r\n\r\n')
    const second = await c.readResponse()
    expect(second.body.toString()).toBe('GET /second')
    expect(c.ended).toBe(false)
    expect(seen).toEqual(['GET /index.html', 'GET /second'])
    c.close()
  })

  it('a late chunked body is discarded through the parser up to its last chunk', async () => {
    const { port, seen } = await serveUnread()
    const c = await RawClient.connect(port)
    c.write('POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n')
    expect((await c.readResponse()).body.toString()).toBe('POST /upload')
    await sleep(100)
    // A chunk whose data looks like a request, then the last chunk, then the real next request.
    const evil = 'GET /evil HTTP/1.1\r\nHost: x\r\n\r\n'
    c.write(`${evil.length.toString(16)}\r\n${evil}\r\n0\r\n\r\nGET /next HTTP/1.1\r\nHost: x\r\n\r\n`)
    expect((await c.readResponse()).body.toString()).toBe('GET /next')
    await sleep(50)
    expect(seen).toEqual(['POST /upload', 'GET /next'])
    expect(c.pending.length).toBe(0)
    c.close()
  })

  it('body bytes that look like a request are never parsed as one; the request behind them is answered', async () => {
    const { port, seen } = await serveUnread()
    const c = await RawClient.connect(port)
    const evil = 'GET /evil HTTP/1.1\r\nHost: x\r\n\r\n'
    c.write(`GET /a HTTP/1.1\r\nHost: x\r\nContent-Length: ${evil.length}\r\n\r\nGET /ev`)
    expect((await c.readResponse()).body.toString()).toBe('GET /a')
    await sleep(50)
    c.write(`${evil.slice(7)}GET /b HTTP/1.1\r\nHost: x\r\n\r\n`)
    expect((await c.readResponse()).body.toString()).toBe('GET /b')
    await sleep(50)
    expect(seen).toEqual(['GET /a', 'GET /b'])
    expect(c.pending.length).toBe(0)
    expect(c.ended).toBe(false)
    c.close()
  })

  it('a body whose unread rest is larger than lingerBytes: the answer says close, then the connection closes', async () => {
    const { port, seen } = await serveUnread({ lingerBytes: 1000 })
    const c = await RawClient.connect(port)
    c.write('GET /big HTTP/1.1\r\nHost: x\r\nContent-Length: 2000\r\n\r\n0123456789')
    const r = await c.readResponse()
    expect(r.body.toString()).toBe('GET /big')
    expect(r.headers.get('connection')).toEqual(['close'])
    c.write(`${'x'.repeat(1990)}GET /after HTTP/1.1\r\nHost: x\r\n\r\n`)
    expect(await c.waitForEnd(4000)).toBe(true)
    expect(c.pending.length).toBe(0)
    expect(seen).toEqual(['GET /big'])
  })

  it('a chunked body that grows past lingerBytes while discarded: the connection closes, nothing behind it runs', async () => {
    const { port, seen } = await serveUnread({ lingerBytes: 1000 })
    const c = await RawClient.connect(port)
    c.write('POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n')
    expect((await c.readResponse()).body.toString()).toBe('POST /c')
    c.write(`800\r\n${'y'.repeat(0x800)}\r\n0\r\n\r\nGET /after HTTP/1.1\r\nHost: x\r\n\r\n`)
    expect(await c.waitForEnd(4000)).toBe(true)
    expect(c.pending.length).toBe(0)
    expect(seen).toEqual(['POST /c'])
  })

  it('broken chunked framing in a body being discarded closes the connection; nothing behind it runs', async () => {
    const { port, seen } = await serveUnread()
    const c = await RawClient.connect(port)
    c.write('POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n')
    expect((await c.readResponse()).body.toString()).toBe('POST /c')
    c.write('zz\r\nGET /after HTTP/1.1\r\nHost: x\r\n\r\n')
    expect(await c.waitForEnd(4000)).toBe(true)
    expect(c.pending.length).toBe(0)
    expect(seen).toEqual(['POST /c'])
  })

  it('App.close() does not wait for a body being discarded: the connection is between requests', async () => {
    const served = await serve(ctx => {
      ctx.res.body = 'ok'
    }, { lingerTimeout: 10_000 })
    const c = await RawClient.connect(served.port)
    c.write('GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n01234')
    expect((await c.readResponse()).body.toString()).toBe('ok')
    const started = Date.now()
    await served.app.close(5_000)
    expect(Date.now() - started).toBeLessThan(1_000)
    expect(await c.waitForEnd(1000)).toBe(true)
  })

  it('a body slower than lingerTimeout: the connection closes, the late request is not answered', async () => {
    const { port, seen } = await serveUnread({ lingerTimeout: 300 })
    const c = await RawClient.connect(port)
    c.write('GET /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n01234')
    expect((await c.readResponse()).body.toString()).toBe('GET /slow')
    expect(await c.waitForEnd(3000)).toBe(true)
    c.write('56789GET /late HTTP/1.1\r\nHost: x\r\n\r\n')
    await sleep(100)
    expect(c.pending.length).toBe(0)
    expect(seen).toEqual(['GET /slow'])
  })

  it('a small body the client holds back for 100 Continue is not waited for: the answer says close', async () => {
    const { port, seen } = await serveUnread()
    const c = await RawClient.connect(port)
    c.write('POST /e HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\nExpect: 100-continue\r\n\r\n')
    const r = await c.readResponse()
    expect(r.status).toBe(200)
    expect(r.headers.get('connection')).toEqual(['close'])
    expect(await c.waitForEnd(4000)).toBe(true)
    expect(seen).toEqual(['POST /e'])
  })

  it('a body the application started reading and left unfinished still closes the connection', async () => {
    const { port } = await serve(async ctx => {
      for await (const chunk of ctx.req) {
        ctx.res.body = `first ${chunk.length}`
        break
      }
    })
    const c = await RawClient.connect(port)
    c.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n01234')
    const r = await c.readResponse()
    expect(r.body.toString()).toBe('first 5')
    expect(r.headers.get('connection')).toEqual(['close'])
    expect(await c.waitForEnd(4000)).toBe(true)
  })

  it('a body refused by its declared length (body(limit) → 413 before reading) is discarded like any unread body', async () => {
    const { port } = await serve(async ctx => {
      ctx.res.body = String((await ctx.req.body(4)).length)
    })
    const c = await RawClient.connect(port)
    c.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n01234')
    const r = await c.readResponse()
    expect(r.status).toBe(413)
    expect(r.headers.get('connection')).toBeUndefined()
    c.write('56789POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nok')
    expect((await c.readResponse()).body.toString()).toBe('2')
    c.close()
  })

  it('a body that filled the read buffer while the answer was pending is discarded too', async () => {
    const seen: string[] = []
    const { port } = await serve(async ctx => {
      seen.push(ctx.req.path)
      if (ctx.req.path === '/wait') await sleep(150)
      ctx.res.body = ctx.req.path
    })
    const c = await RawClient.connect(port)
    // 100 KB arrive before the answer (reading pauses at the body's high-water mark), 2 KB after it.
    c.write(`POST /wait HTTP/1.1\r\nHost: x\r\nContent-Length: ${100_000 + 2_000}\r\n\r\n${'z'.repeat(100_000)}`)
    expect((await c.readResponse()).body.toString()).toBe('/wait')
    c.write(`${'z'.repeat(2_000)}GET /next HTTP/1.1\r\nHost: x\r\n\r\n`)
    expect((await c.readResponse()).body.toString()).toBe('/next')
    expect(seen).toEqual(['/wait', '/next'])
    c.close()
  })
})
