import { createApp } from 'tinyhttp-core'
import { describe, expect, it } from 'vitest'
import { RawClient } from '../helpers/raw-client.js'
import { sleep } from '../helpers/serve.js'

describe('App.close()', () => {
  it('finishes in-flight responses with Connection: close, closes idle keep-alive sockets, refuses new ones', async () => {
    const app = createApp()
    app.use(async ctx => {
      if (ctx.req.path === '/slow') await sleep(200)
      ctx.res.body = 'ok'
    })
    const { port } = await app.listen(0)
    const idle = await RawClient.connect(port)
    idle.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n')
    await idle.readResponse()
    const busy = await RawClient.connect(port)
    busy.write('GET /slow HTTP/1.1\r\nHost: x\r\n\r\n')
    await sleep(30)
    const closed = app.close(2000)
    expect(await idle.waitForEnd(1000)).toBe(true)
    const r = await busy.readResponse()
    expect(r.body.toString()).toBe('ok')
    expect(r.headers.get('connection')).toEqual(['close'])
    await closed
    expect(app.connectionCount).toBe(0)
    await expect(RawClient.connect(port)).rejects.toThrow()
  })

  it('destroys connections still busy after the grace period', async () => {
    const app = createApp()
    app.use(() => new Promise<void>(() => {}))
    const { port } = await app.listen(0)
    const c = await RawClient.connect(port)
    c.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n')
    await sleep(30)
    const started = Date.now()
    await app.close(150)
    expect(Date.now() - started).toBeLessThan(1500)
    expect(await c.waitForEnd(1000)).toBe(true)
  })
})
