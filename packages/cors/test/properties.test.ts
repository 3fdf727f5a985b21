import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { cors } from '../src/index.js'
import { isTokenList } from '../src/header-list.js'
import { withContext } from './with-context.js'

const TCHARS = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
const token = fc.string({ unit: fc.constantFrom(...TCHARS), minLength: 1, maxLength: 12 })
const ows = fc.constantFrom('', ' ', '\t', '  ')

describe('cors properties', () => {
  it('isTokenList accepts every comma list of tokens with optional whitespace', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(ows, token, ows), { minLength: 1, maxLength: 8 }), parts => {
        expect(isTokenList(parts.map(([a, t, b]) => a + t + b).join(','))).toBe(true)
      }),
      { numRuns: 300 },
    )
  })

  it('isTokenList refuses any element that is not a token', () => {
    fc.assert(
      fc.property(fc.array(token, { maxLength: 4 }), fc.constantFrom('', ' x y ', '(', 'a"b', 'ä', 'a;b', '/'), fc.array(token, { maxLength: 4 }), (before, bad, after) => {
        expect(isTokenList([...before, bad, ...after].join(','))).toBe(false)
      }),
      { numRuns: 300 },
    )
  })

  it('a list origin reflects exactly the listed strings, whatever is sent', async () => {
    const listed = ['https://a.example', 'http://localhost:5173']
    const mw = cors({ origin: listed })
    const origins = fc.oneof(
      fc.constantFrom(...listed),
      fc.constantFrom(...listed).map(o => o.toUpperCase()),
      fc.constantFrom(...listed).chain(o => fc.string({ maxLength: 3 }).map(s => o + s)),
      fc.string({ unit: fc.constantFrom(...'htps:/.aexmplcoHTPS-9'), maxLength: 30 }),
    )
    await fc.assert(
      fc.asyncProperty(origins, async origin => {
        if (!/^[\t\x20-\x7e]*$/.test(origin) || origin.trim() !== origin || origin === '') return
        await withContext('GET', '/', { Origin: origin }, async ctx => {
          await mw(ctx, async () => {})
          const acao = ctx.res.headers.get('access-control-allow-origin')
          expect(acao).toBe(listed.includes(origin) ? origin : undefined)
          expect(ctx.res.headers.get('vary')).toBe('Origin')
        })
      }),
      { numRuns: 300 },
    )
  })
})
