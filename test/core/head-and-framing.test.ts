import { Readable } from 'node:stream'
import { SizedStream } from 'tinyhttp-core'
import { afterEach, describe, expect, it } from 'vitest'
import { RawClient, rawRequest } from '../helpers/raw-client.js'
import { closeAll, serve } from '../helpers/serve.js'

afterEach(closeAll)

describe('respond: framing and bodies (RFC 9110 §6.4.1, §8.6, §9.3.2; RFC 9112 §6)', () => {
  it('HEAD carries the Content-Length a GET would, and no body', async () => {
    const { port } = await serve(ctx => {
      ctx.res.body = 'x'.repeat(1234)
    })
    const c = await RawClient.connect(port)
    c.write('HEAD / HTTP/1.1\r\nHost: x\r\n\r\n')
    const r = await c.readResponse({ head: true })
    expect(r.headers.get('content-length')).toEqual(['1234'])
    await new Promise(res => setTimeout(res, 50))
    expect(c.pending.length).toBe(0)
    c.close()
  })

  it('204 and 304 carry neither Content-Length nor body', async () => {
    const { port } = await serve(ctx => {
      ctx.res.status = ctx.req.path === '/204' ? 204 : 304
      ctx.res.body = 'must not be sent'
    })
    for (const path of ['/204', '/304']) {
      const c = await RawClient.connect(port)
      c.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\nGET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`)
      const all = (await c.readAll()).toString('latin1')
      expect(all).not.toContain('must not')
      expect(all).not.toMatch(/content-length|transfer-encoding/i)
      expect(all.match(/HTTP\/1\.1 (204|304)/g)?.length).toBe(2)
    }
  })

  it('a stream of unknown length is chunked on HTTP/1.1', async () => {
    const { port } = await serve(ctx => {
      ctx.res.body = Readable.from([Buffer.from('hello '), Buffer.from('world')])
    })
    const r = await rawRequest(port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n')
    expect(r.headers.get('transfer-encoding')).toEqual(['chunked'])
    expect(r.headers.has('content-length')).toBe(false)
    expect(r.body.toString()).toBe('hello world')
  })

  it('a stream of unknown length is close-delimited on HTTP/1.0', async () => {
    const { port } = await serve(ctx => {
      ctx.res.body = Readable.from([Buffer.from('hello '), Buffer.from('world')])
    })
    const c = await RawClient.connect(port)
    c.write('GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n')
    const text = (await c.readAll()).toString('latin1')
    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
    expect(text).toMatch(/\r\nConnection: close\r\n/)
    expect(text).not.toMatch(/transfer-encoding|content-length/i)
    expect(text.endsWith('\r\n\r\nhello world')).toBe(true)
  })

  it('HEAD with a stream body sends no body and no chunked coding', async () => {
    const { port } = await serve(ctx => {
      ctx.res.body = Readable.from(['abc'])
    })
    const c = await RawClient.connect(port)
    c.write('HEAD / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n')
    const h = await c.readResponse({ head: true })
    expect(h.headers.has('transfer-encoding')).toBe(false)
    const g = await c.readResponse()
    expect(g.body.toString()).toBe('abc')
    c.close()
  })

  it('sends Date on every response and the status text of the code', async () => {
    const { port } = await serve(ctx => {
      ctx.res.status = 202
      ctx.res.body = ''
    })
    const r = await rawRequest(port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n')
    expect(r.statusLine).toBe('HTTP/1.1 202 Accepted')
    expect(r.headers.get('date')?.[0]).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/)
    expect(r.headers.get('content-length')).toEqual(['0'])
  })

  it('nothing set: 404 with a short text/plain body and nosniff', async () => {
    const { port } = await serve(() => {})
    const r = await rawRequest(port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n')
    expect(r.status).toBe(404)
    expect(r.headers.get('x-content-type-options')).toEqual(['nosniff'])
    expect(r.body.toString()).toBe('Not Found')
  })
})

describe('SizedStream bodies', () => {
  it('go out with Content-Length, not chunked', async () => {
    const { port } = await serve(ctx => {
      ctx.res.body = new SizedStream(Readable.from([Buffer.from('hello '), Buffer.from('world')]), 11)
    })
    const r = await rawRequest(port, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n')
    expect(r.headers.get('content-length')).toEqual(['11'])
    expect(r.headers.has('transfer-encoding')).toBe(false)
    expect(r.body.toString()).toBe('hello world')
  })

  it('a stream that ends short of its length cuts the connection', async () => {
    const { port } = await serve(ctx => {
      ctx.res.body = new SizedStream(Readable.from([Buffer.from('short')]), 100)
    })
    const c = await RawClient.connect(port)
    c.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n')
    const text = (await c.readAll(3000)).toString('latin1')
    expect(text).toMatch(/Content-Length: 100\r\n/)
    expect(text.endsWith('short')).toBe(true)
    expect(c.ended).toBe(true)
  })
})
