/**
 * Differential test of ResponseReader against Node's own HTTP client parser (llhttp behind node:http).
 *
 * 1. The same bytes — generated valid responses — are served by a loopback server that writes them and
 *    closes, read by `http.request`, and fed to ResponseReader: both must report the same interim
 *    responses, status, reason phrase, field lines, body and trailers. One deliberate difference: RFC 9112
 *    §7.1.1 allows whitespace (BWS) before the `;` of a chunk extension and so do we; llhttp refuses it
 *    (`HPE_INVALID_CHUNK_SIZE`), so those inputs are left out here (the table tests cover them).
 * 2. The same requests go to one tinyhttp app over a real socket (read by node:http) and through
 *    `app.inject()` (read by ResponseReader): both must see the same answer (the `Date` field aside).
 */
import fc from 'fast-check'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createApp, type App } from '../../src/app.js'
import { FileBody } from '../../src/http/file-body.js'
import { contentEtag, etagMatches } from '../../src/entity-tag.js'
import { read, responseModel, serialize } from './generators.js'

/** What one side saw of a response. */
interface Observed {
  interim: Array<{ status: number; statusText: string; headers: Array<[string, string]> }>
  status: number
  statusText: string
  headers: Array<[string, string]>
  body: string
  trailers: Array<[string, string]>
}

function pairs(raw: string[]): Array<[string, string]> {
  const out: Array<[string, string]> = []
  for (let i = 0; i < raw.length; i += 2) out.push([raw[i] as string, raw[i + 1] as string])
  return out
}

/** Sends `method` to port and reports what node:http's client parser read. */
function nodeRead(port: number, method: string, path = '/', headers: Record<string, string> = {}): Promise<Observed> {
  return new Promise((resolve, reject) => {
    const interim: Observed['interim'] = []
    const req = http.request({ host: '127.0.0.1', port, method, path, agent: false, headers }, res => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () =>
        resolve({
          interim,
          status: res.statusCode ?? 0,
          statusText: res.statusMessage ?? '',
          headers: pairs(res.rawHeaders),
          body: Buffer.concat(chunks).toString('latin1'),
          trailers: pairs(res.rawTrailers),
        }),
      )
      res.on('error', reject)
    })
    req.on('information', info => interim.push({ status: info.statusCode, statusText: info.statusMessage, headers: pairs(info.rawHeaders) }))
    req.on('error', reject)
    req.end()
  })
}

describe('ResponseReader and node:http read the same bytes the same way', () => {
  let server: net.Server
  let port = 0
  let nextReply = Buffer.alloc(0)
  beforeAll(async () => {
    server = net.createServer({ allowHalfOpen: false }, socket => {
      socket.on('error', () => {})
      socket.once('data', () => socket.end(nextReply))
    })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    port = (server.address() as net.AddressInfo).port
  })
  afterAll(async () => {
    await new Promise<void>(resolve => server.close(() => resolve()))
  })

  test('generated valid responses', async () => {
    await fc.assert(
      fc.asyncProperty(responseModel({ close: true }).filter(m => !m.chunks.some(c => /^[\t ]/.test(c.ext)) || m.framing !== 'chunked'), async model => {
        const bytes = serialize(model)
        nextReply = Buffer.from(bytes, 'latin1')
        const method = model.head ? 'HEAD' : 'GET'
        const node = await nodeRead(port, method)
        const ours = read([bytes], [method])
        expect(ours.error).toBeNull()
        const [first] = ours.responses
        expect({ interim: first?.interim, status: first?.status, statusText: first?.statusText, headers: first?.headers, body: first?.body, trailers: first?.trailers }).toEqual(node)
      }),
      { numRuns: 300 },
    )
  })
})

describe('one app, over a socket (node:http) and through inject (ResponseReader)', () => {
  let app: App
  let port = 0
  let dir = ''
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'inject-diff-'))
    const file = join(dir, 'page.html')
    const page = '<h1>page</h1>\n'.repeat(500)
    writeFileSync(file, page)
    const etag = contentEtag(Buffer.from('fixed'))
    app = createApp()
    app.use(async ctx => {
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
      } else if (path === '/bad') ctx.throw(400, 'nope')
      else if (path === '/json') ctx.res.body = { a: [1, 2], b: 'é' }
    })
    port = (await app.listen(0, '127.0.0.1')).port
  })
  afterAll(async () => {
    await app.close(100)
    rmSync(dir, { recursive: true, force: true })
  })

  const withoutDate = (o: Observed): Observed => ({ ...o, headers: o.headers.filter(([n]) => n.toLowerCase() !== 'date') })

  test.each([
    ['GET', '/text', {}],
    ['HEAD', '/text', {}],
    ['GET', '/stream', {}],
    ['HEAD', '/stream', {}],
    ['GET', '/file', {}],
    ['HEAD', '/file', {}],
    ['GET', '/etag', {}],
    ['GET', '/etag', { 'If-None-Match': contentEtag(Buffer.from('fixed')) }],
    ['GET', '/bad', {}],
    ['GET', '/json', {}],
    ['GET', '/missing', {}],
    ['DELETE', '/missing', {}],
  ] as Array<[string, string, Record<string, string>]>)('%s %s %j', async (method, path, headers) => {
    const node = await nodeRead(port, method, path, headers)
    const res = await app.inject({ method, target: path, headers: { Host: `127.0.0.1:${port}`, ...headers, Connection: 'close' } })
    const ours: Observed = {
      interim: res.interim.map(i => ({ status: i.status, statusText: i.statusText, headers: [...i.headers] })),
      status: res.status,
      statusText: res.statusText,
      headers: [...res.headers],
      body: res.body.toString('latin1'),
      trailers: [...res.trailers],
    }
    expect(withoutDate(ours)).toEqual(withoutDate(node))
    expect(res.status).not.toBe(500)
    expect(res.closed).toBe(true)
  })
})
