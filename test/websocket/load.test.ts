import { rmSync } from 'node:fs'
import { Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { App } from 'tinyhttp-core'
import { afterEach, describe, expect, it } from 'vitest'
import { encodeFrame, OPCODE, websocket, WebSocket } from 'tinyhttp-websocket'
import { closeAll, serve, sleep } from '../helpers/serve.js'
import { closed, openClient } from './helpers.js'
import { RawWs } from './raw-ws.js'

const unixServers: Server[] = []
afterEach(async () => {
  for (const server of unixServers.splice(0)) server.close()
  await closeAll()
})

/** Runs `task` over `items` with at most `limit` at a time. */
async function inBatches<T, R>(items: T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = []
  for (let i = 0; i < items.length; i += limit) out.push(...(await Promise.all(items.slice(i, i + limit).map(task))))
  return out
}

describe('many connections', () => {
  it('1 000 concurrent connections each echo 5 messages, every byte back in order', { timeout: 120_000 }, async () => {
    const closes: number[] = []
    const mw = websocket({ path: '/echo' }, ws => {
      ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }))
      ws.on('close', code => closes.push(code))
    })
    const { port } = await serve(mw)
    const clients = await inBatches(Array.from({ length: 1000 }, (_, i) => i), 200, () => openClient(port))
    expect(mw.clients.size).toBe(1000)
    const results = await Promise.all(
      clients.map(
        (client, n) =>
          new Promise<string[]>(resolve => {
            const got: string[] = []
            client.on('message', data => got.push(data.toString()) === 5 && resolve(got))
            for (let i = 0; i < 5; i++) client.send(`client ${n} message ${i}`)
          }),
      ),
    )
    results.forEach((got, n) => expect(got).toEqual(Array.from({ length: 5 }, (_, i) => `client ${n} message ${i}`)))
    await Promise.all(clients.map(c => (c.close(1000), closed(c))))
    await expect.poll(() => closes.length, { timeout: 10_000 }).toBe(1000)
    expect(closes.every(c => c === 1000)).toBe(true)
    expect(mw.clients.size).toBe(0)
  })

  /**
   * Peers that never read, and an application that sends to them without looking at `send`'s result.
   * Returns the largest `bufferedAmount` seen right after a `send`, and how much the RSS grew.
   */
  async function stalledPeers(count: number, connectTo: (app: App, port: number) => Promise<number | string>, message: number) {
    const closes: number[] = []
    const maxBufferedAmount = 128 * 1024
    const mw = websocket({ path: '/echo', maxBufferedAmount, closeTimeout: 200 }, ws => {
      ws.on('close', code => closes.push(code))
    })
    const { app, port } = await serve(mw)
    const address = await connectTo(app, port)
    const peers = await inBatches(Array.from({ length: count }, (_, i) => i), 100, async () => {
      const ws = await RawWs.upgrade(address)
      ws.socket.pause() // never reads again
      return ws
    })
    expect(mw.clients.size).toBe(count)
    const before = process.memoryUsage().rss
    let peak = before
    let peakBuffered = 0
    for (let round = 0; round < 10_000 && mw.clients.size > 0; round++) {
      for (const ws of mw.clients) {
        if (ws.readyState !== WebSocket.OPEN) continue
        ws.send(Buffer.alloc(message, round & 0xff)) // a new buffer every time: nothing shared
        peakBuffered = Math.max(peakBuffered, ws.bufferedAmount)
      }
      peak = Math.max(peak, process.memoryUsage().rss)
      await sleep(1)
    }
    await expect.poll(() => closes.length, { timeout: 20_000 }).toBe(count)
    for (const peer of peers) peer.close()
    return { closes, clients: mw.clients.size, peakBuffered, grownMiB: (peak - before) / 1024 / 1024, maxBufferedAmount }
  }

  it('1 000 connections that stop reading while the server keeps sending: each is closed (1008), memory stays bounded', { timeout: 120_000 }, async () => {
    // Over a Unix socket: on loopback TCP the kernel autotunes each socket's send buffer up to tcp_wmem's
    // 4 MiB, so 1 000 stalled peers would park ~4 GiB in the kernel before the server's own buffer starts
    // to fill (and take a minute on a shared machine). A Unix socket's kernel share is ~200 KiB, so the
    // server's bound is what gets exercised. The TCP test below shows the same on fewer peers.
    const path = join(tmpdir(), `tinyhttp-ws-stalled-${process.pid}.sock`)
    rmSync(path, { force: true })
    const result = await stalledPeers(1000, async app => {
      const server = new Server({ allowHalfOpen: true })
      app.attach(server)
      await new Promise<void>(resolve => server.listen(path, resolve))
      unixServers.push(server)
      return path
    }, 64 * 1024)
    expect(result.closes.every(c => c === 1008)).toBe(true)
    expect(result.clients).toBe(0)
    // A socket never holds more than the limit plus the one message that crossed it (and its 10-byte header).
    expect(result.peakBuffered).toBeLessThanOrEqual(result.maxBufferedAmount + 64 * 1024 + 10)
    // 1 000 × (128 + 64) KiB ≈ 188 MiB at most in the server's buffers, plus garbage not yet collected.
    expect(result.grownMiB).toBeLessThan(450)
  })

  it('the same over loopback TCP, 20 stalled peers', { timeout: 120_000 }, async () => {
    const result = await stalledPeers(20, async (_app, port) => port, 64 * 1024)
    expect(result.closes.every(c => c === 1008)).toBe(true)
    expect(result.clients).toBe(0)
    expect(result.peakBuffered).toBeLessThanOrEqual(result.maxBufferedAmount + 64 * 1024 + 10)
  })
})

