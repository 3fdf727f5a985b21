import { afterEach, describe, expect, it } from 'vitest'
import { RawClient, rawRequest } from '../helpers/raw-client.js'
import { closeAll, serve } from '../helpers/serve.js'

afterEach(closeAll)

const ok = (ctx: { res: { body: unknown } }): void => {
  ctx.res.body = 'ok'
}

describe('limits', () => {
  it('a request-line over 8 KiB → 414 as soon as the limit is passed, before any CRLF', async () => {
    const { port } = await serve(ok)
    const c = await RawClient.connect(port)
    c.write(`GET /${'a'.repeat(9000)}`)
    const r = await c.readResponse({ timeoutMs: 2000 })
    expect(r.status).toBe(414)
    expect(r.headers.get('connection')).toEqual(['close'])
    c.close()
  })

  it('a header section over 16 KiB → 431 before the end of the head arrives', async () => {
    const { port } = await serve(ok)
    const c = await RawClient.connect(port)
    c.write(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(17000)}`)
    expect((await c.readResponse({ timeoutMs: 2000 })).status).toBe(431)
    c.close()
  })

  it('more than 100 header fields → 431', async () => {
    const { port } = await serve(ok)
    let head = 'GET / HTTP/1.1\r\nHost: x\r\n'
    for (let i = 0; i < 101; i++) head += `X-${i}: v\r\n`
    expect((await rawRequest(port, `${head}\r\n`)).status).toBe(431)
  })

  it('limits are configurable', async () => {
    const { port } = await serve(ok, { maxRequestLineSize: 64, maxHeaderSize: 128, maxHeaderCount: 3 })
    expect((await rawRequest(port, `GET /${'a'.repeat(80)} HTTP/1.1\r\nHost: x\r\n\r\n`)).status).toBe(414)
    expect((await rawRequest(port, `GET / HTTP/1.1\r\nHost: x\r\nA: ${'a'.repeat(150)}\r\n\r\n`)).status).toBe(431)
    expect((await rawRequest(port, 'GET / HTTP/1.1\r\nHost: x\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n')).status).toBe(431)
    expect((await rawRequest(port, 'GET / HTTP/1.1\r\nHost: x\r\nA: 1\r\n\r\n')).status).toBe(200)
  })

  it('body() over its limit → 413 and the connection closes', async () => {
    const { port } = await serve(async ctx => {
      ctx.res.body = String((await ctx.req.body(10)).length)
    })
    const c = await RawClient.connect(port)
    c.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 20\r\n\r\n01234567890123456789')
    const r = await c.readResponse()
    expect(r.status).toBe(413)
    c.close()
    const chunked = await RawClient.connect(port)
    chunked.write('POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n01234567\r\n8\r\n01234567\r\n')
    const r2 = await chunked.readResponse()
    expect(r2.status).toBe(413)
    expect(r2.headers.get('connection')).toEqual(['close'])
    expect(await chunked.waitForEnd(4000)).toBe(true)
  })

  it('parse errors map to their status and a minimal response', async () => {
    const { port } = await serve(ok)
    const cases: Array<[string, number]> = [
      ['GET / HTTP/1.1\r\n\r\n', 400],
      ['GET / HTTP/2.0\r\nHost: x\r\n\r\n', 505],
      ['GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n', 501],
      ['GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1, 2\r\n\r\n', 400],
      ['GET / HTTP/1.1\r\nHost : x\r\n\r\n', 400],
    ]
    for (const [raw, status] of cases) {
      const c = await RawClient.connect(port)
      c.write(raw)
      const text = (await c.readAll(3000)).toString('latin1')
      expect(text).toMatch(new RegExp(`^HTTP/1\\.1 ${status} [^\\r]*\\r\\nDate: [^\\r]+\\r\\nContent-Length: 0\\r\\nConnection: close\\r\\n\\r\\n$`))
    }
  })
})
