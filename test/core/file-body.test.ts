import { closeSync, ftruncateSync, mkdtempSync, openSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FileBody, HttpError } from 'tinyhttp-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { RawClient } from '../helpers/raw-client.js'
import { closeAll, serve, sleep } from '../helpers/serve.js'

const openFds = (): number => readdirSync('/proc/self/fd').length

let dir = ''
let file = ''
const SIZE = 4 * 1024 * 1024
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tinyhttp-fd-'))
  file = join(dir, 'big.bin')
  writeFileSync(file, Buffer.alloc(SIZE, 0x5a))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))
afterEach(closeAll)

async function settle(baseline: number): Promise<number> {
  for (let i = 0; i < 50 && openFds() > baseline; i++) await sleep(20)
  return openFds()
}

describe.skipIf(process.platform !== 'linux')('FileBody descriptors (counted in /proc/self/fd)', () => {
  it('closes the descriptor of 200 downloads aborted mid-body', async () => {
    const { port } = await serve(ctx => {
      ctx.res.body = new FileBody({ fd: openSync(file, 'r'), length: SIZE })
    })
    const warm = await RawClient.connect(port)
    warm.close()
    await sleep(50)
    const before = openFds()
    for (let i = 0; i < 200; i++) {
      const c = await RawClient.connect(port)
      c.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n')
      while (c.pending.length === 0 && !c.ended) await sleep(1)
      c.close()
    }
    expect(await settle(before)).toBeLessThanOrEqual(before)
  })

  it('closes the descriptor when the body is not sent: HEAD, 304, and an error thrown after it was set', async () => {
    const { port } = await serve([
      async (ctx, next) => {
        await next()
        if (ctx.req.path === '/throw') throw new HttpError(500)
      },
      ctx => {
        ctx.res.body = new FileBody({ fd: openSync(file, 'r'), length: SIZE })
        if (ctx.req.path === '/304') ctx.res.status = 304
      },
    ])
    const before = openFds()
    for (let i = 0; i < 50; i++) {
      const c = await RawClient.connect(port)
      c.write('HEAD / HTTP/1.1\r\nHost: x\r\n\r\nGET /304 HTTP/1.1\r\nHost: x\r\n\r\nGET /throw HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
      await c.readResponse({ head: true })
      expect((await c.readResponse()).status).toBe(304)
      expect((await c.readResponse()).status).toBe(500)
      c.close()
    }
    expect(await settle(before)).toBeLessThanOrEqual(before)
  })

  it('sendTimeout: a client that stops reading is cut off and its descriptor closed', async () => {
    // Sparse, so it costs no disk, and far larger than what socket buffers can absorb.
    const huge = join(dir, 'huge.bin')
    const hugeSize = 1024 * 1024 * 1024
    const fd = openSync(huge, 'w')
    ftruncateSync(fd, hugeSize)
    closeSync(fd)
    const { port, app } = await serve(ctx => {
      ctx.res.body = new FileBody({ fd: openSync(huge, 'r'), length: hugeSize })
    }, { sendTimeout: 200 })
    const before = openFds()
    const c = await RawClient.connect(port)
    c.socket.pause()
    c.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n')
    for (let i = 0; i < 20 && app.connectionCount === 0; i++) await sleep(10)
    expect(app.connectionCount).toBe(1)
    // The paused client cannot observe the close; the server side can.
    for (let i = 0; i < 100 && app.connectionCount > 0; i++) await sleep(20)
    expect(app.connectionCount).toBe(0)
    c.close()
    expect(await settle(before)).toBeLessThanOrEqual(before)
  })
})
