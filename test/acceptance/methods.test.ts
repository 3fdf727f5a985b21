// Methods: GET/HEAD only (405 + Allow on listed paths, 403 elsewhere), HEAD == GET without a body,
// CORS preflight vs plain OPTIONS.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { FILE_TXT, INDEX_HTML, RawClient, cliBuilt, expectAlive, h, req, request, send, serve, show, sleep, tokens, topic, withoutDate, type Served } from './fixture.js'

const LISTED = ['/file.txt', '/', '/sub/', '/sub/page.html', '/big.bin', '/empty.txt', '/app.js']
const UNLISTED = ['/secret.txt', '/missing.txt', '/.env']
const METHODS = ['POST', 'PUT', 'DELETE', 'PATCH']

function allowSet(value: string | undefined): string[] {
  return (value ?? '').split(',').map(s => s.trim()).filter(Boolean).sort()
}

describe.skipIf(!cliBuilt())(topic('methods'), () => {
  let s: Served
  beforeAll(async () => {
    s = await serve()
  })
  afterAll(async () => {
    await s?.stop()
  })

  const listedCases = LISTED.flatMap(t => METHODS.map(m => [m, t] as const))
  test.each(listedCases)('%s %s (listed) → 405 + Allow: GET, HEAD (RFC 9110 §15.5.6)', async (method, target) => {
    const res = await request(s.port, method, target, { 'Content-Length': '0' })
    expect(res.status, show(res)).toBe(405)
    expect(allowSet(h(res, 'allow')), show(res)).toEqual(['GET', 'HEAD'])
    expect(h(res, 'access-control-allow-origin')).toBe('*')
  })

  test.each(['TRACE', 'FOO'])('%s /file.txt (listed) → 405 + Allow (or 501 for an unknown method), never 200', async method => {
    const res = await request(s.port, method, '/file.txt')
    expect(method === 'FOO' ? [405, 501] : [405], show(res)).toContain(res.status)
    if (res.status === 405) expect(allowSet(h(res, 'allow'))).toEqual(['GET', 'HEAD'])
    expect(res.body.includes(FILE_TXT)).toBe(false)
  })

  test('methods are case-sensitive: `get /file.txt` is not GET (RFC 9110 §9.1)', async () => {
    const res = await send(s.port, 'get /file.txt HTTP/1.1\r\nHost: localhost\r\n\r\n')
    expect([400, 405, 501], show(res)).toContain(res.status)
    expect(res.body.includes(FILE_TXT)).toBe(false)
  })

  const unlistedCases = UNLISTED.flatMap(t => METHODS.map(m => [m, t] as const))
  test.each(unlistedCases)('%s %s (not listed) → 403, empty body', async (method, target) => {
    const res = await request(s.port, method, target, { 'Content-Length': '0' })
    expect(res.status, show(res)).toBe(403)
    expect(res.body.length).toBe(0)
  })

  test('POST /file.txt with a body → 405, and the connection stays usable (body drained)', async () => {
    const c = await RawClient.connect(s.port)
    try {
      c.write('POST /file.txt HTTP/1.1\r\nHost: localhost\r\nContent-Length: 11\r\nContent-Type: text/plain\r\n\r\nhello world')
      const a = await c.readResponse()
      expect(a.status, show(a)).toBe(405)
      if (!c.ended) {
        c.write(req('GET', '/file.txt'))
        const b = await c.readResponse()
        expect(b.status, show(b)).toBe(200)
        expect(b.body.equals(FILE_TXT)).toBe(true)
      }
    } finally {
      c.close()
    }
  })

  test('POST + If-None-Match: * → 405 (method check before preconditions, C14)', async () => {
    const res = await request(s.port, 'POST', '/file.txt', { 'If-None-Match': '*', 'Content-Length': '0' })
    expect(res.status, show(res)).toBe(405)
  })

  test.each(LISTED)('HEAD %s → same headers as GET (Date aside), same Content-Length, no body (RFC 9110 §9.3.2)', async target => {
    const get = await request(s.port, 'GET', target)
    const head = await request(s.port, 'HEAD', target)
    expect(head.status).toBe(get.status)
    expect(withoutDate(head.rawHead).split('\r\n').sort()).toEqual(withoutDate(get.rawHead).split('\r\n').sort())
    expect(h(head, 'content-length')).toBe(String(get.body.length))
  })

  test('pipelined HEAD + GET on one connection: both intact, no stray body bytes', async () => {
    const c = await RawClient.connect(s.port)
    try {
      c.write(req('HEAD', '/file.txt') + req('GET', '/file.txt') + req('HEAD', '/') + req('GET', '/'))
      const a = await c.readResponse({ head: true })
      const b = await c.readResponse()
      const d = await c.readResponse({ head: true })
      const e = await c.readResponse()
      expect([a.status, b.status, d.status, e.status]).toEqual([200, 200, 200, 200])
      expect(h(a, 'content-length')).toBe('20')
      expect(b.body.equals(FILE_TXT)).toBe(true)
      expect(e.body.equals(INDEX_HTML)).toBe(true)
      await sleep(100)
      expect(c.pending.length, `stray bytes: ${JSON.stringify(c.pending.toString('latin1'))}`).toBe(0)
    } finally {
      c.close()
    }
  })

  test('pipelined HEAD /big.bin + GET /file.txt: no 5 MiB body after the HEAD', async () => {
    const c = await RawClient.connect(s.port)
    try {
      c.write(req('HEAD', '/big.bin') + req('GET', '/file.txt'))
      const a = await c.readResponse({ head: true })
      expect(a.status).toBe(200)
      expect(h(a, 'content-length')).toBe(String(5 * 1024 * 1024))
      const b = await c.readResponse()
      expect(b.statusLine, 'second response must start right after the HEAD head').toMatch(/^HTTP\/1\.1 200/)
      expect(b.body.equals(FILE_TXT)).toBe(true)
    } finally {
      c.close()
    }
  })

  test('HEAD /secret.txt → 403 without a body', async () => {
    const c = await RawClient.connect(s.port)
    try {
      c.write(req('HEAD', '/secret.txt') + req('GET', '/file.txt'))
      const a = await c.readResponse({ head: true })
      expect(a.status).toBe(403)
      const b = await c.readResponse()
      expect(b.status).toBe(200)
      expect(b.body.equals(FILE_TXT)).toBe(true)
    } finally {
      c.close()
    }
  })

  test.each(['/file.txt', '/', '/sub/page.html'])('OPTIONS %s preflight (Origin + ACRM: GET) → 204 with ACAO *, ACAM ∋ GET, Max-Age', async target => {
    const res = await request(s.port, 'OPTIONS', target, { Origin: 'https://x.example', 'Access-Control-Request-Method': 'GET' })
    expect(res.status, show(res)).toBe(204)
    expect(h(res, 'access-control-allow-origin')).toBe('*')
    expect(tokens(res, 'access-control-allow-methods')).toContain('get')
    expect(h(res, 'access-control-max-age') ?? '', show(res)).toMatch(/^\d+$/)
    expect(res.body.length).toBe(0)
    expect(res.headers.has('transfer-encoding')).toBe(false)
  })

  test.each([
    ['no Origin, no ACRM', {}],
    ['Origin but no ACRM', { Origin: 'https://x.example' }],
    ['ACRM but no Origin', { 'Access-Control-Request-Method': 'GET' }],
  ] as Array<[string, Record<string, string>]>)('plain OPTIONS /file.txt (%s) → 405 (+Allow) or 403, never 204', async (_name, headers) => {
    const res = await request(s.port, 'OPTIONS', '/file.txt', headers)
    expect([403, 405], show(res)).toContain(res.status)
    if (res.status === 405) expect(allowSet(h(res, 'allow'))).toEqual(['GET', 'HEAD'])
  })

  test('plain OPTIONS /secret.txt → 403', async () => {
    const res = await request(s.port, 'OPTIONS', '/secret.txt')
    expect(res.status, show(res)).toBe(403)
  })

  test('server healthy after the method table', async () => {
    await expectAlive(s.port, 'methods')
  })
})
