import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { RulesConfigError, parseHeaders } from '../src/index.js'

const fixture = readFileSync(new URL('./fixtures/_headers', import.meta.url), 'utf8')

describe('parseHeaders: the example file', () => {
  const rules = parseHeaders(fixture, 'public/_headers')

  it('reads every block, in order, with its line', () => {
    expect(rules.routes).toEqual([])
    expect(rules.headers.map(r => [r.pattern.text, r.source.line])).toEqual([
      ['/*', 3],
      ['/index.html', 8],
      ['/assets/*', 11],
      ['/sw.js', 14],
      ['/wasm/:page', 17],
      ['/api/*', 22],
    ])
    expect(rules.headers.every(r => r.source.file === 'public/_headers')).toBe(true)
  })

  it('keeps names and values as written, removals as null, repeated names joined', () => {
    expect(rules.headers[0]!.headers).toEqual([
      ['X-Content-Type-Options', 'nosniff'],
      ['Referrer-Policy', 'strict-origin-when-cross-origin'],
      ['X-Powered-By', null],
    ])
    expect(rules.headers[2]!.headers).toEqual([['Cache-Control', 'public, max-age=31536000, immutable']])
    expect(rules.headers[5]!.headers).toEqual([['Link', '</style.css>; rel=preload; as=style, </app.js>; rel=preload; as=script']])
  })

  it('accepts CRLF line ends, tabs and a byte-order mark', () => {
    const r = parseHeaders('\ufeff/a\r\n\tX-A: 1\r\n', 'h')
    expect(r.headers[0]!.headers).toEqual([['X-A', '1']])
  })

  it('an empty file or only comments gives no rules', () => {
    expect(parseHeaders('', 'h').headers).toEqual([])
    expect(parseHeaders('# nothing\n\n   # indented comment\n', 'h').headers).toEqual([])
  })
})

describe('parseHeaders: every fault names the line', () => {
  it.each<[string, number, RegExp]>([
    ['  X-A: 1\n', 1, /before any path/],
    ['/a\n/b\n  X-A: 1\n', 1, /no header lines/],
    ['/a\n  X-A: 1\n/b\n', 3, /no header lines/],
    ['/a\n  X-A 1\n', 2, /"Name: value"/],
    ['/a\n  : 1\n', 2, /without a name/],
    ['/a\n  X-A:\n', 2, /empty value/],
    ['/a\n  !\n', 2, /without a name/],
    ['/a\n  X A: 1\n', 2, /not a valid header name/],
    ['/a\n  X-A : 1\n', 2, /not a valid header name/],
    ['/a\n  X-A: caf\u00e9\u20ac\n', 2, /not a valid field value/],
    ['/a\n  X-A: a\u0000b\n', 2, /not a valid field value/],
    ['/a\n  Content-Length: 5\n', 2, /Content-Length is set by the server/],
    ['/a\n  transfer-encoding: chunked\n', 2, /set by the server/],
    ['/a\n  Connection: close\n', 2, /set by the server/],
    ['/a\n  Keep-Alive: timeout=5\n', 2, /set by the server/],
    ['/a\n  Upgrade: h2c\n', 2, /set by the server/],
    ['/a\n  TE: trailers\n', 2, /set by the server/],
    ['/a\n  Trailer: X\n', 2, /set by the server/],
    ['/a\n  Proxy-Connection: x\n', 2, /set by the server/],
    ['/a\n  Content-Encoding: gzip\n', 2, /set by the server/],
    ['/a\n  ! ETag\n', 2, /set by the server/],
    ['/a\n  X-A: 1\n  ! X-A\n', 3, /both set and removed/],
    ['/a\n  X-A: 1\n/admin/*\n  Basic-Auth: user:secret\n', 4, /Basic-Auth \(Netlify password protection\) is not supported/],
    ['/a\n  basic-auth: u:p u2:p2\n', 2, /Basic-Auth/],
    ['/a\n  Set-Cookie: a=1\n  Set-Cookie: b=2\n', 3, /Set-Cookie repeated/],
    ['/a /b\n  X-A: 1\n', 1, /one path/],
    ['https://x.pages.dev/*\n  X-A: 1\n', 1, /domain-level/],
    ['/a/../b\n  X-A: 1\n', 1, /never match/],
    ['/a//b\n  X-A: 1\n', 1, /never match/],
    ['/a%2Fb\n  X-A: 1\n', 1, /never match/],
    ['# c\n\n/*.js\n  X-A: 1\n', 3, /whole last segment/],
  ])('%j → line %i', (text, line, reason) => {
    let caught: unknown
    try {
      parseHeaders(text, '_headers')
    } catch (err) {
      caught = err
    }
    expect(caught).toBeInstanceOf(RulesConfigError)
    const err = caught as RulesConfigError
    expect(err.source).toEqual({ file: '_headers', line })
    expect(err.message.startsWith(`_headers:${line}: `)).toBe(true)
    expect(err.reason).toMatch(reason)
  })
})
