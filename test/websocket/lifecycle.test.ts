import { once } from 'node:events'
import { afterEach, describe, expect, it } from 'vitest'
import { broadcast, OPCODE, websocket, WebSocket, type WebSocketOptions } from 'tinyhttp-websocket'
import { closeAll, serve, sleep } from '../helpers/serve.js'
import { closed, nextMessage, openClient } from './helpers.js'
import { RawWs } from './raw-ws.js'

afterEach(closeAll)

/** A server that keeps its WebSockets in `sockets` and records close events. */
async function tracked(options: Partial<WebSocketOptions> = {}, onOpen: (ws: WebSocket) => void = () => {}) {
  const sockets: WebSocket[] = []
  const closes: number[] = []
  const mw = websocket({ path: '/echo', ...options }, ws => {
    sockets.push(ws)
    ws.on('close', code => closes.push(code))
    onOpen(ws)
  })
  const served = await serve(mw)
  return { ...served, mw, sockets, closes }
}

describe('app.close() and WebSockets', () => {
  it('sends 1001 to every WebSocket and resolves once the closing handshakes are done', async () => {
    const { app, port, closes } = await tracked()
    const clients = await Promise.all([openClient(port), openClient(port), openClient(port)])
    const results = clients.map(c => closed(c))
    await app.close(10_000)
    // close() resolved: every server-side socket already saw its close event.
    expect(closes).toEqual([1001, 1001, 1001])
    expect(await Promise.all(results)).toEqual([
      { code: 1001, reason: '' },
      { code: 1001, reason: '' },
      { code: 1001, reason: '' },
    ])
  })

  it('a peer that never answers the close frame is destroyed when the grace period ends', async () => {
    const { app, port, closes } = await tracked({ closeTimeout: 60_000 })
    const ws = await RawWs.upgrade(port)
    await expect.poll(() => closes.length === 0 && ws.ended === false).toBe(true)
    const started = Date.now()
    await app.close(300)
    expect(Date.now() - started).toBeGreaterThanOrEqual(250)
    expect((await ws.closeFrame())?.code).toBe(1001)
    expect(await ws.waitForEnd(2000)).toBe(true)
    expect(closes).toEqual([1006])
  })

  it('a new handshake while closing is refused with 503', async () => {
    const { app, port } = await tracked()
    const c = await openClient(port)
    const closing = app.close(2000)
    // The listener is closed: a new connection is refused outright, which is the point.
    await expect(openClient(port)).rejects.toThrow()
    await closing
    expect(c.readyState).toBe(3)
  })
})

describe('clients, broadcast', () => {
  it('clients holds the open sockets and forgets closed ones', async () => {
    const { mw, port } = await tracked()
    const a = await openClient(port)
    const b = await openClient(port)
    await expect.poll(() => mw.clients.size).toBe(2)
    a.close()
    await closed(a)
    await expect.poll(() => mw.clients.size).toBe(1)
    b.terminate()
    await expect.poll(() => mw.clients.size).toBe(0)
  })

  it('broadcast sends one frame to every open client, text and binary', async () => {
    const { mw, port } = await tracked()
    const clients = await Promise.all(Array.from({ length: 5 }, () => openClient(port)))
    await expect.poll(() => mw.clients.size).toBe(5)
    const texts = clients.map(c => nextMessage(c))
    expect(broadcast(mw.clients, 'hello all €')).toBe(5)
    for (const got of await Promise.all(texts)) expect([got.data.toString(), got.isBinary]).toEqual(['hello all €', false])
    const bins = clients.map(c => nextMessage(c))
    expect(broadcast(mw.clients, new Uint8Array([1, 2, 3]))).toBe(5)
    for (const got of await Promise.all(bins)) expect([[...got.data], got.isBinary]).toEqual([[1, 2, 3], true])
    for (const c of clients) c.terminate()
  })

  it('broadcast skips sockets that are closing', async () => {
    const { mw, port, sockets } = await tracked()
    const a = await openClient(port)
    const b = await openClient(port)
    await expect.poll(() => sockets.length).toBe(2)
    sockets[0]!.close(1000)
    expect(broadcast(mw.clients, 'x')).toBe(1)
    a.terminate()
    b.terminate()
  })
})

describe('heartbeat', () => {
  it('pings every interval; a client that answers stays connected', async () => {
    const { port, closes } = await tracked({ heartbeat: 50 })
    const client = await openClient(port)
    let pings = 0
    client.on('ping', () => pings++)
    await expect.poll(() => pings, { timeout: 3000 }).toBeGreaterThanOrEqual(3)
    expect(closes).toEqual([])
    client.terminate()
  })

  it('terminates a peer that does not pong', async () => {
    const { port, closes } = await tracked({ heartbeat: 50 })
    const ws = await RawWs.upgrade(port)
    // A raw client never answers pings.
    const ping = await ws.frame()
    expect(ping?.opcode).toBe(OPCODE.PING)
    expect(await ws.waitForEnd(3000)).toBe(true)
    await expect.poll(() => closes).toEqual([1006])
  })
})

