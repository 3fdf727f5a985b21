// Traversal, guard-bypass and parser vectors (research §2.1–2.8, §2.15): T1–T12, S1–S2, G1–G12,
// N1–N5, R1–R6, X1–X2, D1–D2, P1–P12. Never 200 for a non-canonical spelling, never a Location to
// another host, never secret bytes, never a crash (a normal GET on a new connection answers after
// every vector).
import { describe, expect, test } from 'vitest'
import { FILE_TXT, INDEX_HTML, RawClient, cliBuilt, expectAlive, expectNoSecrets, h, req, request, send, serveForSuite, show, sleep, topic, type RawResponse } from './fixture.js'

const BAD = [400, 403]

/** [id, raw request-target, allowed statuses]. Sent as `GET <target> HTTP/1.1` with a Host header. */
const TARGETS: Array<[id: string, target: string, statuses: number[]]> = [
  ['T1', '/../outside.txt', BAD],
  ['T1', '/../../../../etc/passwd', BAD],
  ['T2', '/%2e%2e/outside.txt', BAD],
  ['T3', '/%2E%2e/outside.txt', BAD],
  ['T3', '/%2E%2E/outside.txt', BAD],
  ['T4', '/.%2e/outside.txt', BAD],
  ['T4', '/%2e./outside.txt', BAD],
  ['T5', '/..%2foutside.txt', BAD],
  ['T5', '/..%2Foutside.txt', BAD],
  ['T6', '/sub/..%2f..%2foutside.txt', BAD],
  ['T7', '/..%5coutside.txt', BAD],
  ['T7', '/..\\outside.txt', BAD],
  ['T8', '/%252e%252e/outside.txt', BAD],
  ['T8', '/%252e%252e%252foutside.txt', BAD],
  ['T9', '/%c0%ae%c0%ae/outside.txt', BAD],
  ['T9', '/%c0%af', BAD],
  ['T9 overlong /', '/sub%c0%af..%c0%afsecret.txt', BAD],
  ['T11', '/file.txt/../secret.txt', BAD],
  ['T11', '/sub/../secret.txt', BAD],
  ['T11 (normalises to an allowed file: still not "normalise then allow")', '/sub/../file.txt', BAD],
  ['T11', '/sub/./page.html', BAD],
  ['T11', '/sub/page.html/..', BAD],
  ['T11', '/..', BAD],
  ['T11', '/.', BAD],
  ['S1', '/../www-secret/secret.txt', BAD],
  ['S1', '/%2e%2e/www-secret/secret.txt', BAD],
  ['S2', '/../wwwsecret/s.txt', BAD],
  ['G1', '/sub/../private/s.txt', BAD],
  ['G2', '//private/s.txt', BAD],
  ['G2 (double slash to an allowed file)', '//file.txt', BAD],
  ['G2', '/sub//page.html', BAD],
  ['G3', '/./private/s.txt', BAD],
  ['G3', '/./file.txt', BAD],
  ['G4', '/private%2Fs.txt', BAD],
  ['G4', '/private%2fs.txt', BAD],
  ['G4 (encoded slash to an allowed file)', '/sub%2Fpage.html', BAD],
  ['G5', '/private%5Cs.txt', BAD],
  ['G5', '/private\\s.txt', BAD],
  ['G5 (backslash to an allowed file)', '/sub%5Cpage.html', BAD],
  ['G5', '/sub\\page.html', BAD],
  ['G6', '/sub/%2e%2e/private/s.txt', BAD],
  ['G6', '/sub/%2e%2e/file.txt', BAD],
  ['G7 exact case', '/FILE.TXT', [403]],
  ['G7 exact case', '/Sub/Page.html', [403]],
  ['G8', '/file.txt.', BAD],
  ['G8', '/file.txt%20', BAD],
  ['G8', '/file.txt%2e', BAD],
  ['G8', '/file.txt::$DATA', BAD],
  ['G8', '/file.txt:stream', BAD],
  ['G8', '/file.txt%3a%3a$DATA', BAD],
  ['G9', '/SECRET~1.TXT', BAD],
  ['G9', '/FILE~1.TXT', BAD],
  ['G10', '/CON', BAD],
  ['G10', '/aux.txt', BAD],
  ['G10', '/nul', BAD],
  ['G10', '/COM1.log', BAD],
  ['G10', '/c:/windows/win.ini', BAD],
  ['G10', '/C:%5Cwindows%5Cwin.ini', BAD],
  ['G11 (variant of an unlisted base)', '/secret.js.gz', BAD],
  ['N1', '/file.txt%00.html', BAD],
  ['N2', '/file.txt%00', BAD],
  ['N2', '/%00', BAD],
  ['N2 control', '/file%01.txt', BAD],
  ['N2 control', '/file%7f.txt', BAD],
  ['N5', '/%zz', BAD],
  ['N5', '/%', BAD],
  ['N5', '/%2', BAD],
  ['N5', '/%e2%82', BAD],
  ['N5', '/%e2%82.txt', BAD],
  ['N5', '/%ff.txt', BAD],
  ['N5 surrogate', '/%ed%a0%80.txt', BAD],
  ['N4', '/%0d%0aSet-Cookie:%20x=y', BAD],
  ['N4', '/file.txt%0d%0aSet-Cookie:%20x=y', BAD],
  ['R1', '//evil.com/%2e%2e/sub', BAD],
  ['R1', '//evil.com/sub', BAD],
  ['R2', '/\\evil.com/%2e%2e/sub', BAD],
  ['R2', '/%5cevil.com/%2e%2e/sub', BAD],
  ['R3', '///evil.com/%2e%2e/sub', BAD],
  ['R3', '/%2f%2fevil.com/sub', BAD],
  ['X1', '/sub%3Cscript%3Ealert(1)%3C%2Fscript%3E', [400, 403, 404]],
  ['X1', '/%3Cscript%3Ealert(1)%3C/script%3E', [400, 403, 404]],
  ['X2 (no space)', '/"><img>', BAD],
  ['D1', '/.env', BAD],
  ['D1', '/%2eenv', BAD],
  ['D1', '/.git/config', BAD],
  ['D1', '/.hidden/x.txt', BAD],
  ['D1', '/.hidden/', BAD],
  ['D1', '/.hidden', BAD],
  ['D1', '/%2ehidden/x.txt', BAD],
  ['D2', '/package.json', [403]],
  ['D2', '/tinyhttp.allow', [403]],
  ['D2', '/secret.txt', [403]],
  ['D2', '/private/s.txt', [403]],
]

