import type { Duplex } from 'node:stream'
import type { Context, UpgradeHandler } from 'tinyhttp-core'
import { afterEach, describe, expect, it } from 'vitest'
import { RawClient } from '../helpers/raw-client.js'
import { closeAll, serve, sleep } from '../helpers/serve.js'

afterEach(closeAll)

const DATE = '[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT'
/** The whole 101 head, byte for byte (only the Date value varies). */
const SWITCHING = new RegExp(`^HTTP/1\\.1 101 Switching Protocols\\r\\nUpgrade: echo\\r\\nConnection: upgrade\\r\\nDate: ${DATE}\\r\\n\\r\\n`)

/** What the test's upgrade handler saw. */
interface Upgraded {
  heads: Buffer[]
  sockets: Duplex[]
}

/**
 * A tiny line protocol: every line the client sends comes back as `echo: <line>\n`; the bytes the core
 * had already read past the request head are the start of the stream.
 */
function lineEcho(seen: Upgraded): UpgradeHandler {
  return (socket, head) => {
    seen.heads.push(Buffer.from(head))
    seen.sockets.push(socket)
    let pending = ''
    const onBytes = (bytes: Buffer): void => {
      pending += bytes.toString('latin1')
      for (let at = pending.indexOf('\n'); at >= 0; at = pending.indexOf('\n')) {
        socket.write(`echo: ${pending.slice(0, at)}\n`)
        pending = pending.slice(at + 1)
      }
    }
    onBytes(head)
    socket.on('data', onBytes)
    socket.on('end', () => socket.end())
    socket.resume()
  }
}

/** Upgrades requests that offer `Upgrade: echo` (or always, with `force`); answers others with text. */
function echoApp(seen: Upgraded, force = false) {
  return (ctx: Context): void => {
    if (force || ctx.req.headers.get('upgrade')?.toLowerCase() === 'echo') ctx.res.upgrade('echo', lineEcho(seen))
    else ctx.res.body = 'plain'
  }
}

const UPGRADE = 'GET /chat HTTP/1.1\r\nHost: x\r\nUpgrade: echo\r\nConnection: upgrade\r\n\r\n'

/** Reads until `text` has arrived (or the client ends / 5 s pass) and returns everything buffered, as latin1. */
async function until(c: RawClient, text: string): Promise<string> {
  for (let i = 0; i < 50 && !c.pending.toString('latin1').includes(text) && !c.ended; i++) await c.waitForBytes(c.pending.length + 1, 100)
  return c.pending.toString('latin1')
}

