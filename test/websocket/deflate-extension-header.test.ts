import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { isToken, parseExtensions, type ExtensionOffer } from '../../packages/websocket/src/deflate/index.js'

const ok: Array<readonly [string, ExtensionOffer[]]> = [
  ['', []],
  ['  ', []],
  [',', []],
  ['a', [{ name: 'a', params: [] }]],
  ['a;b', [{ name: 'a', params: [['b', true]] }]],
  ['a ; b = c', [{ name: 'a', params: [['b', 'c']] }]],
  ['a;b="c"', [{ name: 'a', params: [['b', 'c']] }]],
  ['a;b="\\c\\d"', [{ name: 'a', params: [['b', 'cd']] }]],
  ['a;b;b', [{ name: 'a', params: [['b', true], ['b', true]] }]],
  [
    'a;x=1, b ,c;y',
    [
      { name: 'a', params: [['x', '1']] },
      { name: 'b', params: [] },
      { name: 'c', params: [['y', true]] },
    ],
  ],
  ['\ta\t,\t', [{ name: 'a', params: [] }]],
  ["!#$%&'*+-.^_`|~09AZaz", [{ name: "!#$%&'*+-.^_`|~09AZaz", params: [] }]],
]

const malformed: Array<readonly [string, number]> = [
  [';', 0],
  ['a;', 2],
  ['a;;b', 2],
  ['a b', 2],
  ['a;b c', 4],
  ['a;=c', 2],
  ['a;b=', 4],
  ['a;b=c d', 6],
  ['a;b="', 4],
  ['a;b="c', 4],
  ['a;b="c\\', 4],
  ['a;b=""', 4],
  ['a;b="c d"', 4],
  ['a;b="c,d"', 4],
  ['a;b=c"d"', 5],
  ['a;b="c"d', 7],
  ['"a"', 0],
  ['a\r\n', 1],
  ['a\u0000', 1],
  ['é', 0],
  ['a;b=é', 4],
  ['a=b', 1],
]

/** What a well-formed list serializes to, with random optional whitespace and quoting. */
const token = fc.stringMatching(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,8}$/)
const ows = fc.constantFrom('', ' ', '\t', '  ')
const offerArb = fc.record({
  name: token,
  params: fc.array(fc.tuple(token, fc.option(fc.tuple(token, fc.boolean()), { nil: undefined })), { maxLength: 4 }),
})

describe('parseExtensions', () => {
  it.each(ok)('reads %j', (text, offers) => {
    expect(parseExtensions(text)).toEqual({ ok: true, offers })
  })

  it.each(malformed)('refuses %j at offset %i', (text, at) => {
    const parsed = parseExtensions(text)
    expect(parsed.ok).toBe(false)
    if (!parsed.ok) expect(parsed.at).toBe(at)
  })

  it('joins several field lines into one list', () => {
    expect(parseExtensions(['a', 'b;c'])).toEqual({ ok: true, offers: [{ name: 'a', params: [] }, { name: 'b', params: [['c', true]] }] })
  })

  it('reads back any list it could be given, with any whitespace and quoting', () => {
    fc.assert(
      fc.property(fc.array(offerArb, { maxLength: 5 }), ows, ows, (offers, a, b) => {
        const text = offers
          .map((o) => o.name + o.params.map(([n, v]) => `${a};${b}${n}${v === undefined ? '' : `${a}=${b}${v[1] ? `"${v[0]}"` : v[0]}`}`).join(''))
          .join(`${a},${b}`)
        const expected = offers.map((o) => ({ name: o.name, params: o.params.map(([n, v]) => [n, v === undefined ? true : v[0]]) }))
        expect(parseExtensions(`${b}${text}${a}`)).toEqual({ ok: true, offers: expected })
      }),
    )
  })

  it('never throws, and only reports tokens, on any text (mutations of valid lists included)', () => {
    const valid = fc.constantFrom('permessage-deflate; client_max_window_bits', 'a;b="c", d; e = f', 'x, y;z=1')
    const mutated = fc.tuple(valid, fc.nat(), fc.string({ maxLength: 3 }), fc.nat({ max: 3 })).map(([s, at, ins, del]) => {
      const i = at % (s.length + 1)
      return s.slice(0, i) + ins + s.slice(i + del)
    })
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), mutated), (text) => {
        const parsed = parseExtensions(text)
        if (!parsed.ok) return parsed.at >= 0 && parsed.at <= text.length
        return parsed.offers.every((o) => isToken(o.name) && o.params.every(([n, v]) => isToken(n) && (v === true || isToken(v))))
      }),
      { numRuns: 2000 },
    )
  })
})
