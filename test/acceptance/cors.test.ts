// CORS (research §2.14, O1–O13) with the default `*` policy and with `--cors https://a.example`
// (plus a two-origin list), on every outcome.
import { describe, expect, test } from 'vitest'
import { FILE_TXT, cliBuilt, h, request, serveForSuite, show, tokens, topic, type RawResponse } from './fixture.js'

const PREFLIGHT = (origin: string, method = 'GET', extra: Record<string, string> = {}): Record<string, string> => ({ Origin: origin, 'Access-Control-Request-Method': method, ...extra })

function expectVaryOrigin(res: RawResponse): void {
  expect(tokens(res, 'vary'), `Vary: Origin missing\n${show(res)}`).toContain('origin')
}

/** Outcomes of the served CLI: [label, method, target, headers, status]. */
function outcomes(etag: string): Array<[string, string, string, Record<string, string>, number[]]> {
  return [
    ['200', 'GET', '/file.txt', {}, [200]],
    ['HEAD 200', 'HEAD', '/file.txt', {}, [200]],
    ['206', 'GET', '/file.txt', { Range: 'bytes=0-1' }, [206]],
    ['304', 'GET', '/file.txt', { 'If-None-Match': etag }, [304]],
    ['403', 'GET', '/secret.txt', {}, [403]],
    ['404 (or 403) for a slash after a file', 'GET', '/file.txt/', {}, [403, 404]],
    ['405', 'POST', '/file.txt', { 'Content-Length': '0' }, [405]],
    ['412', 'GET', '/file.txt', { 'If-Match': '"nope"' }, [412]],
    ['416', 'GET', '/file.txt', { Range: 'bytes=100-' }, [416]],
    ['301', 'GET', '/sub', {}, [301, 308]],
  ]
}

