// app.wireStats: what the wire counts (connections, requests it answered itself) and
// app.activeConnections, checked against the bytes each raw connection got back.
import { afterEach, describe, expect, it } from 'vitest'
import { WIRE_REJECTION_STATUS } from 'tinyhttp-core'
import { RawClient, rawRequest } from '../helpers/raw-client.js'
import { closeAll, serve, sleep } from '../helpers/serve.js'

afterEach(closeAll)

const ok = (ctx: { res: { body: unknown } }): void => {
  ctx.res.body = 'ok'
}

describe('app.wireStats: rejections by code', () => {
  it.each([
    ['DUPLICATE_HOST', 'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n', 400],
    ['UNSUPPORTED_VERSION', 'GET / HTTP/2.0\r\nHost: a\r\n\r\n', 505],
    ['INVALID_METHOD', 'G(T / HTTP/1.1\r\nHost: a\r\n\r\n', 400],
    ['MISSING_HOST', 'GET / HTTP/1.1\r\n\r\n', 400],
    ['UNSUPPORTED_TRANSFER_ENCODING', 'POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n', 501],
    ['HEADERS_TOO_LARGE', `GET / HTTP/1.1\r\nHost: a\r\nX: ${'a'.repeat(20_000)}\r\n\r\n`, 431],
    ['REQUEST_LINE_TOO_LONG', `GET /${'a'.repeat(9000)} HTTP/1.1\r\nHost: a\r\n\r\n`, 414],
    ['EXPECTATION_FAILED', 'GET / HTTP/1.1\r\nHost: a\r\nExpect: teapot\r\n\r\n', 417],
  ] as const)('%s: counted once, and the client got its status', async (code, bytes, status) => {
    const { app, port } = await serve(ok)
    const res = await rawRequest(port, bytes)
    expect(res.status).toBe(status)
    expect(WIRE_REJECTION_STATUS[code]).toBe(status)
    expect(app.wireStats.rejections).toEqual({ [code]: 1 })
  })

  it('a slow head gets 408 and counts REQUEST_TIMEOUT', async () => {
    const { app, port } = await serve(ok, { headersTimeout: 150 })
    const client = await RawClient.connect(port)
    client.write('GET / HTTP/1.1\r\nHost: a\r\n')
    const res = await client.readResponse({ timeoutMs: 3000 })
    client.close()
    expect(res.status).toBe(408)
    expect(app.wireStats.rejections).toEqual({ REQUEST_TIMEOUT: 1 })
  })

  it('requests the chain answered (a 404, a thrown 400) are never counted here', async () => {
    const { app, port } = await serve(ctx => {
      if (ctx.req.rawPath === '/bad') ctx.throw(400)
    })
    expect((await rawRequest(port, 'GET /x HTTP/1.1\r\nHost: a\r\n\r\n')).status).toBe(404)
    expect((await rawRequest(port, 'GET /bad HTTP/1.1\r\nHost: a\r\n\r\n')).status).toBe(400)
    expect(app.wireStats.rejections).toEqual({})
  })
})

describe('app.wireStats: connections', () => {
  it('counts every connection opened and closed; open = opened − closed = connectionCount', async () => {
    const { app, port } = await serve(ok)
    const clients = await Promise.all([1, 2, 3].map(() => RawClient.connect(port)))
    for (const c of clients) c.write('GET / HTTP/1.1\r\nHost: a\r\n\r\n')
    for (const c of clients) expect((await c.readResponse()).status).toBe(200)
    expect(app.wireStats.connectionsOpened).toBe(3)
    expect(app.connectionCount).toBe(3)
    expect(app.wireStats.connectionsOpened - app.wireStats.connectionsClosed).toBe(3)
    for (const c of clients) c.close()
    for (let i = 0; i < 100 && app.connectionCount > 0; i++) await sleep(10)
    expect(app.connectionCount).toBe(0)
    expect(app.wireStats.connectionsClosed).toBe(3)
  })

  it('activeConnections counts connections with a request in progress, not idle keep-alive ones', async () => {
    let release!: () => void
    const gate = new Promise<void>(resolve => (release = resolve))
    const { app, port } = await serve(async ctx => {
      if (ctx.req.rawPath === '/slow') await gate
      ctx.res.body = 'ok'
    })
    const idle = await RawClient.connect(port)
    idle.write('GET /fast HTTP/1.1\r\nHost: a\r\n\r\n')
    expect((await idle.readResponse()).status).toBe(200)
    const busy = await RawClient.connect(port)
    busy.write('GET /slow HTTP/1.1\r\nHost: a\r\n\r\n')
    for (let i = 0; i < 100 && app.activeConnections === 0; i++) await sleep(10)
    expect(app.connectionCount).toBe(2)
    expect(app.activeConnections).toBe(1)
    release()
    expect((await busy.readResponse()).status).toBe(200)
    expect(app.activeConnections).toBe(0)
    idle.close()
    busy.close()
  })
})
