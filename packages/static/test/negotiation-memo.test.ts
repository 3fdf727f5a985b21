import fc from 'fast-check'
import { negotiateEncoding, type ContentCoding } from 'tinyhttp-core'
import { describe, expect, it } from 'vitest'
import { NegotiationMemo } from '../src/negotiation-memo.js'

const SETS: ContentCoding[][] = [[], ['br'], ['gzip'], ['zstd'], ['br', 'gzip'], ['br', 'zstd', 'gzip'], ['zstd', 'gzip']]

describe('NegotiationMemo', () => {
  it.each([
    ['gzip, deflate, br, zstd', ['br', 'gzip'], 'br'],
    ['gzip, deflate, br, zstd', ['gzip'], 'gzip'],
    ['gzip, deflate, br, zstd', [], 'identity'],
    ['identity;q=0', [], null],
    ['identity;q=0', ['gzip'], null],
    ['identity;q=0, gzip', ['gzip'], 'gzip'],
    ['br;q=0.1, gzip;q=0.9', ['br', 'gzip'], 'gzip'],
  ] as const)('%s over %j → %s, the same on the second call', (header, offered, expected) => {
    const memo = new NegotiationMemo()
    expect(memo.negotiate(header, offered)).toBe(expected)
    expect(memo.negotiate(header, offered)).toBe(expected)
  })

  it('no header → identity', () => {
    expect(new NegotiationMemo().negotiate(undefined, ['br'])).toBe('identity')
  })

  it('property: always what negotiateEncoding says, whatever was asked before (sets never mix, bounded memo)', () => {
    const element = fc.oneof(
      fc.constantFrom('br', 'gzip', 'x-gzip', 'zstd', 'identity', '*', 'deflate', 'BR', ''),
      fc.string({ maxLength: 6 }),
    )
    const weighted = fc.tuple(element, fc.option(fc.constantFrom('q=0', 'q=1', 'q=0.5', 'q=0.001', 'q=abc', 'q=1.0001', 'Q=0.3'))).map(([t, q]) => (q === null ? t : `${t};${q}`))
    const header = fc.array(weighted, { maxLength: 6 }).map(parts => parts.join(','))
    const memo = new NegotiationMemo(4)
    fc.assert(
      fc.property(fc.array(fc.tuple(header, fc.constantFrom(...SETS)), { minLength: 1, maxLength: 20 }), calls => {
        for (const [h, offered] of calls) expect(memo.negotiate(h, offered)).toBe(negotiateEncoding(h, offered))
      }),
      { numRuns: 300 },
    )
  })
})
