import { connect, type Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import type { App } from 'tinyhttp-core'
import { closeAll, serve, sleep } from '../helpers/serve.js'

// How the server ends a connection after its last answer (RFC 9112 §9.6). A client that said it sends
// nothing more gets the answer and the FIN at once, with no wait for its own FIN (as nginx closes when
// no lingering is called for); when the server decides to close, or bytes arrived behind the last
// request, it half-closes and keeps reading until the client closes, so that a client still sending is
// never answered with a reset that could destroy the response before it is read.

afterEach(closeAll)

/** A client that keeps its sending side open after the server's FIN, and records everything. */
interface HalfOpenClient {
  socket: Socket
  received: () => Buffer
  ended: Promise<void>
  errors: Error[]
}

function halfOpenClient(port: number): Promise<HalfOpenClient> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true })
    const chunks: Buffer[] = []
    const errors: Error[] = []
    const ended = new Promise<void>(done => socket.once('end', done))
    socket.on('data', chunk => chunks.push(chunk))
    socket.on('error', err => errors.push(err))
    socket.once('connect', () => resolve({ socket, received: () => Buffer.concat(chunks), ended, errors }))
    socket.once('error', reject)
  })
}

/** Resolves true as soon as the app has let go of `count` connections, false after `ms`. */
async function released(app: App, count: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    if (app.wireStats.connectionsClosed >= count) return true
    await sleep(5)
  }
  return app.wireStats.connectionsClosed >= count
}

/** Resolves when the end arrives, or rejects after `ms`. */
function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([promise, sleep(ms).then(() => Promise.reject(new Error(`nothing within ${ms} ms`)))])
}

/**
 * After the server's FIN, the client sends `more`: no reset comes back and the server keeps the connection
 * (it reads on); once the client closes too, the server lets the connection go.
 */
async function expectReadOnUntilClientCloses(app: App, c: HalfOpenClient, more: string): Promise<void> {
  c.socket.write(more)
  await sleep(100)
  expect(c.errors).toEqual([])
  expect(app.wireStats.connectionsClosed).toBe(0)
  c.socket.end()
  expect(await released(app, 1, 2000)).toBe(true)
  expect(c.errors).toEqual([])
}

const hello = (ctx: { res: { body: unknown } }): void => {
  ctx.res.body = 'hi'
}

// Long enough that a connection released within the test's 1 s can only have been closed by the server.
const LINGER = { lingerTimeout: 30_000, keepAliveTimeout: 30_000 }

describe('closing after the last answer (RFC 9112 §9.6)', () => {
  it('Connection: close: answer, then FIN at once; the server does not wait for the client to close', async () => {
    const { app, port } = await serve(hello, LINGER)
    const c = await halfOpenClient(port)
    c.socket.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
    await within(c.ended, 2000)
    expect(c.received().toString('latin1')).toMatch(/^HTTP\/1\.1 200 OK\r\n[^]*\r\nconnection: close\r\n[^]*hi$/i)
    expect(await released(app, 1, 1000)).toBe(true)
    expect(c.errors).toEqual([])
    c.socket.destroy()
  })

  it('HTTP/1.0 without keep-alive is closed the same way', async () => {
    const { app, port } = await serve(hello, LINGER)
    const c = await halfOpenClient(port)
    c.socket.write('GET / HTTP/1.0\r\n\r\n')
    await within(c.ended, 2000)
    expect(c.received().toString('latin1')).toMatch(/\r\n\r\nhi$/)
    expect(await released(app, 1, 1000)).toBe(true)
    c.socket.destroy()
  })

  it('a large answer to Connection: close arrives whole before the FIN, never cut by a reset', async () => {
    const big = Buffer.alloc(4 * 1024 * 1024, 'x')
    const { app, port } = await serve(ctx => {
      ctx.res.body = big
    }, LINGER)
    const c = await halfOpenClient(port)
    c.socket.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
    await within(c.ended, 10_000)
    const bytes = c.received()
    const split = bytes.indexOf('\r\n\r\n')
    expect(bytes.subarray(0, split).toString('latin1')).toMatch(/content-length: 4194304/i)
    expect(bytes.subarray(split + 4).equals(big)).toBe(true)
    expect(c.errors).toEqual([])
    c.socket.end()
    expect(await released(app, 1, 2000)).toBe(true)
  })

  it('closing by its own decision, the server half-closes and reads on until the client closes', async () => {
    const { app, port } = await serve(hello, { ...LINGER, maxRequestsPerSocket: 1 })
    const c = await halfOpenClient(port)
    c.socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n')
    await within(c.ended, 2000)
    expect(c.received().toString('latin1')).toMatch(/\r\nconnection: close\r\n[^]*hi$/i)
    // The client did not promise to stop: what it still sends is read and dropped, not answered with RST.
    await expectReadOnUntilClientCloses(app, c, 'GET /more HTTP/1.1\r\nHost: x\r\n\r\n')
  })

  it('bytes behind a Connection: close request: half-close and read on, the answer is not reset', async () => {
    const { app, port } = await serve(hello, LINGER)
    const c = await halfOpenClient(port)
    c.socket.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\nGET /ignored HTTP/1.1\r\nHost: x\r\n\r\n')
    await within(c.ended, 2000)
    const text = c.received().toString('latin1')
    expect(text.match(/HTTP\/1\.1 /g)).toHaveLength(1)
    expect(text).toMatch(/\r\n\r\nhi$/)
    await expectReadOnUntilClientCloses(app, c, 'more bytes')
  })
})
