import { PassThrough } from 'node:stream'
import { createApp, type App } from 'tinyhttp-core'
import { afterEach, describe, expect, it } from 'vitest'
import { RawClient } from '../helpers/raw-client.js'
import { sleep } from '../helpers/serve.js'

const GET = (path: string): string => `GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`

let apps: App[] = []
afterEach(async () => {
  await Promise.all(apps.map(app => app.close(500)))
  apps = []
})

/** An app answering `ok`, or `slow` after 300 ms on `/slow`. */
async function drainable(): Promise<{ app: App; port: number }> {
  const app = createApp()
  app.use(async ctx => {
    if (ctx.req.path === '/slow') {
      await sleep(300)
      ctx.res.body = 'slow'
      return
    }
    ctx.res.body = 'ok'
  })
  apps.push(app)
  const { port } = await app.listen(0)
  return { app, port }
}

describe('App.drain()', () => {
  it('closes an idle keep-alive connection at once, and keeps accepting', async () => {
    const { app, port } = await drainable()
    const idle = await RawClient.connect(port)
    idle.write(GET('/'))
    const first = await idle.readResponse()
    expect(first.status).toBe(200)
    expect(first.headers.get('connection')).toBeUndefined()
    expect(app.draining).toBe(false)
    app.drain()
    expect(app.draining).toBe(true)
    expect(app.closing).toBe(false)
    expect(await idle.waitForEnd(1000)).toBe(true)
    idle.close()
    // The listener still accepts: a new connection is answered once, with Connection: close.
    const late = await RawClient.connect(port)
    late.write(GET('/'))
    const r = await late.readResponse()
    expect(r.status).toBe(200)
    expect(r.body.toString()).toBe('ok')
    expect(r.headers.get('connection')).toEqual(['close'])
    expect(await late.waitForEnd(1000)).toBe(true)
    late.close()
  })

  it('lets a request in flight finish, with Connection: close, then closes that connection', async () => {
    const { app, port } = await drainable()
    const busy = await RawClient.connect(port)
    busy.write(GET('/'))
    expect((await busy.readResponse()).status).toBe(200) // a keep-alive connection that has served
    busy.write(GET('/slow'))
    await sleep(50)
    app.drain()
    const r = await busy.readResponse()
    expect(r.status).toBe(200)
    expect(r.body.toString()).toBe('slow')
    expect(r.headers.get('connection')).toEqual(['close'])
    expect(await busy.waitForEnd(1000)).toBe(true)
    busy.close()
  })

  it('ends a connection after an answer whose head left before the drain (it promised keep-alive)', async () => {
    const stream = new PassThrough()
    const app = createApp()
    app.use(ctx => {
      ctx.res.body = stream
    })
    apps.push(app)
    const { port } = await app.listen(0)
    const c = await RawClient.connect(port)
    c.write(GET('/'))
    stream.write('a')
    expect(await c.waitForBytes(1, 2000)).toBe(true) // the head (and the first chunk) left
    app.drain()
    await sleep(50)
    expect(c.ended).toBe(false) // busy, not idle: not cut
    stream.end('b')
    const r = await c.readResponse()
    expect(r.body.toString()).toBe('ab')
    expect(r.headers.get('connection')).toBeUndefined()
    expect(await c.waitForEnd(1000)).toBe(true)
    c.close()
  })

  it('leaves a connection that has not sent its first request yet: it is answered once with Connection: close', async () => {
    const { app, port } = await drainable()
    const fresh = await RawClient.connect(port)
    await sleep(50) // accepted by the server, nothing sent (a browser's pre-connect)
    app.drain()
    await sleep(50)
    expect(fresh.ended).toBe(false)
    fresh.write(GET('/'))
    const r = await fresh.readResponse()
    expect(r.status).toBe(200)
    expect(r.headers.get('connection')).toEqual(['close'])
    expect(await fresh.waitForEnd(1000)).toBe(true)
    fresh.close()
  })

  it('answers the first of two pipelined requests with Connection: close and reads no further', async () => {
    const { app, port } = await drainable()
    app.drain()
    const c = await RawClient.connect(port)
    c.write(GET('/a') + GET('/b'))
    const r = await c.readResponse()
    expect(r.status).toBe(200)
    expect(r.headers.get('connection')).toEqual(['close'])
    expect(await c.waitForEnd(1000)).toBe(true)
    expect(c.pending.length).toBe(0) // no second response
    c.close()
  })

  it('then close(): the listener refuses, the in-flight answer still finishes', async () => {
    const { app, port } = await drainable()
    app.drain()
    const busy = await RawClient.connect(port)
    busy.write(GET('/slow'))
    await sleep(50)
    const closed = app.close(2000)
    await expect(RawClient.connect(port)).rejects.toThrow(/ECONNREFUSED/)
    const r = await busy.readResponse()
    expect(r.body.toString()).toBe('slow')
    expect(r.headers.get('connection')).toEqual(['close'])
    await closed
    expect(app.connectionCount).toBe(0)
    busy.close()
  })

  it('is idempotent, and a no-op once close() has been called', async () => {
    const { app, port } = await drainable()
    app.drain()
    app.drain()
    const c = await RawClient.connect(port)
    c.write(GET('/'))
    expect((await c.readResponse()).headers.get('connection')).toEqual(['close'])
    c.close()
    await app.close(500)
    app.drain()
    expect(app.draining).toBe(true)
  })
})
