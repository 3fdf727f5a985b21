import { afterEach, describe, expect, it } from 'vitest'
import { RawClient } from '../helpers/raw-client.js'
import { closeAll, serve, sleep } from '../helpers/serve.js'

afterEach(closeAll)

const ok = (ctx: { res: { body: unknown } }): void => {
  ctx.res.body = 'ok'
}

describe('timeouts', () => {
  it('headersTimeout: an unfinished head gets 408 and the connection closes (slowloris)', async () => {
    const { port } = await serve(ok, { headersTimeout: 200 })
    const c = await RawClient.connect(port)
    const started = Date.now()
    c.write('GET / HTTP/1.1\r\nHost: x\r\n')
    // Keep dribbling one header byte at a time: progress must not extend the deadline.
    const dribble = setInterval(() => c.write('X'), 40)
    const r = await c.readResponse({ timeoutMs: 3000 })
    clearInterval(dribble)
    expect(r.status).toBe(408)
    expect(r.headers.get('connection')).toEqual(['close'])
    expect(Date.now() - started).toBeLessThan(1500)
    expect(await c.waitForEnd(2000)).toBe(true)
  })

  it('headersTimeout applies from connect when nothing is sent', async () => {
    const { port } = await serve(ok, { headersTimeout: 150 })
    const c = await RawClient.connect(port)
    expect(await c.waitForEnd(2000)).toBe(true)
  })

  it('requestTimeout: a body that does not arrive in time → 408', async () => {
    const { port } = await serve(async ctx => {
      ctx.res.body = await ctx.req.text()
    }, { requestTimeout: 250, headersTimeout: 250 })
    const c = await RawClient.connect(port)
    c.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc')
    const r = await c.readResponse({ timeoutMs: 3000 })
    expect(r.status).toBe(408)
    expect(await c.waitForEnd(3000)).toBe(true)
  })

  it('keepAliveTimeout: an idle persistent connection is closed', async () => {
    const { port } = await serve(ok, { keepAliveTimeout: 150 })
    const c = await RawClient.connect(port)
    c.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n')
    expect((await c.readResponse()).status).toBe(200)
    const idleStart = Date.now()
    expect(await c.waitForEnd(2000)).toBe(true)
    expect(Date.now() - idleStart).toBeGreaterThanOrEqual(100)
  })

  it('a request on time resets the idle timer', async () => {
    const { port } = await serve(ok, { keepAliveTimeout: 300 })
    const c = await RawClient.connect(port)
    for (let i = 0; i < 4; i++) {
      c.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n')
      expect((await c.readResponse()).status).toBe(200)
      await sleep(120)
    }
    expect(c.ended).toBe(false)
    c.close()
  })

  it('a long-running handler is not cut by the header or idle timeouts', async () => {
    const { port } = await serve(async ctx => {
      await sleep(400)
      ctx.res.body = 'slow'
    }, { headersTimeout: 100, keepAliveTimeout: 100 })
    const c = await RawClient.connect(port)
    c.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n')
    expect((await c.readResponse({ timeoutMs: 3000 })).body.toString()).toBe('slow')
    c.close()
  })
})

describe('timeouts: trickles', () => {
  it('empty lines before a request-line do not extend the headers deadline', async () => {
    const { port } = await serve(ok, { headersTimeout: 200, keepAliveTimeout: 5000 })
    const c = await RawClient.connect(port)
    c.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n')
    expect((await c.readResponse()).status).toBe(200)
    const started = Date.now()
    const trickle = setInterval(() => c.write('\r\n'), 30)
    const closed = await c.waitForEnd(3000)
    clearInterval(trickle)
    expect(closed).toBe(true)
    expect(Date.now() - started).toBeLessThan(1500)
  })
})
