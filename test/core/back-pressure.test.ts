import { Readable } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import { RawClient } from '../helpers/raw-client.js'
import { closeAll, serve, sleep } from '../helpers/serve.js'

afterEach(closeAll)

describe('back-pressure', () => {
  it('stops pulling a stream body while the client does not read', async () => {
    let produced = 0
    const total = 256 * 1024 * 1024
    const { port } = await serve(ctx => {
      ctx.res.body = new Readable({
        read() {
          if (produced >= total) return void this.push(null)
          produced += 64 * 1024
          this.push(Buffer.alloc(64 * 1024, 0x61))
        },
      })
    })
    const c = await RawClient.connect(port)
    c.socket.pause()
    c.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n')
    await sleep(500)
    const stalled = produced
    await sleep(300)
    // Bounded by socket buffers, not by the body size; and it stopped growing.
    expect(stalled).toBeLessThan(32 * 1024 * 1024)
    expect(produced - stalled).toBeLessThan(2 * 1024 * 1024)
    c.close()
  })

  it('destroys the body stream when the client goes away mid-download', async () => {
    let destroyed = false
    const { port } = await serve(ctx => {
      const stream = new Readable({
        read() {
          this.push(Buffer.alloc(64 * 1024))
        },
      })
      stream.on('close', () => (destroyed = true))
      ctx.res.body = stream
    })
    const c = await RawClient.connect(port)
    c.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n')
    await sleep(100)
    c.close()
    for (let i = 0; i < 50 && !destroyed; i++) await sleep(20)
    expect(destroyed).toBe(true)
  })

  it('pauses reading a request body the application does not consume yet', async () => {
    let received = 0
    const { port, app } = await serve(async ctx => {
      await sleep(300)
      for await (const chunk of ctx.req) received += chunk.length
      ctx.res.body = String(received)
    })
    void app
    const c = await RawClient.connect(port)
    const size = 8 * 1024 * 1024
    c.write(`POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ${size}\r\n\r\n`)
    const chunk = Buffer.alloc(64 * 1024, 0x62)
    let sent = 0
    // Write without waiting: the kernel buffers fill up once the server stops reading.
    while (sent < size) {
      c.socket.write(chunk)
      sent += chunk.length
    }
    const r = await c.readResponse({ timeoutMs: 10_000 })
    expect(r.body.toString()).toBe(String(size))
    c.close()
  })
})
