import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { contentEtag, createApp, etagMatches, FileBody, InjectError, type App, type InjectResult } from 'tinyhttp-core'

/** The same bytes with every `Date` field value blanked (the two answers may straddle a second). */
function undated(bytes: Buffer): string {
  return bytes.toString('latin1').replace(/\r\nDate: [^\r\n]*\r\n/g, '\r\nDate: -\r\n')
}

let app: App
let port = 0
let dir = ''
let handled = 0
const page = '<h1>page</h1>\n'.repeat(2000)
const etag = contentEtag(Buffer.from('fixed'))

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'inject-'))
  const file = join(dir, 'page.html')
  writeFileSync(file, page)
  app = createApp()
  app.use(async ctx => {
    handled++
    const path = ctx.req.path
    if (path === '/text') ctx.res.body = 'hello'
    else if (path === '/stream') ctx.res.body = Readable.from([Buffer.from('one,'), Buffer.from('two,'), Buffer.from('three')])
    else if (path === '/file') {
      ctx.res.headers.set('Content-Type', 'text/html; charset=utf-8')
      ctx.res.body = new FileBody({ path: file, length: page.length })
    } else if (path === '/etag') {
      ctx.res.headers.set('ETag', etag)
      if (etagMatches(ctx.req.headers.get('if-none-match') ?? '', etag, false)) ctx.res.status = 304
      else ctx.res.body = 'fresh'
    } else if (path === '/echo') {
      ctx.res.body = { method: ctx.req.method, headers: [...ctx.req.headers], body: await ctx.req.text(), remote: ctx.req.remoteAddress, secure: ctx.req.secure }
    } else if (path === '/cookies') {
      ctx.res.headers.append('Set-Cookie', 'a=1')
      ctx.res.headers.append('Set-Cookie', 'b=2')
      ctx.res.body = 'c'
    } else if (path === '/hang') {
      const stream = new Readable({ read() {} })
      stream.push('partial')
      ctx.res.body = stream
    } else if (path === '/bad') ctx.throw(400, 'nope')
  })
  port = (await app.listen(0, '127.0.0.1')).port
})

afterAll(async () => {
  await app.close(100)
  rmSync(dir, { recursive: true, force: true })
})

/** Reads from a socket until `n` bytes arrived or the server closed (bounded). */
function collect(socket: net.Socket): { bytes: () => Buffer; until: (n: number) => Promise<void>; ended: () => Promise<boolean> } {
  const chunks: Buffer[] = []
  let total = 0
  let ended = false
  const waiters = new Set<() => void>()
  const wake = (): void => waiters.forEach(w => w())
  socket.on('data', (c: Buffer) => {
    chunks.push(c)
    total += c.length
    wake()
  })
  socket.on('end', () => {
    ended = true
    wake()
  })
  socket.on('close', () => {
    ended = true
    wake()
  })
  const wait = (done: () => boolean): Promise<boolean> =>
    new Promise(resolve => {
      if (done()) return resolve(true)
      const timer = setTimeout(() => {
        waiters.delete(check)
        resolve(false)
      }, 5000)
      const check = (): void => {
        if (!done()) return
        clearTimeout(timer)
        waiters.delete(check)
        resolve(true)
      }
      waiters.add(check)
    })
  return {
    bytes: () => Buffer.concat(chunks),
    until: async n => void (await wait(() => total >= n || ended)),
    ended: () => wait(() => ended),
  }
}

/**
 * Sends the same bytes over a real socket and checks the server wrote exactly what inject saw (`Date`
 * aside), and that the connection was closed, or kept (proved by a second request answered on it),
 * as inject says.
 */
async function sameAsSocket(input: string | Buffer, res: InjectResult, halfClose = false): Promise<void> {
  const socket = net.connect(port, '127.0.0.1')
  socket.on('error', () => {})
  await new Promise(resolve => socket.once('connect', resolve))
  const wire = collect(socket)
  socket.write(typeof input === 'string' ? Buffer.from(input, 'latin1') : input)
  if (halfClose) socket.end()
  try {
    await wire.until(res.raw.length)
    expect(undated(wire.bytes().subarray(0, res.raw.length))).toBe(undated(res.raw))
    if (res.closed) {
      expect(await wire.ended()).toBe(true)
      expect(wire.bytes().length).toBe(res.raw.length)
    } else {
      socket.write('GET /text HTTP/1.1\r\nHost: x\r\n\r\n')
      await wire.until(res.raw.length + 1)
      expect(wire.bytes().subarray(res.raw.length).toString('latin1')).toMatch(/^HTTP\/1\.1 200 OK\r\n/)
    }
  } finally {
    socket.destroy()
  }
}