describe.skipIf(!cliBuilt())(topic('CORS with the default * policy'), () => {
  const suite = serveForSuite()

  test('O7 GET /file.txt with an Origin → ACAO *, no credentials', async () => {
    for (const origin of ['https://x.example', 'http://localhost:3000', 'null']) {
      const res = await request(suite.s.port, 'GET', '/file.txt', { Origin: origin })
      expect(res.status).toBe(200)
      expect(h(res, 'access-control-allow-origin'), origin).toBe('*')
      expect(res.headers.has('access-control-allow-credentials'), 'ACAO * never with credentials').toBe(false)
      expect(res.body.equals(FILE_TXT)).toBe(true)
    }
  })

  test('O11/O12/O13 ACAO * on every outcome (with an Origin)', async () => {
    for (const [label, method, target, headers, status] of outcomes(suite.etag)) {
      const res = await request(suite.s.port, method, target, { Origin: 'https://x.example', ...headers })
      expect(status, `${label}\n${show(res)}`).toContain(res.status)
      expect(h(res, 'access-control-allow-origin'), `${label}\n${show(res)}`).toBe('*')
    }
  })

  test('O12 206 exposes Content-Range; 200 exposes ETag and Content-Length', async () => {
    const r206 = await request(suite.s.port, 'GET', '/file.txt', { Origin: 'https://x.example', Range: 'bytes=0-1' })
    expect(tokens(r206, 'access-control-expose-headers')).toContain('content-range')
    const r200 = await request(suite.s.port, 'GET', '/file.txt', { Origin: 'https://x.example' })
    const exposed = tokens(r200, 'access-control-expose-headers')
    expect(exposed).toContain('etag')
    expect(exposed).toContain('content-length')
    expect(exposed).toContain('accept-ranges')
  })

  test('O8 preflight with Access-Control-Request-Headers: range, x-foo → 204, ACAM, ACAH reflected + Vary, Max-Age ≤ 7200', async () => {
    const res = await request(suite.s.port, 'OPTIONS', '/file.txt', PREFLIGHT('https://x.example', 'GET', { 'Access-Control-Request-Headers': 'range, x-foo' }))
    expect(res.status, show(res)).toBe(204)
    expect(h(res, 'access-control-allow-origin')).toBe('*')
    const methods = tokens(res, 'access-control-allow-methods')
    expect(methods).toContain('get')
    expect(methods).toContain('head')
    const allowed = tokens(res, 'access-control-allow-headers')
    expect(allowed).toContain('range')
    expect(allowed).toContain('x-foo')
    expect(tokens(res, 'vary'), 'reflected ACAH needs Vary: Access-Control-Request-Headers').toContain('access-control-request-headers')
    const maxAge = Number(h(res, 'access-control-max-age'))
    expect(maxAge).toBeGreaterThan(0)
    expect(maxAge).toBeLessThanOrEqual(7200)
    expect(h(res, 'content-length') ?? '0').toBe('0')
    expect(res.body.length).toBe(0)
    expect(res.headers.has('access-control-allow-credentials')).toBe(false)
  })

  test('Private Network Access is not opted into by default (research row 62)', async () => {
    const res = await request(suite.s.port, 'OPTIONS', '/file.txt', PREFLIGHT('https://x.example', 'GET', { 'Access-Control-Request-Private-Network': 'true' }))
    expect(h(res, 'access-control-allow-private-network'), show(res)).toBeUndefined()
  })

  test('O8 preflight for HEAD → 204', async () => {
    const res = await request(suite.s.port, 'OPTIONS', '/file.txt', PREFLIGHT('https://x.example', 'HEAD'))
    expect(res.status, show(res)).toBe(204)
    expect(tokens(res, 'access-control-allow-methods')).toContain('head')
  })

  test('O9 OPTIONS with Origin but without Access-Control-Request-Method → 405 + Allow (or 403), not a 204 preflight', async () => {
    const res = await request(suite.s.port, 'OPTIONS', '/file.txt', { Origin: 'https://x.example' })
    expect([403, 405], show(res)).toContain(res.status)
    if (res.status === 405) expect(h(res, 'allow')?.replace(/\s/g, '')).toBe('GET,HEAD')
    expect(res.headers.has('access-control-allow-methods')).toBe(false)
  })

  test.each(['DELETE', 'PUT', 'POST', 'PATCH'])('O10 preflight Access-Control-Request-Method: %s → 204 without it in ACAM, or 403', async method => {
    const res = await request(suite.s.port, 'OPTIONS', '/file.txt', PREFLIGHT('https://x.example', method))
    expect([204, 403], show(res)).toContain(res.status)
    expect(tokens(res, 'access-control-allow-methods')).not.toContain(method.toLowerCase())
    expect(tokens(res, 'access-control-allow-methods')).not.toContain('*')
  })
})

