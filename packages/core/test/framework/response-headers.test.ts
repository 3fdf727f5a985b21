import { describe, expect, it } from 'vitest'
import { PreparedHeaders, ResponseHeaders } from '../../src/http/response-headers.js'

/** The field lines the head encoder writes for these headers: the prepared block's, then the own ones. */
function fieldLines(h: ResponseHeaders): string {
  return (h.prepared?.text ?? '') + h.serializeOwn()
}

describe('ResponseHeaders', () => {
  it.each([
    ['X-A', 'a\r\nSet-Cookie: x=y'],
    ['X-A', 'a\nb'],
    ['X-A', 'a\rb'],
    ['X-A', 'a\0b'],
    ['X-A', 'caf\u20ac'],
    ['X A', 'v'],
    ['X-A\r\n', 'v'],
    ['', 'v'],
  ])('refuses %j: %j (no response splitting)', (name, value) => {
    const h = new ResponseHeaders()
    expect(() => h.set(name, value)).toThrow(TypeError)
    expect(() => h.append(name, value)).toThrow(TypeError)
  })

  it('owns framing fields', () => {
    const h = new ResponseHeaders()
    for (const name of ['Content-Length', 'transfer-encoding', 'Connection', 'Date']) expect(() => h.set(name, '1')).toThrow(TypeError)
  })

  it('set replaces, append adds, get joins, delete removes, case-insensitively', () => {
    const h = new ResponseHeaders()
    h.set('Vary', 'Accept-Encoding')
    h.append('vary', 'Origin')
    expect(h.get('VARY')).toBe('Accept-Encoding, Origin')
    h.set('Vary', 'X')
    expect(h.get('vary')).toBe('X')
    expect(h.delete('vary')).toBe(true)
    expect(h.has('vary')).toBe(false)
    expect(fieldLines(h)).toBe('')
  })

  it('merges a prepared block with fields set later, and materializes it on delete', () => {
    const prepared = new PreparedHeaders([
      ['Content-Type', 'text/css'],
      ['ETag', '"abc"'],
    ])
    const h = new ResponseHeaders()
    h.usePrepared(prepared)
    h.set('Access-Control-Allow-Origin', '*')
    expect(fieldLines(h)).toBe('Content-Type: text/css\r\nETag: "abc"\r\nAccess-Control-Allow-Origin: *\r\n')
    h.set('ETag', '"new"')
    expect(fieldLines(h)).toBe('Content-Type: text/css\r\nAccess-Control-Allow-Origin: *\r\nETag: "new"\r\n')
    expect(prepared.text).toBe('Content-Type: text/css\r\nETag: "abc"\r\n')
    expect([...h.entries()].map(([n]) => n)).toEqual(['Content-Type', 'Access-Control-Allow-Origin', 'ETag'])
  })

  it('validates prepared blocks too', () => {
    expect(() => new PreparedHeaders([['X', 'a\r\nb']])).toThrow(TypeError)
    expect(() => new PreparedHeaders([['Content-Length', '5']])).toThrow(TypeError)
  })
})

describe('ResponseHeaders.usePrepared', () => {
  it('replaces fields of the same name set before, keeps the others', () => {
    const h = new ResponseHeaders()
    h.set('Cache-Control', 'no-store')
    h.set('X-Early', '1')
    h.usePrepared(new PreparedHeaders([['Cache-Control', 'no-cache']]))
    expect(h.get('cache-control')).toBe('no-cache')
    expect(fieldLines(h)).toBe('Cache-Control: no-cache\r\nX-Early: 1\r\n')
  })
})

describe('ResponseHeaders.prepared and hasOwnFields', () => {
  it('tell a bare prepared block from one with fields besides it', () => {
    const block = new PreparedHeaders([['Content-Type', 'text/css'], ['ETag', '"abc"']])
    const h = new ResponseHeaders()
    expect(h.prepared).toBe(null)
    expect(h.hasOwnFields).toBe(false)
    h.usePrepared(block)
    expect(h.prepared).toBe(block)
    expect(h.hasOwnFields).toBe(false)
    h.append('Vary', 'Origin')
    expect(h.prepared).toBe(block)
    expect(h.hasOwnFields).toBe(true)
  })

  it('a deleted prepared field leaves no block: the rest became own fields', () => {
    const h = new ResponseHeaders()
    h.usePrepared(new PreparedHeaders([['Content-Type', 'text/css'], ['ETag', '"abc"']]))
    h.delete('etag')
    expect(h.prepared).toBe(null)
    expect(h.hasOwnFields).toBe(true)
    expect(fieldLines(h)).toBe('Content-Type: text/css\r\n')
  })
})