describe('app.inject(): the bytes a socket would get', () => {
  it.each([
    ['GET', 'GET /text HTTP/1.1\r\nHost: x\r\n\r\n', 200, 'hello'],
    ['HEAD (no body, same fields)', 'HEAD /text HTTP/1.1\r\nHost: x\r\n\r\n', 200, ''],
    ['a chunked stream, de-chunked', 'GET /stream HTTP/1.1\r\nHost: x\r\n\r\n', 200, 'one,two,three'],
    ['a file body', 'GET /file HTTP/1.1\r\nHost: x\r\n\r\n', 200, page],
    ['HEAD of a file', 'HEAD /file HTTP/1.1\r\nHost: x\r\n\r\n', 200, ''],
    ['304', `GET /etag HTTP/1.1\r\nHost: x\r\nIf-None-Match: ${etag}\r\n\r\n`, 304, ''],
    ['404 from the core', 'GET /missing HTTP/1.1\r\nHost: x\r\n\r\n', 404, 'Not Found'],
    ['400 thrown by a middleware', 'GET /bad HTTP/1.1\r\nHost: x\r\n\r\n', 400, 'nope'],
    ['400 from the parser (field without colon)', 'GET / HTTP/1.1\r\nHost: x\r\nBad Field\r\n\r\n', 400, ''],
    ['431 from the parser', `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431, ''],
    ['HTTP/1.0 without keep-alive: closed', 'GET /text HTTP/1.0\r\n\r\n', 200, 'hello'],
    ['Connection: close: closed', 'GET /text HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', 200, 'hello'],
  ])('%s', async (_name, input, status, body) => {
    const res = await app.inject(input)
    expect(res.status).toBe(status)
    expect(res.body.toString('latin1')).toBe(body)
    expect(res.responses).toHaveLength(1)
    await sameAsSocket(input, res)
  })

  it('keep-alive: an HTTP/1.1 answer has no Connection field and the connection stays open; close says so and closes', async () => {
    const open = await app.inject({ target: '/text' })
    expect(open.headers.has('connection')).toBe(false)
    expect(open.closed).toBe(false)
    const closing = await app.inject({ target: '/text', headers: { connection: 'close' } })
    expect(closing.headers.get('connection')).toBe('close')
    expect(closing.closed).toBe(true)
    const old = await app.inject({ target: '/text', httpVersion: '1.0' })
    expect(old.httpVersion).toBe('1.1')
    expect(old.closed).toBe(true)
    const oldKept = await app.inject({ target: '/text', httpVersion: '1.0', headers: { connection: 'keep-alive' } })
    expect(oldKept.headers.get('connection')).toBe('keep-alive')
    expect(oldKept.closed).toBe(false)
  })

  it('pipelined raw input: every response in order, the first as the result', async () => {
    const input = 'GET /text HTTP/1.1\r\nHost: x\r\n\r\nHEAD /file HTTP/1.1\r\nHost: x\r\n\r\nGET /stream HTTP/1.1\r\nHost: x\r\n\r\n'
    const res = await app.inject(input)
    expect(res.responses.map(r => [r.status, r.body.toString()])).toEqual([
      [200, 'hello'],
      [200, ''],
      [200, 'one,two,three'],
    ])
    expect(res.status).toBe(200)
    expect(res.body.toString()).toBe('hello')
    expect(res.raw.equals(Buffer.concat(res.responses.map(r => r.raw)))).toBe(true)
    expect(res.closed).toBe(false)
    await sameAsSocket(input, res)
  })

  it('pipelined input with a broken request: the answers before it, then its 400, then close', async () => {
    const input = 'GET /text HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\nBad Field\r\n\r\nGET /text HTTP/1.1\r\nHost: x\r\n\r\n'
    const res = await app.inject(input)
    expect(res.responses.map(r => r.status)).toEqual([200, 400])
    expect(res.closed).toBe(true)
    await sameAsSocket(input, res)
  })

  it('raw input that stops inside a request is sent, then the client half-closes (like `printf … | nc`)', async () => {
    const input = 'GET /text HTTP/1.1\r\nHost: x\r\n\r\nGET /text HTTP/1.1\r\nHo'
    const res = await app.inject(input)
    expect(res.responses.map(r => r.status)).toEqual([200])
    expect(res.closed).toBe(true)
    await sameAsSocket(input, res, true)
  })

  it('a described request is serialized: Host defaulted, Content-Length set, fields in order, duplicates kept', async () => {
    const res = await app.inject({ method: 'POST', target: '/echo', headers: [['X-A', '1'], ['x-a', '2']], body: 'héllo' })
    expect(JSON.parse(res.body.toString())).toEqual({
      method: 'POST',
      headers: [
        ['host', 'localhost'],
        ['x-a', '1'],
        ['x-a', '2'],
        ['content-length', '6'],
      ],
      body: 'héllo',
      remote: '127.0.0.1',
      secure: false,
    })
    const arrays = await app.inject({ method: 'PUT', target: '/echo', headers: { Host: 'example.test', 'X-List': ['a', 'b'], 'X-N': 3 }, body: Buffer.from('xy') }, { remoteAddress: '::1', secure: true })
    expect(JSON.parse(arrays.body.toString())).toEqual({
      method: 'PUT',
      headers: [
        ['host', 'example.test'],
        ['x-list', 'a'],
        ['x-list', 'b'],
        ['x-n', '3'],
        ['content-length', '2'],
      ],
      body: 'xy',
      remote: '::1',
      secure: true,
    })
  })

  it('the options may sit in the request object; the second argument wins', async () => {
    const inObject = JSON.parse((await app.inject({ target: '/echo', remoteAddress: '10.0.0.2', secure: true })).body.toString())
    expect([inObject.remote, inObject.secure]).toEqual(['10.0.0.2', true])
    const overridden = JSON.parse((await app.inject({ target: '/echo', remoteAddress: '10.0.0.2' }, { remoteAddress: '10.0.0.3' })).body.toString())
    expect(overridden.remote).toBe('10.0.0.3')
  })

  it('the caller may frame the body itself (chunked)', async () => {
    const res = await app.inject({ method: 'POST', target: '/echo', headers: { 'transfer-encoding': 'chunked' }, body: '2\r\nhi\r\n0\r\n\r\n' })
    expect(JSON.parse(res.body.toString()).body).toBe('hi')
  })

  it('headers: case-insensitive get, getAll and entries in order with names as sent', async () => {
    const res = await app.inject({ target: '/cookies' })
    expect(res.headers.get('SET-COOKIE')).toBe('a=1, b=2')
    expect(res.headers.getAll('set-cookie')).toEqual(['a=1', 'b=2'])
    expect([...res.headers.entries()].map(([n]) => n)).toEqual(['Set-Cookie', 'Set-Cookie', 'Content-Type', 'Content-Length', 'Date'])
    expect(res.statusText).toBe('OK')
  })

  it.each([
    ['a method with CR LF', { method: 'GET / HTTP/1.1\r\nHost: x\r\n\r\nGET' }],
    ['a method that is not a token', { method: 'G T' }],
    ['a target with CR LF', { target: '/a HTTP/1.1\r\nX-Smuggled: 1\r\n\r\nGET /b' }],
    ['a target with a bare LF', { target: '/a\nb' }],
    ['a field name with CR LF', { headers: { 'X-A\r\nX-B': '1' } }],
    ['a field name with a colon', { headers: { 'Host: evil': '1' } }],
    ['a field value with CR LF', { headers: { 'X-A': 'a\r\nX-Smuggled: 1' } }],
    ['a field value with NUL', { headers: [['X-A', 'a\u0000b']] as Array<[string, string]> }],
    ['a field value beyond latin1', { headers: { 'X-A': '€' } }],
    ['an odd version', { httpVersion: '1.1\r\nX: y' }],
  ])('refuses %s with a TypeError, before anything reaches the app', async (_name, request) => {
    const before = handled
    await expect(app.inject(request)).rejects.toThrow(TypeError)
    expect(handled).toBe(before)
  })

  it('a response that never completes rejects after `timeout` with what arrived, and the connection is gone', async () => {
    const before = app.connectionCount
    const err = await app.inject({ target: '/hang' }, { timeout: 200 }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(InjectError)
    expect((err as InjectError).code).toBe('timeout')
    expect((err as InjectError).raw.toString('latin1')).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\n7\r\npartial\r\n$/)
    for (let i = 0; i < 50 && app.connectionCount > before; i++) await new Promise(resolve => setImmediate(resolve))
    expect(app.connectionCount).toBe(before)
  })

  it('input the server answers with nothing (an incomplete head, then end of input) rejects as incomplete', async () => {
    const err = await app.inject('GET /text HTTP/1.1\r\nHo').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(InjectError)
    expect((err as InjectError).code).toBe('incomplete')
    expect((err as InjectError).raw.length).toBe(0)
  })

  it('leaves no connection behind', async () => {
    await app.inject({ target: '/text' })
    await app.inject('GET /text HTTP/1.1\r\nHost: x\r\n\r\nGET /stream HTTP/1.1\r\nHost: x\r\n\r\n')
    for (let i = 0; i < 50 && app.connectionCount > 0; i++) await new Promise(resolve => setImmediate(resolve))
    expect(app.connectionCount).toBe(0)
  })
})