describe('resets', () => {
  it('connections reset in the middle of a frame (header, payload, mask) leave nothing behind and crash nothing', { timeout: 60_000 }, async () => {
    const closes: number[] = []
    const messages: number[] = []
    const mw = websocket({ path: '/echo' }, ws => {
      ws.on('message', data => messages.push(data.length))
      ws.on('close', code => closes.push(code))
    })
    const { app, port } = await serve(mw)
    const frame = encodeFrame(OPCODE.BINARY, Buffer.alloc(70_000, 7), { mask: true })
    const cuts = [1, 2, 5, 9, 13, 14, 100, 40_000, frame.length - 1]
    const peers = await Promise.all(cuts.map(() => RawWs.upgrade(port)))
    await expect.poll(() => mw.clients.size).toBe(cuts.length)
    cuts.forEach((cut, i) => peers[i]!.write(frame.subarray(0, cut)))
    await sleep(50)
    for (const peer of peers) peer.socket.resetAndDestroy()
    await expect.poll(() => closes.length, { timeout: 5000 }).toBe(cuts.length)
    expect(closes.every(c => c === 1006)).toBe(true)
    expect(messages).toEqual([])
    expect(mw.clients.size).toBe(0)
    // Nothing is left open: close() has nothing to wait for.
    const started = Date.now()
    await app.close(10_000)
    expect(Date.now() - started).toBeLessThan(2000)
  })

  it('a reset while the server is writing a large message is no crash; other connections go on', { timeout: 60_000 }, async () => {
    const closes: number[] = []
    const mw = websocket({ path: '/echo', maxPayload: 8 * 1024 * 1024, maxBufferedAmount: 64 * 1024 * 1024 }, ws => {
      ws.on('message', (data, isBinary) => {
        for (let i = 0; i < 4; i++) ws.send(data, { binary: isBinary })
      })
      ws.on('close', code => closes.push(code))
    })
    const { port } = await serve(mw)
    const victim = await RawWs.upgrade(port)
    victim.send(OPCODE.BINARY, Buffer.alloc(4 * 1024 * 1024))
    await victim.frame(5000) // the first echo has arrived; three more are being written
    victim.socket.resetAndDestroy()
    const other = await openClient(port)
    other.send('still fine')
    const [data] = await new Promise<[Buffer]>(resolve => other.once('message', (d: Buffer) => resolve([d])))
    expect(data.toString()).toBe('still fine')
    other.close()
    await expect.poll(() => closes.length, { timeout: 5000 }).toBe(2)
    expect(closes[0]).toBe(1006)
  })
})
