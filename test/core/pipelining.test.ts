import { afterEach, describe, expect, it } from 'vitest'
import { RawClient } from '../helpers/raw-client.js'
import { closeAll, serve, sleep } from '../helpers/serve.js'

afterEach(closeAll)

describe('pipelining', () => {
  it('answers several requests from one write strictly in order, even when the first is slowest', async () => {
    const { port } = await serve(async ctx => {
      const n = Number(ctx.req.path.slice(1))
      await sleep((3 - n) * 30)
      ctx.res.body = `r${n}`
    })
    const c = await RawClient.connect(port)
    c.write('GET /0 HTTP/1.1\r\nHost: x\r\n\r\nGET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\n')
    const bodies = []
    for (let i = 0; i < 3; i++) bodies.push((await c.readResponse()).body.toString())
    expect(bodies).toEqual(['r0', 'r1', 'r2'])
    c.close()
  })

  it('runs one request at a time', async () => {
    let running = 0
    let maxRunning = 0
    const { port } = await serve(async ctx => {
      running++
      maxRunning = Math.max(maxRunning, running)
      await sleep(5)
      running--
      ctx.res.body = 'x'
    })
    const c = await RawClient.connect(port)
    c.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'.repeat(10))
    for (let i = 0; i < 10; i++) expect((await c.readResponse()).status).toBe(200)
    expect(maxRunning).toBe(1)
    c.close()
  })

  it('answers 100 pipelined requests (more than the queue bound) in order', async () => {
    const { port } = await serve(ctx => {
      ctx.res.body = ctx.req.path
    }, { maxPipelined: 4 })
    const c = await RawClient.connect(port)
    let batch = ''
    for (let i = 0; i < 100; i++) batch += `GET /${i} HTTP/1.1\r\nHost: x\r\n\r\n`
    c.write(batch)
    for (let i = 0; i < 100; i++) expect((await c.readResponse()).body.toString()).toBe(`/${i}`)
    c.close()
  })

  it('answers 20000 pipelined requests of a synchronous chain in order, from reads of many requests each (no recursion per request)', async () => {
    // A chain that finishes synchronously is answered in a loop: one read can carry thousands of
    // requests, and answering them must not grow the stack with each one.
    const count = 20_000
    const { port } = await serve(ctx => {
      ctx.res.body = ctx.req.path
    })
    const c = await RawClient.connect(port)
    let batch = ''
    for (let i = 0; i < count; i++) batch += `GET /${i} HTTP/1.1\r\nHost: x\r\n\r\n`
    c.write(batch)
    const text = (await c.readAll(8000)).toString('latin1')
    const bodies = text.split('HTTP/1.1 200 OK\r\n').slice(1).map(r => r.slice(r.indexOf('\r\n\r\n') + 4))
    expect(bodies).toHaveLength(count)
    for (let i = 0; i < count; i++) if (bodies[i] !== `/${i}`) throw new Error(`answer ${i} is ${JSON.stringify(bodies[i])}`)
    c.close()
  })

  it('after a request that cannot be framed, nothing behind it runs and the connection closes', async () => {
    const seen: string[] = []
    const { port } = await serve(ctx => {
      seen.push(ctx.req.path)
      ctx.res.body = 'ok'
    })
    const c = await RawClient.connect(port)
    c.write('GET /first HTTP/1.1\r\nHost: x\r\n\r\nGET /bad HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /after HTTP/1.1\r\nHost: x\r\n\r\n')
    const r1 = await c.readResponse()
    expect(r1.status).toBe(200)
    const r2 = await c.readResponse()
    expect(r2.status).toBe(400)
    expect(r2.headers.get('connection')).toEqual(['close'])
    expect(r2.headers.get('content-length')).toEqual(['0'])
    expect(r2.headers.has('date')).toBe(true)
    expect(await c.waitForEnd(2000)).toBe(true)
    expect(c.pending.length).toBe(0)
    expect(seen).toEqual(['/first'])
  })

  it('HEAD then GET pipelined: two well-formed responses, the GET body intact', async () => {
    const { port } = await serve(ctx => {
      ctx.res.headers.set('Content-Type', 'text/plain')
      ctx.res.body = 'abcdefghij'
    })
    const c = await RawClient.connect(port)
    c.write('HEAD / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n')
    const head = await c.readResponse({ head: true })
    expect(head.headers.get('content-length')).toEqual(['10'])
    const get = await c.readResponse()
    expect(get.body.toString()).toBe('abcdefghij')
    expect(c.pending.length).toBe(0)
    c.close()
  })

  it('a body the application did not read is not parsed as the next request', async () => {
    const { port } = await serve(ctx => {
      ctx.res.body = `${ctx.req.method} ${ctx.req.path}`
    })
    const c = await RawClient.connect(port)
    const smuggled = 'GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n'
    c.write(`POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: ${smuggled.length}\r\n\r\n${smuggled}GET /b HTTP/1.1\r\nHost: x\r\n\r\n`)
    expect((await c.readResponse()).body.toString()).toBe('POST /a')
    expect((await c.readResponse()).body.toString()).toBe('GET /b')
    c.close()
  })
})

describe('pipelining: the queue bound', () => {
  it('keeps serving after the parser paused exactly at the end of a read', async () => {
    const { port } = await serve(async ctx => {
      await sleep(5)
      ctx.res.body = ctx.req.path
    }, { maxPipelined: 1 })
    const c = await RawClient.connect(port)
    c.write('GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\n')
    expect((await c.readResponse()).body.toString()).toBe('/1')
    expect((await c.readResponse()).body.toString()).toBe('/2')
    await sleep(20)
    c.write('GET /3 HTTP/1.1\r\nHost: x\r\n\r\n')
    expect((await c.readResponse()).body.toString()).toBe('/3')
    c.close()
  })
})

describe('a broken request body', () => {
  it.each([
    ['a non-hex chunk size', 'zz\r\nhello\r\n0\r\n\r\n'],
    ['a chunk longer than its size', '3\r\nhello\r\n0\r\n\r\n'],
  ])('gets one answer and a close, never a second response (%s)', async (_name, body) => {
    const { port } = await serve(ctx => {
      ctx.res.body = 'ok'
    })
    const c = await RawClient.connect(port)
    c.write(`GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${body}`)
    const text = (await c.readAll(3000)).toString('latin1')
    expect(text.match(/HTTP\/1\.1 \d{3}/g)?.length).toBe(1)
    expect(text).toMatch(/\r\nConnection: close\r\n/)
  })

  it('a handler that reads the broken body answers 400', async () => {
    const { port } = await serve(async ctx => {
      ctx.res.body = await ctx.req.text()
    })
    const c = await RawClient.connect(port)
    c.write('POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n')
    const text = (await c.readAll(3000)).toString('latin1')
    expect(text.match(/HTTP\/1\.1 \d{3}/g)).toEqual(['HTTP/1.1 400'])
  })
})