describe('async iteration', () => {
  it('for await yields every message in order and ends when the connection closes', async () => {
    const seen: string[] = []
    let ended = false
    const { port } = await tracked({}, ws => {
      void (async () => {
        for await (const { data, isBinary } of ws) seen.push(`${isBinary ? 'b' : 't'}:${data.toString()}`)
        ended = true
      })()
    })
    const client = await openClient(port)
    for (let i = 0; i < 50; i++) client.send(i % 2 === 0 ? `m${i}` : Buffer.from(`m${i}`))
    await expect.poll(() => seen.length).toBe(50)
    expect(seen).toEqual(Array.from({ length: 50 }, (_, i) => `${i % 2 === 0 ? 't' : 'b'}:m${i}`))
    client.close()
    await expect.poll(() => ended).toBe(true)
  })

  it('a slow loop body stops the socket reading (back-pressure), and nothing is lost', async () => {
    const seen: number[] = []
    const { port } = await tracked({}, ws => {
      void (async () => {
        for await (const { data } of ws) {
          seen.push(Number(data.toString()))
          await sleep(2)
        }
      })()
    })
    const client = await openClient(port)
    for (let i = 0; i < 100; i++) client.send(String(i))
    await expect.poll(() => seen.length, { timeout: 5000 }).toBe(100)
    expect(seen).toEqual(Array.from({ length: 100 }, (_, i) => i))
    client.terminate()
  })
})

describe('send, bufferedAmount, drain, maxBufferedAmount', () => {
  it('send returns true while the socket takes the bytes, false once it buffers; drain follows', async () => {
    let server: WebSocket | null = null
    const { port } = await tracked({}, ws => (server = ws))
    const client = await openClient(port)
    await expect.poll(() => server).not.toBeNull()
    const ws = server as unknown as WebSocket
    expect(ws.send('small')).toBe(true)
    expect(ws.bufferedAmount).toBe(0)
    client.pause()
    let taken = true
    for (let i = 0; i < 200 && taken; i++) taken = ws.send(Buffer.alloc(64 * 1024))
    expect(taken).toBe(false)
    expect(ws.bufferedAmount).toBeGreaterThan(0)
    const drained = once(ws, 'drain')
    client.resume()
    await drained
    expect(ws.bufferedAmount).toBe(0)
    client.terminate()
  })

  it('a send while more than maxBufferedAmount waits closes with 1008, and the peer is cut after closeTimeout', async () => {
    let server: WebSocket | null = null
    const { port, closes } = await tracked({ maxBufferedAmount: 256 * 1024, closeTimeout: 200 }, ws => (server = ws))
    const client = await openClient(port)
    await expect.poll(() => server).not.toBeNull()
    const ws = server as unknown as WebSocket
    client.pause()
    for (let i = 0; i < 200 && ws.readyState === WebSocket.OPEN; i++) ws.send(Buffer.alloc(64 * 1024))
    expect(ws.readyState).toBe(WebSocket.CLOSING)
    expect(ws.send('more')).toBe(false)
    await expect.poll(() => closes, { timeout: 3000 }).toEqual([1008])
    client.terminate()
  })

  it('send on a closed socket returns false and throws nothing', async () => {
    let server: WebSocket | null = null
    const { port, closes } = await tracked({}, ws => (server = ws))
    const client = await openClient(port)
    await expect.poll(() => server).not.toBeNull()
    client.terminate()
    await expect.poll(() => closes.length).toBe(1)
    const ws = server as unknown as WebSocket
    expect(ws.readyState).toBe(WebSocket.CLOSED)
    expect(ws.send('late')).toBe(false)
    expect(ws.ping()).toBe(false)
    expect(() => ws.close()).not.toThrow()
  })

  it('close() and ping() check their arguments', async () => {
    let server: WebSocket | null = null
    const { port } = await tracked({}, ws => (server = ws))
    const client = await openClient(port)
    await expect.poll(() => server).not.toBeNull()
    const ws = server as unknown as WebSocket
    expect(() => ws.close(1005)).toThrow(RangeError)
    expect(() => ws.close(1000, 'x'.repeat(124))).toThrow(RangeError)
    expect(() => ws.ping(Buffer.alloc(126))).toThrow(RangeError)
    client.terminate()
  })
})
