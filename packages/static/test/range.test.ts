import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { coalesce, contentRange, MAX_RANGE_DIGITS, parseRange, unsatisfiedRange, type ByteRange } from '../src/range.js'

const r = (start: number, end: number): ByteRange => ({ start, end })

describe('parseRange: research vectors RG1–RG15 on a 20-byte file', () => {
  const cases: Array<[id: string, header: string, size: number, expected: ReturnType<typeof parseRange>]> = [
    ['RG1 bytes=0-0', 'bytes=0-0', 20, [r(0, 0)]],
    ['RG2 suffix -5', 'bytes=-5', 20, [r(15, 19)]],
    ['RG3 open 15-', 'bytes=15-', 20, [r(15, 19)]],
    ['RG3 clamped 15-999', 'bytes=15-999', 20, [r(15, 19)]],
    ['RG4 last < first', 'bytes=5-2', 20, 'ignore'],
    ['RG5 first = size', 'bytes=20-', 20, 'unsatisfiable'],
    ['RG5 first > size', 'bytes=100-', 20, 'unsatisfiable'],
    ['RG6 suffix 0', 'bytes=-0', 20, 'unsatisfiable'],
    ['RG7 huge last clamps', 'bytes=0-99999999999999999999999', 20, [r(0, 19)]],
    ['RG8 huge first', 'bytes=99999999999999999999-', 20, 'unsatisfiable'],
    ['RG9 trailing garbage', 'bytes=0-1x', 20, 'ignore'],
    ['RG9 letters', 'bytes=a-b', 20, 'ignore'],
    ['RG9 space after =', 'bytes= 0-1', 20, 'ignore'],
    ['RG9 negative last', 'bytes=0--1', 20, 'ignore'],
    ['RG10 unknown unit', 'items=0-1', 20, 'ignore'],
    ['RG11 two ranges', 'bytes=0-1,4-5', 20, [r(0, 1), r(4, 5)]],
    ['RG12 1000 × 0-19', 'bytes=' + Array(1000).fill('0-19').join(','), 20, 'ignore'],
    ['RG13 empty file 0-', 'bytes=0-', 0, 'unsatisfiable'],
    ['RG13 empty file suffix', 'bytes=-5', 0, 'ignore'],
  ]
  it.each(cases)('%s', (_id, header, size, expected) => {
    expect(parseRange(header, size)).toEqual(expected)
  })
  // RG14 (HEAD ignores Range) and RG15 (non-allowlisted file) are decided before parsing: see the socket tests.
})

describe('parseRange: grammar details', () => {
  it.each([
    ['BYTES=0-1', [r(0, 1)]],
    ['Bytes=0-1', [r(0, 1)]],
    ['bytes=0-1 , 4-5', [r(0, 1), r(4, 5)]],
    ['bytes=0-1,\t4-5', [r(0, 1), r(4, 5)]],
    ['bytes=,0-1', [r(0, 1)]],
    ['bytes=0-1,,4-5,', [r(0, 1), r(4, 5)]],
    ['bytes=00000000000000000000001-2', [r(1, 2)]],
    ['bytes=-100', [r(0, 19)]],
    ['bytes=-99999999999999999999999', [r(0, 19)]],
    ['bytes=19-19', [r(19, 19)]],
    ['bytes=5-5', [r(5, 5)]],
  ] as const)('%s', (header, expected) => {
    expect(parseRange(header, 20)).toEqual(expected)
  })

  it.each([
    'bytes',
    'bytes=',
    'bytes =0-1',
    'bytes=-',
    'bytes=1',
    'bytes=+1-2',
    'bytes=1-+2',
    'bytes=1 -2',
    'bytes=1- 2',
    'bytes=0-1;x',
    'bytes=0x1-2',
    'bytes=1.5-2',
    'bytes=,',
    'bytes=0-1,5-2',
    'bytes=0-1 4-5',
    'bytes=٣-٤',
    '',
  ])('%j is ignored', header => {
    expect(parseRange(header, 20)).toBe('ignore')
  })

  it('ignores a missing header', () => {
    expect(parseRange(undefined, 20)).toBe('ignore')
  })

  it('keeps the satisfiable specs of a list and drops the others', () => {
    expect(parseRange('bytes=50-60,0-1', 20)).toEqual([r(0, 1)])
    expect(parseRange('bytes=50-60,-0', 20)).toBe('unsatisfiable')
  })

  it('merges overlapping and adjacent ranges, sorted', () => {
    expect(parseRange('bytes=4-5,0-1,2-3', 20)).toEqual([r(0, 5)])
    expect(parseRange('bytes=0-3,2-5', 20)).toEqual([r(0, 5)])
    expect(parseRange('bytes=10-11,0-1', 20)).toEqual([r(0, 1), r(10, 11)])
  })

  it('ignores overlap abuse: the requested lengths may not add up to more than the file', () => {
    expect(parseRange('bytes=0-10,5-15', 20)).toBe('ignore')
    expect(parseRange('bytes=0-9,10-19', 20)).toEqual([r(0, 19)])
    expect(parseRange('bytes=0-,0-', 20)).toBe('ignore')
  })

  it('caps the number of specs (default 16, configurable)', () => {
    const specs = (n: number): string => 'bytes=' + Array.from({ length: n }, (_, i) => `${i}-${i}`).join(',')
    expect(parseRange(specs(16), 100)).toEqual([r(0, 15)])
    expect(parseRange(specs(17), 100)).toBe('ignore')
    expect(parseRange('bytes=0-1,4-5', 20, 1)).toBe('ignore')
    expect(parseRange('bytes=0-1', 20, 1)).toEqual([r(0, 1)])
  })

  it('caps digits at 15 significant digits, exactly', () => {
    const max = '9'.repeat(MAX_RANGE_DIGITS)
    expect(parseRange(`bytes=${max}-`, Number(max) + 1)).toEqual([r(Number(max), Number(max))])
    expect(parseRange(`bytes=${max}0-`, Number(max))).toBe('unsatisfiable')
    expect(parseRange(`bytes=0-${max}0`, Number(max))).toEqual([r(0, Number(max) - 1)])
    expect(parseRange(`bytes=-${max}0`, Number(max))).toEqual([r(0, Number(max) - 1)])
  })

  it('still sees last < first between two numbers beyond the digit cap', () => {
    expect(parseRange('bytes=10000000000000001-10000000000000000', 20)).toBe('ignore')
    expect(parseRange('bytes=10000000000000000-10000000000000001', 20)).toBe('unsatisfiable')
    expect(parseRange('bytes=99999999999999999-100000000000000000', 20)).toBe('unsatisfiable')
  })

  it('formats Content-Range values', () => {
    expect(contentRange(r(0, 1), 20)).toBe('bytes 0-1/20')
    expect(unsatisfiedRange(20)).toBe('bytes */20')
  })

  it('coalesce handles empty and unsorted input', () => {
    expect(coalesce([])).toEqual([])
    expect(coalesce([r(9, 9), r(0, 3), r(3, 8)])).toEqual([r(0, 9)])
  })
})