describe.skipIf(!cliBuilt())(topic('CORS with --cors https://a.example'), () => {
  const A = 'https://a.example'
  const suite = serveForSuite(['--cors', A])

  test('O1 Origin: https://a.example → ACAO echoed, Vary: Origin, no credentials', async () => {
    const res = await request(suite.s.port, 'GET', '/file.txt', { Origin: A })
    expect(res.status).toBe(200)
    expect(h(res, 'access-control-allow-origin')).toBe(A)
    expectVaryOrigin(res)
    expect(res.headers.has('access-control-allow-credentials')).toBe(false)
    expect(tokens(res, 'access-control-expose-headers')).toContain('etag')
  })

  const REFUSED = ['https://evil.example', 'null', 'https://a.example.evil.com', 'https://evila.example', 'https://a.example/', 'HTTPS://A.EXAMPLE', 'http://a.example', 'https://a.example:443', 'https://a.example:8443', 'https://xa.example', '*', 'https://a.example, https://evil.example']
  test.each(REFUSED)('O2/O3/O4 Origin: %s → no ACAO, still Vary: Origin', async origin => {
    const res = await request(suite.s.port, 'GET', '/file.txt', { Origin: origin })
    expect(res.status, show(res)).toBe(200)
    expect(res.headers.has('access-control-allow-origin'), `ACAO for ${origin}\n${show(res)}`).toBe(false)
    expectVaryOrigin(res)
  })

  test('no Origin at all → no ACAO, Vary: Origin (the answer depends on Origin)', async () => {
    const res = await request(suite.s.port, 'GET', '/file.txt')
    expect(res.headers.has('access-control-allow-origin')).toBe(false)
    expectVaryOrigin(res)
  })

  test('O5 the same origin twice in a row → identical decisions', async () => {
    const a = await request(suite.s.port, 'GET', '/file.txt', { Origin: A })
    const b = await request(suite.s.port, 'GET', '/file.txt', { Origin: A })
    expect(h(a, 'access-control-allow-origin')).toBe(A)
    expect(h(b, 'access-control-allow-origin')).toBe(A)
  })

  test('O11/O12/O13 allowed origin: ACAO + Vary: Origin on every outcome', async () => {
    for (const [label, method, target, headers, status] of outcomes(suite.etag)) {
      const res = await request(suite.s.port, method, target, { Origin: A, ...headers })
      expect(status, `${label}\n${show(res)}`).toContain(res.status)
      expect(h(res, 'access-control-allow-origin'), `${label}\n${show(res)}`).toBe(A)
      expectVaryOrigin(res)
    }
  })

  test('refused origin: no ACAO but Vary: Origin on every outcome (incl. 304, 403)', async () => {
    for (const [label, method, target, headers, status] of outcomes(suite.etag)) {
      const res = await request(suite.s.port, method, target, { Origin: 'https://evil.example', ...headers })
      expect(status, `${label}\n${show(res)}`).toContain(res.status)
      expect(res.headers.has('access-control-allow-origin'), `${label}\n${show(res)}`).toBe(false)
      expectVaryOrigin(res)
    }
  })

  test('O12 allowed origin + Range → 206 with Content-Range exposed', async () => {
    const res = await request(suite.s.port, 'GET', '/file.txt', { Origin: A, Range: 'bytes=0-1' })
    expect(res.status).toBe(206)
    expect(h(res, 'access-control-allow-origin')).toBe(A)
    expect(tokens(res, 'access-control-expose-headers')).toContain('content-range')
  })

  test('O8 preflight from the allowed origin → 204 with ACAO echoed, ACAM, Max-Age, Vary: Origin', async () => {
    const res = await request(suite.s.port, 'OPTIONS', '/file.txt', PREFLIGHT(A, 'GET', { 'Access-Control-Request-Headers': 'range' }))
    expect(res.status, show(res)).toBe(204)
    expect(h(res, 'access-control-allow-origin')).toBe(A)
    expect(tokens(res, 'access-control-allow-methods')).toContain('get')
    expect(tokens(res, 'access-control-allow-headers')).toContain('range')
    expect(h(res, 'access-control-max-age') ?? '').toMatch(/^\d+$/)
    expectVaryOrigin(res)
  })

  test('preflight from a refused origin → no ACAO (and no ACAM), Vary: Origin', async () => {
    const res = await request(suite.s.port, 'OPTIONS', '/file.txt', PREFLIGHT('https://evil.example'))
    expect(res.headers.has('access-control-allow-origin'), show(res)).toBe(false)
    expectVaryOrigin(res)
  })
})

describe.skipIf(!cliBuilt())(topic('CORS with two origins'), () => {
  const suite = serveForSuite(['--cors', 'https://a.example,https://b.example'])

  test.each(['https://a.example', 'https://b.example'])('Origin: %s → ACAO is exactly that one origin', async origin => {
    const res = await request(suite.s.port, 'GET', '/file.txt', { Origin: origin })
    expect(res.headers.get('access-control-allow-origin'), show(res)).toEqual([origin])
    expectVaryOrigin(res)
  })

  test('Origin: https://c.example → no ACAO', async () => {
    const res = await request(suite.s.port, 'GET', '/file.txt', { Origin: 'https://c.example' })
    expect(res.headers.has('access-control-allow-origin')).toBe(false)
    expectVaryOrigin(res)
  })
})
