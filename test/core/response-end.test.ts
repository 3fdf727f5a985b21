import { Readable } from 'node:stream'
import { SizedStream, type Context } from 'tinyhttp-core'
import { afterEach, describe, expect, it } from 'vitest'
import { RawClient, rawRequest } from '../helpers/raw-client.js'
import { closeAll, serve, sleep } from '../helpers/serve.js'

afterEach(closeAll)

/** Serves `handler` and records every `res.onEnd` call. */
async function recorded(handler: (ctx: Context) => void | Promise<void>) {
  const ends: Array<{ path: string; status: number; bytes: number; aborted: boolean }> = []
  const { port } = await serve([
    async (ctx, next) => {
      ctx.res.onEnd((bytes, aborted) => ends.push({ path: ctx.req.path, status: ctx.res.status, bytes, aborted }))
      await next()
    },
    handler,
  ])
  const wait = async (n: number) => {
    for (let i = 0; i < 300 && ends.length < n; i++) await sleep(10)
    return ends
  }
  return { port, ends, wait }
}

describe('Response.onEnd: the bytes that left and whether the response was cut', () => {
  it('reports the body bytes of string, byte, chunked-stream and sized-stream bodies; 0 for HEAD and 304', async () => {
    const { port, wait } = await recorded(ctx => {
      const p = ctx.req.path
      if (p === '/text') ctx.res.body = 'héllo'
      else if (p === '/bytes') ctx.res.body = new Uint8Array(7)
      else if (p === '/stream') ctx.res.body = Readable.from([Buffer.alloc(3), Buffer.alloc(4)])
      else if (p === '/sized') ctx.res.body = new SizedStream(Readable.from([Buffer.alloc(5)]), 5)
      else if (p === '/304') ctx.res.status = 304
      else ctx.res.body = 'abc'
    })
    for (const path of ['/text', '/bytes', '/stream', '/sized', '/304']) await rawRequest(port, `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`)
    await rawRequest(port, 'HEAD /head HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', { head: true })
    expect(await wait(6)).toEqual([
      { path: '/text', status: 200, bytes: 6, aborted: false },
      { path: '/bytes', status: 200, bytes: 7, aborted: false },
      { path: '/stream', status: 200, bytes: 7, aborted: false },
      { path: '/sized', status: 200, bytes: 5, aborted: false },
      { path: '/304', status: 304, bytes: 0, aborted: false },
      { path: '/head', status: 200, bytes: 0, aborted: false },
    ])
  })

  it('a stream cut by the client: aborted, with fewer bytes than were produced', async () => {
    let produced = 0
    const { port, wait } = await recorded(ctx => {
      ctx.res.body = new Readable({
        read() {
          if (produced >= 256 * 1024 * 1024) return void this.push(null)
          produced += 64 * 1024
          this.push(Buffer.alloc(64 * 1024, 0x61))
        },
      })
    })
    const c = await RawClient.connect(port)
    c.write('GET /cut HTTP/1.1\r\nHost: x\r\n\r\n')
    expect(await c.waitForBytes(1024 * 1024)).toBe(true)
    c.socket.pause()
    await sleep(200)
    c.close()
    const [end] = await wait(1)
    expect(end).toMatchObject({ path: '/cut', status: 200, aborted: true })
    expect(end!.bytes).toBeGreaterThanOrEqual(1024 * 1024 - 1024)
    expect(end!.bytes).toBeLessThanOrEqual(produced)
    expect(end!.bytes).toBeLessThan(64 * 1024 * 1024)
  })

  it('a client gone before a slow chain answered: told once, aborted, 0 bytes', async () => {
    const { port, ends, wait } = await recorded(async ctx => {
      await sleep(150)
      ctx.res.body = 'late'
    })
    const c = await RawClient.connect(port)
    c.write('GET /slow HTTP/1.1\r\nHost: x\r\n\r\n')
    await sleep(30)
    c.socket.resetAndDestroy() // RST: gone, not half-closed (a half-closed client still gets its answer)
    expect(await wait(1)).toEqual([{ path: '/slow', status: 200, bytes: 0, aborted: true }])
    await sleep(50)
    expect(ends).toHaveLength(1)
  })

  it('a listener that throws does not break the connection; every listener runs', async () => {
    const seen: number[] = []
    const { port } = await serve([
      async (ctx, next) => {
        ctx.res.onEnd(() => {
          throw new Error('listener bug')
        })
        ctx.res.onEnd(bytes => seen.push(bytes))
        await next()
      },
      ctx => {
        ctx.res.body = 'ok'
      },
    ])
    const c = await RawClient.connect(port)
    c.write('GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n')
    expect((await c.readResponse()).body.toString()).toBe('ok')
    expect((await c.readResponse()).body.toString()).toBe('ok')
    c.close()
    expect(seen).toEqual([2, 2])
  })
})