/** Reference: RFC 9110 §14.1 semantics for ONE well-formed spec, with BigInt so no digit can overflow. */
function reference(first: bigint | null, last: bigint | null, size: number): 'ignore' | 'unsatisfiable' | ByteRange[] {
  const n = BigInt(size)
  if (first === null) {
    // suffix
    const len = last as bigint
    if (len === 0n) return 'unsatisfiable'
    if (n === 0n) return 'ignore'
    const take = len > n ? n : len
    return [r(Number(n - take), Number(n - 1n))]
  }
  if (last !== null && last < first) return 'ignore'
  if (first >= n) return 'unsatisfiable'
  const end = last === null || last >= n ? n - 1n : last
  return [r(Number(first), Number(end))]
}

const digitsArb = fc.oneof(
  fc.bigInt({ min: 0n, max: 40n }),
  fc.bigInt({ min: 0n, max: 10n ** 30n }),
)
const zeros = fc.integer({ min: 0, max: 3 }).map(n => '0'.repeat(n))
/** Sizes up to 10^15 - 1 bytes: below a petabyte every number with more than 15 digits is beyond the end. */
const sizeArb = fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 10 ** MAX_RANGE_DIGITS - 1 }))

describe('parseRange properties', () => {
  it('never throws and only ever yields ranges inside [0, size) whose lengths sum to at most size', () => {
    const alphabet = fc.constantFrom(...'0123456789-,= \tbytesBYTES;x'.split(''))
    const header = fc.oneof(
      fc.string(),
      fc.array(alphabet, { maxLength: 60 }).map(a => a.join('')),
      fc.array(alphabet, { maxLength: 60 }).map(a => 'bytes=' + a.join('')),
    )
    fc.assert(
      fc.property(header, sizeArb, fc.integer({ min: 1, max: 20 }), (h, size, max) => {
        const result = parseRange(h, size, max)
        if (result === 'ignore' || result === 'unsatisfiable') return true
        let total = 0
        let prevEnd = -2
        expect(result.length).toBeGreaterThan(0)
        expect(result.length).toBeLessThanOrEqual(max)
        for (const range of result) {
          expect(Number.isSafeInteger(range.start) && Number.isSafeInteger(range.end)).toBe(true)
          expect(range.start).toBeGreaterThanOrEqual(0)
          expect(range.end).toBeLessThan(size)
          expect(range.start).toBeLessThanOrEqual(range.end)
          expect(range.start).toBeGreaterThan(prevEnd + 1) // disjoint, sorted, not adjacent
          prevEnd = range.end
          total += range.end - range.start + 1
        }
        expect(total).toBeLessThanOrEqual(size)
        return true
      }),
      { numRuns: 3000 },
    )
  })

  it('a well-formed single range equals the reference computation', () => {
    const spec = fc.oneof(
      fc.tuple(digitsArb, fc.option(digitsArb, { nil: null })).map(([a, b]) => ({ first: a as bigint | null, last: b })),
      digitsArb.map(b => ({ first: null as bigint | null, last: b as bigint | null })),
    )
    fc.assert(
      fc.property(spec, sizeArb, zeros, zeros, ({ first, last }, size, z1, z2) => {
        const text = `bytes=${first === null ? '' : z1 + first.toString()}-${last === null ? '' : z2 + last.toString()}`
        expect(parseRange(text, size)).toEqual(reference(first, last, size))
      }),
      { numRuns: 3000 },
    )
  })

  it('is bounded: a 16 KiB header of specs is answered quickly', () => {
    const header = 'bytes=' + Array(3000).fill('0-1').join(',')
    const t = performance.now()
    for (let i = 0; i < 100; i++) parseRange(header, 1e9)
    expect(performance.now() - t).toBeLessThan(500)
  })
})
