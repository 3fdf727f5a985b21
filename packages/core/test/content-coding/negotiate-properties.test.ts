import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { CODING_PREFERENCE, negotiateEncoding, type ContentCoding } from '../../src/content-coding.js'

type Choice = ContentCoding | 'identity' | null

/**
 * A reference model written from the RFC text, deliberately different in shape from the implementation:
 * parse the whole list into (token, q) pairs with a regular expression, then rank candidates.
 */
function reference(header: string | undefined, available: readonly ContentCoding[]): Choice {
  if (header === undefined) return 'identity'
  const weights = new Map<string, number>()
  for (const raw of header.split(',')) {
    const m = /^\s*([^;\s]+)\s*((?:;[^;]*)*)$/.exec(raw)
    if (m === null) continue
    let token = m[1]!.toLowerCase()
    if (token === 'x-gzip') token = 'gzip'
    let q = 1
    let ok = true
    for (const p of m[2]!.split(';').slice(1)) {
      const param = p.trim()
      if (param === '') continue
      const qm = /^[qQ]=(0(\.\d{0,3})?|1(\.0{0,3})?)$/.exec(param)
      if (qm === null) ok = false
      else q = Number(qm[1])
    }
    if (!ok) continue
    weights.set(token, Math.max(weights.get(token) ?? -1, q))
  }
  const weightOf = (t: string, unlisted: number): number => weights.get(t) ?? weights.get('*') ?? unlisted
  const ranked = CODING_PREFERENCE.filter(c => available.includes(c) && weightOf(c, 0) > 0)
  let best: ContentCoding | undefined
  for (const c of ranked) if (best === undefined || weightOf(c, 0) > weightOf(best, 0)) best = c
  const identity = weightOf('identity', 0.001)
  if (best === undefined) return identity > 0 ? 'identity' : null
  return identity > weightOf(best, 0) ? 'identity' : best
}

const token = fc.constantFrom('br', 'gzip', 'x-gzip', 'zstd', 'identity', '*', 'deflate', 'BR', 'Gzip', 'compress', '')
const weight = fc.oneof(
  fc.constant(''),
  fc.constantFrom(';q=0', ';q=1', ';q=0.5', ';q=0.001', ';q=1.000', ';q=abc', ';q=1.0001', ';q=', ';level=1', ' ; q=0.3'),
  fc.integer({ min: 0, max: 1000 }).map(n => `;q=${(n / 1000).toFixed(3)}`),
)
const element = fc.tuple(fc.constantFrom('', ' ', '  '), token, weight).map(([s, t, w]) => `${s}${t}${w}`)
const header = fc.array(element, { maxLength: 8 }).map(list => list.join(','))
const available = fc.subarray([...CODING_PREFERENCE])

describe('negotiateEncoding properties', () => {
  it('agrees with a reference model written from the RFC', () => {
    fc.assert(
      fc.property(fc.option(header, { nil: undefined }), available, (h, a) => {
        expect(negotiateEncoding(h, a)).toBe(reference(h, a))
      }),
      { numRuns: 5000 },
    )
  })

  it('never throws on arbitrary text and only answers with an offered coding the client listed or covered by *', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), available, (h, a) => {
        const choice = negotiateEncoding(h, a)
        if (choice === null || choice === 'identity') return
        expect(a).toContain(choice)
        const lower = h.toLowerCase()
        expect(lower.includes(choice) || lower.includes('*') || (choice === 'gzip' && lower.includes('x-gzip'))).toBe(true)
      }),
      { numRuns: 5000 },
    )
  })

  it('a coding listed with q=0 (and nowhere else) is never chosen', () => {
    const names = (e: string): string => e.split(';')[0]!.trim().toLowerCase().replace(/^x-gzip$/, 'gzip')
    fc.assert(
      fc.property(fc.array(element, { maxLength: 8 }), fc.constantFrom(...CODING_PREFERENCE), available, (list, excluded, a) => {
        const others = list.filter(e => names(e) !== excluded)
        expect(negotiateEncoding([...others, `${excluded};q=0`].join(','), a)).not.toBe(excluded)
      }),
      { numRuns: 2000 },
    )
  })
})
