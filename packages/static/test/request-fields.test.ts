import { describe, expect, it } from 'vitest'
import { readRequestFields } from '../src/request-fields.js'

describe('readRequestFields', () => {
  it('collects the fields case-insensitively and joins repeated lines', () => {
    const f = readRequestFields([
      'Host', 'x',
      'IF-NONE-MATCH', '"a"',
      'if-none-match', '"b"',
      'If-Modified-Since', 'd1',
      'If-Match', 'm',
      'If-Unmodified-Since', 'u',
      'If-Range', 'r',
      'RANGE', 'bytes=0-1',
      'Accept-Encoding', 'gzip',
      'Accept', 'text/html',
      'Accept-Language', 'en',
      'Ifx', 'no',
      'If-Rangez', 'no',
    ])
    expect(f).toEqual({
      conditional: true,
      ifMatch: 'm',
      ifNoneMatch: '"a", "b"',
      ifModifiedSince: 'd1',
      ifUnmodifiedSince: 'u',
      ifRange: 'r',
      range: 'bytes=0-1',
      acceptEncoding: 'gzip',
    })
  })
  it('If-Range and Range alone are not preconditions', () => {
    const f = readRequestFields(['If-Range', '"x"', 'Range', 'bytes=0-1'])
    expect(f.conditional).toBe(false)
  })
  it('nothing relevant', () => {
    expect(readRequestFields(['Host', 'x', 'User-Agent', 'y']).conditional).toBe(false)
  })
})
