// Streams over a real socket: coded as they flow (chunked, no Content-Length), decoded with node:zlib
// back to the source's bytes; a sized stream loses its length; a source that fails cuts the connection
// rather than ending a broken coded body as if it were complete.
import { connect } from 'node:net'
import { Readable } from 'node:stream'
import { createApp, SizedStream, type Context } from 'tinyhttp-core'
import { afterEach, describe, expect, it } from 'vitest'
import { compress } from '../src/index.js'
import { decode, fetchRaw, listen, pageText, type Listening } from './wire.js'

let server: Listening | undefined
afterEach(async () => {
  await server?.close()
  server = undefined
})

/** 40 chunks of page text, each different. */
function chunks(): Buffer[] {
  return Array.from({ length: 40 }, (_, i) => Buffer.from(pageText(3000 + i * 17).replace('<title>t</title>', `<title>${i}</title>`)))
}

describe('a stream body', () => {
  it.each(['br', 'gzip'])('is coded with %s as it flows: chunked, no Content-Length, decodes to the source bytes', async coding => {
    const parts = chunks()
    server = await listen([
      compress(),
      (ctx: Context) => {
        ctx.res.headers.set('Content-Type', 'text/html; charset=utf-8')
        ctx.res.headers.set('ETag', '"stream"')
        ctx.res.body = Readable.from(parts)
      },
    ])
    const res = await fetchRaw(server.port, '/', { 'accept-encoding': coding })
    expect(res.status).toBe(200)
    expect(res.headers['content-encoding']).toBe(coding)
    expect(res.headers['transfer-encoding']).toBe('chunked')
    expect(res.headers['content-length']).toBeUndefined()
    expect(res.headers.vary).toBe('Accept-Encoding')
    expect(res.headers.etag).toBe('W/"stream"')
    expect(decode(res.body, coding).equals(Buffer.concat(parts))).toBe(true)
  })

  it('a sized stream is coded and sent without its (identity) length', async () => {
    const body = Buffer.from(pageText(50_000))
    server = await listen([
      compress(),
      (ctx: Context) => {
        ctx.res.headers.set('Content-Type', 'application/javascript')
        ctx.res.body = new SizedStream(Readable.from([body.subarray(0, 20_000), body.subarray(20_000)]), body.length)
      },
    ])
    const res = await fetchRaw(server.port, '/', { 'accept-encoding': 'gzip' })
    expect(res.headers['content-encoding']).toBe('gzip')
    expect(res.headers['content-length']).toBeUndefined()
    expect(decode(res.body, 'gzip').equals(body)).toBe(true)
  })

  it('without an acceptable coding the stream goes out as it is, with Vary', async () => {
    const parts = chunks()
    server = await listen([
      compress(),
      (ctx: Context) => {
        ctx.res.headers.set('Content-Type', 'text/html; charset=utf-8')
        ctx.res.body = Readable.from(parts)
      },
    ])
    const res = await fetchRaw(server.port, '/', { 'accept-encoding': 'identity' })
    expect(res.headers['content-encoding']).toBeUndefined()
    expect(res.headers.vary).toBe('Accept-Encoding')
    expect(res.body.equals(Buffer.concat(parts))).toBe(true)
  })

  it('a coded stream, then a coded body in memory, then identity, on one kept-alive connection (pipelined)', async () => {
    const parts = chunks()
    const page = pageText(5000)
    const app = createApp()
    app.use(compress())
    app.use(ctx => {
      ctx.res.headers.set('Content-Type', 'text/html; charset=utf-8')
      ctx.res.body = ctx.req.path === '/stream' ? Readable.from(parts) : page
    })
    const request = (path: string, accept: string) => `GET ${path} HTTP/1.1\r\nHost: x\r\nAccept-Encoding: ${accept}\r\n\r\n`
    const res = await app.inject(request('/stream', 'br') + request('/page', 'gzip') + request('/page', 'identity'))
    expect(res.closed).toBe(false)
    const [first, second, third] = res.responses
    expect(first?.headers.get('content-encoding')).toBe('br')
    expect(decode(first!.body, 'br').equals(Buffer.concat(parts))).toBe(true)
    expect(second?.headers.get('content-encoding')).toBe('gzip')
    expect(decode(second!.body, 'gzip').toString()).toBe(page)
    expect(third?.headers.has('content-encoding')).toBe(false)
    expect(third?.body.toString()).toBe(page)
  })

  it('a source that fails mid-way cuts the connection: no terminating chunk, so the client knows the body is broken', async () => {
    let sent = 0
    server = await listen([
      compress(),
      (ctx: Context) => {
        ctx.res.headers.set('Content-Type', 'text/plain')
        ctx.res.body = new Readable({
          read() {
            sent++
            if (sent > 5) this.destroy(new Error('disk on fire'))
            else this.push(pageText(20_000))
          },
        })
      },
    ])
    // A raw client: read until the server closes, then look at the framing.
    const raw = await new Promise<Buffer>((resolve, reject) => {
      const socket = connect(server!.port, '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n'))
      const got: Buffer[] = []
      socket.on('data', d => got.push(d))
      socket.on('close', () => resolve(Buffer.concat(got)))
      socket.on('error', reject)
      socket.setTimeout(10_000, () => socket.destroy(new Error('no close in 10 s')))
    })
    const text = raw.toString('latin1')
    expect(text).toMatch(/^HTTP\/1\.1 200 /)
    expect(text).toMatch(/\r\ncontent-encoding: gzip\r\n/i)
    expect(text.endsWith('\r\n0\r\n\r\n')).toBe(false)
  })
})
