import { describe, expect, it } from 'vitest'
import { canonicalizePath } from '../../src/path/canonical-path.js'
import { encodePath } from '../../src/path/encode-path.js'

describe('encodePath', () => {
  it.each([
    ['/', '/'],
    ['/index.html', '/index.html'],
    ['/a/b/', '/a/b/'],
    ['/€.txt', '/%E2%82%AC.txt'],
    ['/café', '/caf%C3%A9'],
    ['/😀', '/%F0%9F%98%80'],
    ['/sp ace.txt', '/sp%20ace.txt'],
    ['/a%b', '/a%25b'],
    ['/%2e%2e', '/%252e%252e'],
    ['/#?', '/%23%3F'],
    ['/"<>`{}|^[]\\', '/%22%3C%3E%60%7B%7D%7C%5E%5B%5D%5C'],
    ["/keep-._~!$&'()*+,;=:@", "/keep-._~!$&'()*+,;=:@"],
    ['/\r\nSet-Cookie: x=y', '/%0D%0ASet-Cookie:%20x=y'],
    ['/\u0000\u007f\u0085', '/%00%7F%C2%85'],
  ])('%j → %j', (input, expected) => {
    expect(encodePath(input)).toBe(expected)
  })

  it('never produces a protocol-relative "//host" (R1–R3), even from a non-canonical input', () => {
    expect(encodePath('//evil.com/x')).toBe('/%2Fevil.com/x')
    expect(encodePath('///evil.com')).toBe('/%2F/evil.com')
    expect(encodePath('/\\evil.com')).toBe('/%5Cevil.com')
    // ...and the encoded form is refused, not read as a host
    expect(canonicalizePath(encodePath('//evil.com/x'))).toEqual({ ok: false, reason: 'encoded-separator' })
  })

  it('never produces a scheme from a relative input', () => {
    expect(encodePath('javascript:alert(1)')).toBe('javascript%3Aalert(1)')
    expect(encodePath('a:b/c:d')).toBe('a%3Ab/c:d')
    expect(encodePath('/a:b')).toBe('/a:b')
  })

  it('encodes a lone surrogate as U+FFFD instead of throwing', () => {
    expect(encodePath('/\ud800')).toBe('/%EF%BF%BD')
    expect(encodePath('/\udc00x\ud83d')).toBe('/%EF%BF%BDx%EF%BF%BD')
  })

  it('returns the very same string when nothing needs encoding', () => {
    const s = '/static/app.3f2a.js'
    expect(encodePath(s)).toBe(s)
  })
})