/** Checks that apply to the answer to any attack vector. */
function expectSafe(res: RawResponse, what: string, base: string): void {
  expect(res.status, `${what}\n${show(res)}`).not.toBe(200)
  expectNoSecrets(res.body, what)
  expect(res.body.includes(FILE_TXT) || res.body.includes(INDEX_HTML), `${what}: a served file's bytes in an error answer`).toBe(false)
  const loc = h(res, 'location')
  if (loc !== undefined) {
    expect(loc, `${what}: Location must be a same-origin path`).toMatch(/^\/(?![/\\])/)
    expect(loc.toLowerCase()).not.toContain('evil')
  }
  expect(res.headers.has('set-cookie'), `${what}: header injection`).toBe(false)
  const text = res.body.toString('latin1')
  expect(text.includes(base), `${what}: body leaks the filesystem path`).toBe(false)
  expect(text, `${what}: body has a stack trace`).not.toMatch(/\n\s+at |node:internal/)
  expect(text.toLowerCase(), `${what}: body echoes markup`).not.toMatch(/<script|<img/)
}

describe.skipIf(!cliBuilt())(topic('traversal and parser vectors'), () => {
  const suite = serveForSuite()

  test.each(TARGETS)('%s GET %s → %j', async (id, target, statuses) => {
    const res = await send(suite.s.port, `GET ${target} HTTP/1.1\r\nHost: localhost\r\n\r\n`)
    expect(statuses, `${id} ${target}\n${show(res)}`).toContain(res.status)
    expectSafe(res, `${id} ${target}`, suite.s.site.base)
    await expectAlive(suite.s.port, `${id} ${target}`)
  })

  test.each(TARGETS.filter(([id]) => /^(T|S|G[1-6])/.test(id)).slice(0, 12))('%s HEAD %s → not 200 either', async (id, target, statuses) => {
    const res = await send(suite.s.port, `HEAD ${target} HTTP/1.1\r\nHost: localhost\r\n\r\n`, { head: true })
    expect(statuses, `${id} HEAD ${target}\n${show(res)}`).toContain(res.status)
  })

  test.each([
    ['T10', 'GET http://localhost/../outside.txt HTTP/1.1'],
    ['T10', 'GET http://localhost/%2e%2e/outside.txt HTTP/1.1'],
    ['S1 absolute-form', 'GET http://localhost/../www-secret/secret.txt HTTP/1.1'],
    ['G2 absolute-form', 'GET http://localhost//private/s.txt HTTP/1.1'],
  ])('%s %s → 400/403', async (id, line) => {
    const res = await send(suite.s.port, `${line}\r\nHost: localhost\r\n\r\n`)
    expect(BAD, `${id}\n${show(res)}`).toContain(res.status)
    expectSafe(res, id, suite.s.site.base)
    await expectAlive(suite.s.port, id)
  })

  test('T12 GET /file.txt?x=/../../etc/passwd → 200 file.txt (query never maps)', async () => {
    const res = await request(suite.s.port, 'GET', '/file.txt?x=/../../etc/passwd')
    expect(res.status).toBe(200)
    expect(res.body.equals(FILE_TXT)).toBe(true)
  })

  test.each(['/secret.txt?x=/file.txt', '/secret.txt?/file.txt', '/secret.txt#/file.txt', '/file.txt#x'])('T12 GET %s: the query/fragment never changes the mapping', async target => {
    const res = await send(suite.s.port, `GET ${target} HTTP/1.1\r\nHost: localhost\r\n\r\n`)
    if (target.startsWith('/file.txt')) expect([200, 400], show(res)).toContain(res.status)
    else {
      expect(BAD, show(res)).toContain(res.status)
      expectSafe(res, target, suite.s.site.base)
    }
  })

  test('G11 GET /secret.js with Accept-Encoding: gzip → 403 (variants only for listed bases)', async () => {
    const res = await request(suite.s.port, 'GET', '/secret.js', { 'Accept-Encoding': 'gzip' })
    expect(res.status).toBe(403)
    expectNoSecrets(res.body, 'G11')
  })

  test('G12 preflight OPTIONS //private/s.txt gets the same decision as its canonical path (or 400/403)', async () => {
    const pre = { Origin: 'https://x.example', 'Access-Control-Request-Method': 'GET' }
    const canonical = await request(suite.s.port, 'OPTIONS', '/private/s.txt', pre)
    const doubled = await request(suite.s.port, 'OPTIONS', '//private/s.txt', pre)
    expect([canonical.status, 400, 403], show(doubled)).toContain(doubled.status)
  })

  test('R4 GET /sub → 301/308 Location: /sub/ (relative, one leading slash) or the index', async () => {
    const res = await request(suite.s.port, 'GET', '/sub')
    expect([200, 301, 308]).toContain(res.status)
    if (res.status !== 200) expect(h(res, 'location')).toBe('/sub/')
  })

  test.each(['/sub?next=//evil.com', '/sub?next=%2F%2Fevil.com', '/sub?%0d%0aSet-Cookie:%20x=y', '/sub?a=b#frag'])('R5 GET %s → Location stays under /sub/ (never host-relative, never injected)', async target => {
    const res = await send(suite.s.port, `GET ${target} HTTP/1.1\r\nHost: localhost\r\n\r\n`)
    expect([200, 301, 308, 400], show(res)).toContain(res.status)
    expect(res.headers.has('set-cookie')).toBe(false)
    const loc = h(res, 'location')
    if (loc !== undefined) expect(loc, show(res)).toMatch(/^\/sub\/(\?[^\r\n]*)?$/)
  })

  test.each([
    ['R6 Host: 127.0.0.1:1', 'GET /sub HTTP/1.1\r\nHost: 127.0.0.1:1\r\n\r\n'],
    ['P10 absolute-form with another authority', 'GET http://app.localhost/sub HTTP/1.1\r\nHost: localhost\r\n\r\n'],
    ['X-Forwarded-Host', 'GET /sub HTTP/1.1\r\nHost: localhost\r\nX-Forwarded-Host: evil.com\r\nX-Forwarded-Proto: https\r\n\r\n'],
  ])('%s: the redirect Location never names that host', async (_id, raw) => {
    const res = await send(suite.s.port, raw)
    expect([301, 308], show(res)).toContain(res.status)
    expect(h(res, 'location')).toBe('/sub/')
  })

  // The server listens on loopback only: a foreign host (a DNS-rebinding page) gets 421 before anything
  // else runs, so it never sees a redirect, a file or the host's name.
  test.each([
    ['R6 Host: evil.com', 'GET /sub HTTP/1.1\r\nHost: evil.com\r\n\r\n'],
    ['P10 absolute-form with a foreign authority', 'GET http://evil.com/sub HTTP/1.1\r\nHost: localhost\r\n\r\n'],
  ])('%s on a loopback server → 421, nothing names that host', async (_id, raw) => {
    const res = await send(suite.s.port, raw)
    expect(res.status, show(res)).toBe(421)
    expect(h(res, 'location')).toBeUndefined()
    expect(show(res)).not.toContain('evil')
  })

  test('P10 GET http://app.localhost/file.txt → 200 file.txt; http://app.localhost/secret.txt → 403', async () => {
    const a = await send(suite.s.port, 'GET http://app.localhost/file.txt HTTP/1.1\r\nHost: app.localhost\r\n\r\n')
    expect(a.status, show(a)).toBe(200)
    expect(a.body.equals(FILE_TXT)).toBe(true)
    const b = await send(suite.s.port, 'GET http://app.localhost/secret.txt HTTP/1.1\r\nHost: app.localhost\r\n\r\n')
    expect(b.status, show(b)).toBe(403)
  })

  /** Raw requests that the HTTP/1.1 parser must refuse: [id, bytes, allowed statuses]. */
  const RAW: Array<[id: string, raw: string, statuses: number[]]> = [
    ['N3 form feed in target', 'GET /fi\x0cle.txt HTTP/1.1\r\nHost: localhost\r\n\r\n', [400]],
    ['N3 space in target', 'GET /a b HTTP/1.1\r\nHost: localhost\r\n\r\n', [400]],
    ['N3 tab in target', 'GET /a\tb HTTP/1.1\r\nHost: localhost\r\n\r\n', [400]],
    ['N3 raw NUL', 'GET /file.txt\x00 HTTP/1.1\r\nHost: localhost\r\n\r\n', [400]],
    ['N3 raw DEL', 'GET /file\x7f.txt HTTP/1.1\r\nHost: localhost\r\n\r\n', [400]],
    ['N3 raw high byte', 'GET /\xfcn.txt HTTP/1.1\r\nHost: localhost\r\n\r\n', [400]],
    ['X2', 'GET /"><img src=x> HTTP/1.1\r\nHost: localhost\r\n\r\n', [400]],
    ['P1 no Host', 'GET /file.txt HTTP/1.1\r\n\r\n', [400]],
    ['P1 two Host lines', 'GET /file.txt HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n', [400]],
    ['P1 Host: a b', 'GET /file.txt HTTP/1.1\r\nHost: a b\r\n\r\n', [400]],
    ['P1 absolute-form without Host (HTTP/1.1 MUST send Host, §3.2)', 'GET http://localhost/file.txt HTTP/1.1\r\n\r\n', [400]],
    ['P1 Host with path', 'GET /file.txt HTTP/1.1\r\nHost: a/b\r\n\r\n', [400]],
    ['P3 Content-Length: 5, 6', 'GET /file.txt HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5, 6\r\n\r\nhello', [400]],
    ['P3 two different Content-Length lines', 'GET /file.txt HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!', [400]],
    ['P3 negative Content-Length', 'GET /file.txt HTTP/1.1\r\nHost: localhost\r\nContent-Length: -1\r\n\r\n', [400]],
    ['P3 Content-Length +5', 'GET /file.txt HTTP/1.1\r\nHost: localhost\r\nContent-Length: +5\r\n\r\nhello', [400]],
    ['P5 bare LF line endings', 'GET /file.txt HTTP/1.1\nHost: x\n\n', [400]],
    ['P5 bare CR in a header value', 'GET /file.txt HTTP/1.1\r\nHost: localhost\r\nX-A: a\rb\r\n\r\n', [400]],
    ['P5 obs-fold', 'GET /file.txt HTTP/1.1\r\nHost: localhost\r\nX-A: a\r\n b\r\n\r\n', [400]],
    ['P5 leading whitespace before the first header', 'GET /file.txt HTTP/1.1\r\n Host: localhost\r\n\r\n', [400]],
    ['P11 space before colon', 'GET /file.txt HTTP/1.1\r\nHost : x\r\n\r\n', [400]],
    ['P11 space in a header name', 'GET /file.txt HTTP/1.1\r\nHost: localhost\r\nX A: b\r\n\r\n', [400]],
    ['P11 header without a colon', 'GET /file.txt HTTP/1.1\r\nHost: localhost\r\nNoColon\r\n\r\n', [400]],
    ['P11 empty header name', 'GET /file.txt HTTP/1.1\r\nHost: localhost\r\n: v\r\n\r\n', [400]],
    ['P7 HTTP/2.0', 'GET /file.txt HTTP/2.0\r\nHost: localhost\r\n\r\n', [505]],
    ['P7 HTTP/3.0', 'GET /file.txt HTTP/3.0\r\nHost: localhost\r\n\r\n', [505]],
    ['P7 malformed version HTTP/1', 'GET /file.txt HTTP/1\r\nHost: localhost\r\n\r\n', [400]],
    ['P7 lowercase http/1.1', 'GET /file.txt http/1.1\r\nHost: localhost\r\n\r\n', [400]],
    ['request line with two spaces', 'GET  /file.txt HTTP/1.1\r\nHost: localhost\r\n\r\n', [400]],
    ['asterisk-form with GET', 'GET * HTTP/1.1\r\nHost: localhost\r\n\r\n', [400]],
    ['authority-form with GET', 'GET localhost:80 HTTP/1.1\r\nHost: localhost\r\n\r\n', [400]],
    ['relative target', 'GET file.txt HTTP/1.1\r\nHost: localhost\r\n\r\n', [400]],
    ['HTTP/2 prior-knowledge preface', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', [400, 505]],
    ['NUL in a header value', 'GET /file.txt HTTP/1.1\r\nHost: localhost\r\nX-A: a\x00b\r\n\r\n', [400]],
  ]
  test.each(RAW)('%s → %j', async (id, raw, statuses) => {
    const res = await send(suite.s.port, raw)
    expect(statuses, `${id}\n${show(res)}`).toContain(res.status)
    expect(res.body.includes(FILE_TXT), `${id}: the file was served`).toBe(false)
    if (res.status < 500) expect(h(res, 'date'), `Date is a MUST on 4xx (RFC 9110 §6.6.1)\n${show(res)}`).toBeDefined()
    await expectAlive(suite.s.port, id)
  })

  test.each(RAW.filter(([id]) => id.startsWith('P3')))('%s: after the 400 the connection is closed and a pipelined request is not answered (RFC 9112 §6.3)', async (id, raw) => {
    const c = await RawClient.connect(suite.s.port)
    try {
      c.write(raw + req('GET', '/index.html'))
      const res = await c.readResponse()
      expect(res.status, `${id}\n${show(res)}`).toBe(400)
      expect(await c.waitForEnd(2000), `${id}: connection still open after an unrecoverable framing error`).toBe(true)
      expect(c.pending.toString('latin1')).not.toMatch(/HTTP\/1\.1 \d{3}/)
    } finally {
      c.close()
    }
  })

  const BAD_CHUNKED: Array<[id: string, body: string]> = [
    ['non-hex chunk size', 'zz\r\nhello\r\n0\r\n\r\n'],
    ['chunk size overflow', 'fffffffffffffffffff\r\nhello\r\n0\r\n\r\n'],
    ['chunk data longer than its size', '3\r\nhello\r\n0\r\n\r\n'],
    ['negative chunk size', '-5\r\nhello\r\n0\r\n\r\n'],
  ]
  test.each(BAD_CHUNKED)('chunked request body with a %s → at most ONE response for the request, then close (no second response on the wire)', async (id, body) => {
    const c = await RawClient.connect(suite.s.port)
    try {
      c.write(`GET /file.txt HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n${body}`)
      const all = (await c.readAll(2000)).toString('latin1')
      const statuses = [...all.matchAll(/HTTP\/1\.1 (\d{3})/g)].map(m => m[1])
      expect(statuses.length, `${id}: ${statuses.length} responses to one request: ${JSON.stringify(statuses)}\n${all}`).toBeLessThanOrEqual(1)
      expect(c.ended, `${id}: connection must close after invalid chunked framing (RFC 9112 §7.1)`).toBe(true)
    } finally {
      c.close()
    }
    await expectAlive(suite.s.port, id)
  })

  test('P6 10 KB request line → 414; 20 KB of headers → 431; then the connection is closed', async () => {
    const c1 = await RawClient.connect(suite.s.port)
    try {
      c1.write(`GET /${'a'.repeat(10 * 1024)} HTTP/1.1\r\nHost: localhost\r\n\r\n`)
      const res = await c1.readResponse()
      expect(res.status, show(res)).toBe(414)
      expect(await c1.waitForEnd(2000), 'closed after 414').toBe(true)
    } finally {
      c1.close()
    }
    const c2 = await RawClient.connect(suite.s.port)
    try {
      const headers = Array.from({ length: 20 }, (_, i) => `X-Filler-${i}: ${'b'.repeat(1000)}`).join('\r\n')
      c2.write(`GET /file.txt HTTP/1.1\r\nHost: localhost\r\n${headers}\r\n\r\n`)
      const res = await c2.readResponse()
      expect(res.status, show(res)).toBe(431)
      expect(await c2.waitForEnd(2000), 'closed after 431').toBe(true)
    } finally {
      c2.close()
    }
    await expectAlive(suite.s.port, 'P6')
  })

  test('P7 HTTP/1.2 → processed as HTTP/1.1 (RFC 9110 §2.5 SHOULD) or 505', async () => {
    const res = await send(suite.s.port, 'GET /file.txt HTTP/1.2\r\nHost: localhost\r\n\r\n')
    expect([200, 505], show(res)).toContain(res.status)
    if (res.status === 200) expect(res.body.equals(FILE_TXT)).toBe(true)
  })

  test('P1 HTTP/1.0 without Host is fine → 200', async () => {
    const c = await RawClient.connect(suite.s.port)
    try {
      c.write('GET /file.txt HTTP/1.0\r\n\r\n')
      const res = await c.readResponse()
      expect(res.status, show(res)).toBe(200)
      expect(res.body.equals(FILE_TXT)).toBe(true)
    } finally {
      c.close()
    }
  })

  test('P2 Content-Length + Transfer-Encoding on a GET → one answer (400, or the TE-framed request), then close; the smuggled request is never answered', async () => {
    const c = await RawClient.connect(suite.s.port)
    try {
      const smuggled = 'GET /secret.txt HTTP/1.1\r\nHost: localhost\r\n\r\n'
      c.write(`GET /file.txt HTTP/1.1\r\nHost: localhost\r\nContent-Length: ${5 + smuggled.length}\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n${smuggled}`)
      const first = await c.readResponse()
      expect([400, 200], show(first)).toContain(first.status)
      expect(await c.waitForEnd(3000), 'the connection must be closed (RFC 9112 §6.1)').toBe(true)
      const rest = c.pending.toString('latin1')
      expect(rest, 'a second response was sent').not.toMatch(/HTTP\/1\.1 \d{3}/)
    } finally {
      c.close()
    }
    await expectAlive(suite.s.port, 'P2')
  })

  test('P2 Transfer-Encoding: gzip, chunked / unknown coding → 400 or 501, then close', async () => {
    for (const te of ['gzip, chunked', 'xchunked', 'chunked, identity']) {
      const c = await RawClient.connect(suite.s.port)
      try {
        c.write(`GET /file.txt HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: ${te}\r\n\r\n0\r\n\r\n`)
        const res = await c.readResponse()
        expect([400, 501], `TE ${te}\n${show(res)}`).toContain(res.status)
      } finally {
        c.close()
      }
    }
    await expectAlive(suite.s.port, 'P2 TE')
  })

  test('P4 GET with a 5-byte body, then a pipelined GET: body drained (both 200) or rejected and closed', async () => {
    const c = await RawClient.connect(suite.s.port)
    try {
      c.write('GET /file.txt HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n\r\nhelloGET /index.html HTTP/1.1\r\nHost: localhost\r\n\r\n')
      const a = await c.readResponse()
      if (a.status === 400) {
        expect(await c.waitForEnd(2000)).toBe(true)
        return
      }
      expect(a.status, show(a)).toBe(200)
      expect(a.body.equals(FILE_TXT)).toBe(true)
      const b = await c.readResponse()
      expect(b.status, show(b)).toBe(200)
      expect(b.body.equals(INDEX_HTML)).toBe(true)
    } finally {
      c.close()
    }
  })

  test('P4 GET with a chunked body, then a pipelined GET → both answered correctly (or 400 + close)', async () => {
    const c = await RawClient.connect(suite.s.port)
    try {
      c.write('GET /file.txt HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\nGET /index.html HTTP/1.1\r\nHost: localhost\r\n\r\n')
      const a = await c.readResponse()
      if (a.status === 400) {
        expect(await c.waitForEnd(2000)).toBe(true)
        return
      }
      expect(a.status, show(a)).toBe(200)
      const b = await c.readResponse()
      expect(b.status, show(b)).toBe(200)
      expect(b.body.equals(INDEX_HTML)).toBe(true)
    } finally {
      c.close()
    }
  })

  test('P8 HTTP/1.0 without keep-alive → response, then close', async () => {
    const c = await RawClient.connect(suite.s.port)
    try {
      c.write('GET /file.txt HTTP/1.0\r\nHost: localhost\r\n\r\n')
      const res = await c.readResponse()
      expect(res.status).toBe(200)
      expect(res.body.equals(FILE_TXT)).toBe(true)
      expect(res.headers.has('transfer-encoding')).toBe(false)
      expect(await c.waitForEnd(2000), 'HTTP/1.0 connection closed').toBe(true)
    } finally {
      c.close()
    }
  })

  test('P9 Expect: 100-continue on a GET → answered (optionally after a 100), no hang', async () => {
    const c = await RawClient.connect(suite.s.port)
    try {
      c.write('GET /file.txt HTTP/1.1\r\nHost: localhost\r\nExpect: 100-continue\r\n\r\n')
      let res = await c.readResponse({ timeoutMs: 3000 })
      if (res.status === 100) res = await c.readResponse({ timeoutMs: 3000 })
      expect([200, 417], show(res)).toContain(res.status)
      if (res.status === 200) expect(res.body.equals(FILE_TXT)).toBe(true)
    } finally {
      c.close()
    }
  })

  test('P12 304 / HEAD / 204 / 403 on keep-alive carry no chunked terminator or body bytes', async () => {
    const c = await RawClient.connect(suite.s.port)
    try {
      c.write(
        req('GET', '/file.txt', { 'If-None-Match': suite.etag }) +
          req('HEAD', '/file.txt') +
          req('OPTIONS', '/file.txt', { Origin: 'https://x.example', 'Access-Control-Request-Method': 'GET' }) +
          req('GET', '/secret.txt') +
          req('GET', '/file.txt'),
      )
      const a = await c.readResponse()
      const b = await c.readResponse({ head: true })
      const d = await c.readResponse()
      const e = await c.readResponse()
      const f = await c.readResponse()
      expect([a.status, b.status, d.status, e.status, f.status]).toEqual([304, 200, 204, 403, 200])
      for (const r of [a, b, d]) expect(r.headers.has('transfer-encoding'), show(r)).toBe(false)
      expect(f.body.equals(FILE_TXT)).toBe(true)
      await sleep(100)
      expect(c.pending.length, JSON.stringify(c.pending.toString('latin1'))).toBe(0)
    } finally {
      c.close()
    }
  })

  test('garbage and a half request do not take the server down', async () => {
    for (const raw of ['\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03', 'HELLO\r\n\r\n', '\r\n\r\n\r\n', 'GET /file.txt HTTP/1.1\r\nHost: localhost\r\n']) {
      const c = await RawClient.connect(suite.s.port)
      c.write(raw)
      await sleep(50)
      c.close()
    }
    await expectAlive(suite.s.port, 'garbage')
  })
})
