import { describe, expect, it } from 'vitest'
import { negotiateEncoding, type ContentCoding } from '../../src/content-coding.js'

const ALL: ContentCoding[] = ['br', 'zstd', 'gzip']
const BR_GZIP: ContentCoding[] = ['br', 'gzip']

// [Accept-Encoding, available, expected] — RFC 9110 §12.5.3.
const CASES: Array<[string | undefined, ContentCoding[], ContentCoding | 'identity' | null]> = [
  [undefined, ALL, 'identity'],
  ['', ALL, 'identity'],
  ['gzip', ALL, 'gzip'],
  ['gzip, br', BR_GZIP, 'br'],
  ['gzip, deflate, br, zstd', ALL, 'br'],
  ['gzip, zstd', ALL, 'zstd'],
  ['gzip, zstd', BR_GZIP, 'gzip'],
  ['br;q=0.1, gzip;q=0.9', BR_GZIP, 'gzip'],
  ['br;q=0.9, gzip;q=0.9', BR_GZIP, 'br'],
  ['br;q=0, gzip', BR_GZIP, 'gzip'],
  ['br;q=0, gzip;q=0', BR_GZIP, 'identity'],
  ['*', BR_GZIP, 'br'],
  ['*;q=0.5, gzip', BR_GZIP, 'gzip'],
  ['*;q=0.5, br;q=0.2', BR_GZIP, 'gzip'],
  ['*;q=0', BR_GZIP, null],
  ['*;q=0, identity', BR_GZIP, 'identity'],
  ['*;q=0, gzip', BR_GZIP, 'gzip'],
  ['identity;q=0', [], null],
  ['identity;q=0', BR_GZIP, null],
  ['identity;q=0, gzip', BR_GZIP, 'gzip'],
  ['identity', BR_GZIP, 'identity'],
  ['identity;q=0.5, gzip;q=0.4', BR_GZIP, 'identity'],
  ['identity;q=0.5, gzip;q=0.5', BR_GZIP, 'gzip'],
  ['gzip;q=0.5, *;q=0.8', ['gzip'], 'identity'],
  ['deflate', BR_GZIP, 'identity'],
  ['x-gzip', BR_GZIP, 'gzip'],
  ['GZIP', BR_GZIP, 'gzip'],
  ['Br', BR_GZIP, 'br'],
  ['gzip;Q=0.5', BR_GZIP, 'gzip'],
  ['br', [], 'identity'],
  ['br, gzip', ['gzip'], 'gzip'],
  // A token listed twice keeps its highest weight.
  ['br;q=0, br;q=0.5, gzip;q=0.4', BR_GZIP, 'br'],
  // Malformed weights skip the element: never a coding the client did not accept.
  ['br;q=abc, gzip', BR_GZIP, 'gzip'],
  ['br;q=1.0001, gzip', BR_GZIP, 'gzip'],
  ['br;q=1.5', BR_GZIP, 'identity'],
  ['br;q=-1', BR_GZIP, 'identity'],
  ['br;q=', BR_GZIP, 'identity'],
  ['br;level=3', BR_GZIP, 'identity'],
  ['br;q=0.5;q=0.6', BR_GZIP, 'br'],
  [',,, ,gzip,,', BR_GZIP, 'gzip'],
  [' ; ,gzip', BR_GZIP, 'gzip'],
  ['gzip ; q=0.3 , br ; q=0.2', BR_GZIP, 'gzip'],
  ['br;q=1.000', BR_GZIP, 'br'],
  ['br;q=0.000, gzip;q=0.001', BR_GZIP, 'gzip'],
]

describe('negotiateEncoding (RFC 9110 §12.5.3)', () => {
  for (const [header, available, expected] of CASES) {
    it(`${JSON.stringify(header)} with [${available.join(', ')}] → ${String(expected)}`, () => {
      expect(negotiateEncoding(header, available)).toBe(expected)
    })
  }

  it('10 000 codings and a 64 KB value: answers, and only with a listed coding', () => {
    const many = Array.from({ length: 10_000 }, (_, i) => `c${i};q=0.5`).join(', ') + ', gzip;q=0.1'
    expect(negotiateEncoding(many, BR_GZIP)).toBe('gzip')
    const long = 'x'.repeat(64 * 1024) + ', br'
    expect(negotiateEncoding(long, BR_GZIP)).toBe('br')
    expect(negotiateEncoding(';'.repeat(64 * 1024), BR_GZIP)).toBe('identity')
  })
})
