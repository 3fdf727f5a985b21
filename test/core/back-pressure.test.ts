import { Socket } from 'node:net'
import { Readable } from 'node:stream'
import { createApp } from 'tinyhttp-core'
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

  it("never lets one connection's output overwrite another's that the kernel has not taken yet", async () => {
    // Small answers are copied into one buffer shared by all connections, which is free again once the
    // kernel has copied a write. A socket that keeps a write pending (its client does not read) keeps
    // that buffer: answers on another connection must go elsewhere, or the stalled client later reads
    // the other client's bytes. The sockets here are net.Sockets whose "kernel" is in the test: it
    // copies a write at once, or (stalled) holds on to the caller's bytes until released.
    class TestSocket extends Socket {
      stalled = false
      readonly held: Array<{ chunk: Buffer; done: (err?: Error | null) => void }> = []
      readonly sent: Buffer[] = []
      override _write(chunk: Buffer, _encoding: BufferEncoding, done: (err?: Error | null) => void): void {
        if (this.stalled) this.held.push({ chunk, done })
        else {
          this.sent.push(Buffer.from(chunk))
          done()
        }
      }
      release(): void {
        this.stalled = false
        for (const { chunk, done } of this.held.splice(0)) {
          this.sent.push(Buffer.from(chunk))
          done()
        }
      }
    }
    const bodyFor = (path: string): Buffer => Buffer.alloc(1500, path === '/a' ? 0x61 : 0x62)
    const app = createApp()
    app.use(ctx => {
      ctx.res.headers.set('Content-Type', 'application/octet-stream')
      ctx.res.body = bodyFor(ctx.req.path)
    })
    const settle = async (): Promise<void> => {
      for (let i = 0; i < 5; i++) await new Promise(resolve => setImmediate(resolve))
    }
    const stalled = new TestSocket()
    stalled.stalled = true
    app.handleConnection(stalled)
    stalled.emit('data', Buffer.from('GET /a HTTP/1.1\r\nHost: x\r\n\r\n'.repeat(4)))
    await settle()
    expect(stalled.held.length).toBeGreaterThan(0)

    const other = new TestSocket()
    app.handleConnection(other)
    for (let i = 0; i < 3; i++) {
      other.emit('data', Buffer.from('GET /b HTTP/1.1\r\nHost: x\r\n\r\n'.repeat(4)))
      await settle()
    }
    expect(Buffer.concat(other.sent).toString('latin1').split('HTTP/1.1 200 OK').length - 1).toBe(12)

    stalled.release()
    await settle()
    const received = Buffer.concat(stalled.sent).toString('latin1')
    const responses = received.split('HTTP/1.1 200 OK\r\n').slice(1)
    expect(responses).toHaveLength(4)
    for (const response of responses) expect(response.slice(response.indexOf('\r\n\r\n') + 4)).toBe('a'.repeat(1500))
    stalled.destroy()
    other.destroy()
    await app.close(100)
  })
})