describe('protocol upgrade (RFC 9110 §7.8): ctx.res.upgrade()', () => {
  it('writes exactly the 101 head, then hands over the socket with the bytes sent in the same packet as the request head', async () => {
    const seen: Upgraded = { heads: [], sockets: [] }
    const { port } = await serve(echoApp(seen))
    const c = await RawClient.connect(port)
    c.write(`${UPGRADE}first\nsec`)
    const got = await until(c, 'echo: first\n')
    expect(got).toMatch(SWITCHING)
    expect(got.replace(SWITCHING, '')).toBe('echo: first\n')
    expect(seen.heads.map(h => h.toString('latin1'))).toEqual(['first\nsec'])
    c.write('ond\nthird\n')
    expect(await until(c, 'echo: third\n')).toMatch(/echo: first\necho: second\necho: third\n$/)
    c.close()
  })

  it('the handler gets an empty head when nothing followed the request head; the echo works', async () => {
    const seen: Upgraded = { heads: [], sockets: [] }
    const { port } = await serve(echoApp(seen))
    const c = await RawClient.connect(port)
    c.write(UPGRADE)
    expect(await until(c, '\r\n\r\n')).toMatch(SWITCHING)
    expect(seen.heads).toEqual([Buffer.alloc(0)])
    c.write('hello\n')
    expect((await until(c, 'echo: hello\n')).replace(SWITCHING, '')).toBe('echo: hello\n')
    c.close()
  })

  it('is no longer an HTTP connection: not counted, not cut by the keep-alive or headers timeouts', async () => {
    const seen: Upgraded = { heads: [], sockets: [] }
    const { app, port } = await serve(echoApp(seen), { keepAliveTimeout: 50, headersTimeout: 50 })
    const c = await RawClient.connect(port)
    expect(app.connectionCount).toBe(1)
    c.write(UPGRADE)
    expect(await until(c, '\r\n\r\n')).toMatch(SWITCHING)
    expect(app.connectionCount).toBe(0)
    // Several times the keep-alive and headers timeouts (the deadline scan runs every 12 ms here).
    await sleep(400)
    expect(c.ended).toBe(false)
    c.write('still here\n')
    expect(await until(c, 'echo: still here\n')).toContain('echo: still here\n')
    expect(c.ended).toBe(false)
    c.close()
  })

  it('app.close() ends an upgraded socket and does not wait for it', async () => {
    const seen: Upgraded = { heads: [], sockets: [] }
    const { app, port } = await serve(echoApp(seen))
    const c = await RawClient.connect(port)
    c.write(UPGRADE)
    expect(await until(c, '\r\n\r\n')).toMatch(SWITCHING)
    // A grace period far longer than the test's timeout: close() must resolve without waiting for it.
    await app.close(60_000)
    expect(await c.waitForEnd(2000)).toBe(true)
  })

  it('a request that offers an upgrade the app declines is answered as usual, and the requests pipelined behind it too', async () => {
    const seen: Upgraded = { heads: [], sockets: [] }
    const { port } = await serve(echoApp(seen))
    const c = await RawClient.connect(port)
    c.write('GET /a HTTP/1.1\r\nHost: x\r\nUpgrade: h2c\r\nConnection: upgrade\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n')
    const first = await c.readResponse()
    const second = await c.readResponse()
    expect([first.status, first.body.toString()]).toEqual([200, 'plain'])
    expect([second.status, second.body.toString()]).toEqual([200, 'plain'])
    expect(c.ended).toBe(false)
    expect(seen.heads).toEqual([])
    c.close()
  })

  it.each([
    ['without an Upgrade field', 'GET /chat HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['over HTTP/1.0', 'GET /chat HTTP/1.0\r\nUpgrade: echo\r\nConnection: upgrade\r\n\r\n'],
    ['with a request body', 'POST /chat HTTP/1.1\r\nHost: x\r\nUpgrade: echo\r\nConnection: upgrade\r\nContent-Length: 5\r\n\r\nhello'],
  ])('is refused %s: 400 with Connection: close, the handler never runs', async (_name, request) => {
    const seen: Upgraded = { heads: [], sockets: [] }
    const { port } = await serve(echoApp(seen, true))
    const c = await RawClient.connect(port)
    c.write(request)
    const res = await c.readResponse()
    expect(res.status).toBe(400)
    expect(res.headers.get('connection')).toEqual(['close'])
    expect(res.headers.has('upgrade')).toBe(false)
    expect(await c.waitForEnd(2000)).toBe(true)
    expect(seen.sockets).toEqual([])
  })

  it('a refused upgrade is what the response says when it ends (status and reason, as an access log reads them), not 101', async () => {
    const seen: Upgraded = { heads: [], sockets: [] }
    const ended: Array<[number, string | undefined, boolean]> = []
    const log = async (ctx: Context, next: () => Promise<void>): Promise<void> => {
      ctx.res.onEnd((_bytes, aborted) => ended.push([ctx.res.status, ctx.res.reason, aborted]))
      await next()
    }
    const { port } = await serve([log, echoApp(seen, true)])
    const c = await RawClient.connect(port)
    c.write('GET /chat HTTP/1.0\r\nUpgrade: echo\r\nConnection: upgrade\r\n\r\n')
    const res = await c.readResponse()
    expect(await c.waitForEnd(2000)).toBe(true)
    expect(res.status).toBe(400)
    expect(ended).toEqual([[400, 'reject:upgrade-http-1.0', false]])
    expect(seen.sockets).toEqual([])
  })

  it('an upgrade while the App is closing gets 503 with Connection: close', async () => {
    const seen: Upgraded = { heads: [], sockets: [] }
    let release: () => void = () => {}
    const gate = new Promise<void>(resolve => (release = resolve))
    const served = await serve([
      async (_ctx: Context, next: () => Promise<void>) => {
        await gate
        await next()
      },
      echoApp(seen, true),
    ])
    const c = await RawClient.connect(served.port)
    c.write(UPGRADE)
    await sleep(50) // the request is in the chain, waiting at the gate
    const closed = served.app.close(2000)
    release()
    const res = await c.readResponse()
    expect(res.status).toBe(503)
    expect(res.headers.get('connection')).toEqual(['close'])
    expect(seen.sockets).toEqual([])
    await closed
  })

  it('rejects an invalid protocol token with a TypeError (a 500 for the client)', async () => {
    let thrown: unknown
    const { port } = await serve((ctx: Context) => {
      try {
        ctx.res.upgrade('not a token', () => {})
      } catch (err) {
        thrown = err
        throw err
      }
    })
    const c = await RawClient.connect(port)
    c.write(UPGRADE)
    expect((await c.readResponse()).status).toBe(500)
    expect(thrown).toBeInstanceOf(TypeError)
    c.close()
  })

  it('onAppClose: app.close() calls the shutdown the handler registered instead of end() and waits for the socket to close', async () => {
    const events: string[] = []
    const { app, port } = await serve((ctx: Context) => {
      ctx.res.upgrade('echo', (socket, _head, lifecycle) => {
        lifecycle.onAppClose(() => {
          events.push('shutdown')
          socket.write('goodbye\n')
          // The protocol's own closing handshake: the peer answers, then the socket ends.
          socket.once('data', () => {
            events.push('peer answered')
            socket.end()
          })
        })
        socket.on('close', () => events.push('closed'))
        socket.resume()
      })
    })
    const c = await RawClient.connect(port)
    c.write(UPGRADE)
    expect(await until(c, '\r\n\r\n')).toMatch(SWITCHING)
    const closing = app.close(10_000)
    expect(await until(c, 'goodbye\n')).toContain('goodbye\n')
    expect(events).toEqual(['shutdown'])
    c.write('bye\n')
    await closing
    // close() resolved only after the socket closed.
    expect(events).toEqual(['shutdown', 'peer answered', 'closed'])
  })

  it('onAppClose: a socket still open when the grace period ends is destroyed, and close() resolves', async () => {
    let shutdowns = 0
    const { app, port } = await serve((ctx: Context) => {
      ctx.res.upgrade('echo', (socket, _head, lifecycle) => {
        lifecycle.onAppClose(() => shutdowns++) // never ends the socket itself
        socket.resume()
      })
    })
    const c = await RawClient.connect(port)
    c.write(UPGRADE)
    expect(await until(c, '\r\n\r\n')).toMatch(SWITCHING)
    const started = Date.now()
    await app.close(200)
    expect(Date.now() - started).toBeGreaterThanOrEqual(150)
    expect(shutdowns).toBe(1)
    expect(await c.waitForEnd(2000)).toBe(true)
  })
})
