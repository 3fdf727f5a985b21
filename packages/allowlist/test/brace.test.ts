import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { expandBraces, MAX_ALTERNATIVES } from '../src/brace.js'
import { parseEntry, type ParsedEntry } from '../src/parse-entry.js'
import { matchGlob } from '../src/glob.js'

describe('brace expansion', () => {
  it.each<[string, string[], boolean]>([
    ['*.{js,css}', ['*.js', '*.css'], true],
    ['**/*.{js,css}', ['**/*.js', '**/*.css'], true],
    ['{a,b}/{c,d}.txt', ['a/c.txt', 'a/d.txt', 'b/c.txt', 'b/d.txt'], true],
    ['app{,.min}.js', ['app.js', 'app.min.js'], true],
    ['{css/site,js/app}.*', ['css/site.*', 'js/app.*'], true],
    ['{a,b{c,d}}.txt', ['a.txt', 'bc.txt', 'bd.txt'], true],
    ['{a,a,b}', ['a', 'b'], true],
    ['{a}.txt', ['{a}.txt'], false],
    ['{}.txt', ['{}.txt'], false],
    ['{a{b,c}}', ['{ab}', '{ac}'], true],
    ['a,b.txt', ['a,b.txt'], false],
    ['a\\{b,c\\}.txt', ['a{b,c}.txt'], false],
    ['{a\\,b,c}', ['a,b', 'c'], true],
    ['x\\y', ['x\\y'], false],
    ['plain.txt', ['plain.txt'], false],
  ])('%s → %j', (entry, alternatives, alternation) => {
    expect(expandBraces(entry)).toEqual({ ok: true, alternatives, alternation })
  })

  it.each([['*.{js,css'], ['*.js}'], ['{a,{b}'], ['a}b{'], ['\\{a,b}']])('%s is unbalanced', entry => {
    expect(expandBraces(entry)).toEqual({ ok: false, reason: 'unbalanced-brace' })
  })

  it(`refuses more than ${MAX_ALTERNATIVES} alternatives, in products and in one group`, () => {
    expect(expandBraces('{a,b}'.repeat(8))).toMatchObject({ ok: true })
    expect(expandBraces('{a,b}'.repeat(9))).toEqual({ ok: false, reason: 'too-many-alternatives' })
    const wide = '{' + Array.from({ length: MAX_ALTERNATIVES + 1 }, (_, i) => `f${i}`).join(',') + '}'
    expect(expandBraces(wide)).toEqual({ ok: false, reason: 'too-many-alternatives' })
    // Deep nesting is bounded by the entry's length, and costs linear time here.
    expect(expandBraces('{'.repeat(2000) + 'a' + '}'.repeat(2000))).toMatchObject({ ok: true, alternation: false })
  })
})

describe('brace entries', () => {
  it.each<[string, Partial<ParsedEntry>]>([
    ['**/*.{js,css}', { kind: 'glob', entry: '**/*.{js,css}' }],
    ['/{index,about}.html', { kind: 'glob', entry: '{index,about}.html' }],
    ['{a}.txt', { kind: 'exact', entry: '{a}.txt', urlPath: '/{a}.txt' }],
    ['a\\{b.txt', { kind: 'exact', entry: 'a{b.txt' }],
    ['*.{js,css', { kind: 'invalid', reason: 'unbalanced-brace' }],
    ['a{b.txt', { kind: 'invalid', reason: 'unbalanced-brace' }],
    ['{.env,a.txt}', { kind: 'invalid', reason: 'dotfile-via-glob' }],
    ['{a,.well-known}/x', { kind: 'invalid', reason: 'dotfile-via-glob' }],
    ['{a,..}/x', { kind: 'invalid', reason: 'invalid-entry' }],
    ['{a,}/x', { kind: 'invalid', reason: 'invalid-entry' }],
    ['{a,b}/', { kind: 'invalid', reason: 'invalid-entry' }],
    ['{a,CON}.txt', { kind: 'invalid', reason: 'canonical:reserved-name' }],
    ['x\\y{a,b}', { kind: 'invalid', reason: 'invalid-entry' }],
  ])('%s → %o', (entry, expected) => {
    expect(parseEntry(entry)).toMatchObject(expected)
  })

  it('exclusions may spell dot segments in braces', () => {
    expect(parseEntry('{.env,.git/**}', true)).toMatchObject({ kind: 'glob' })
  })

  /** Whether a parsed entry matches a relative path (what the table builder decides per file). */
  const matches = (p: ParsedEntry, segments: string[]): boolean =>
    p.kind === 'glob' ? p.globs.some(g => matchGlob(g, segments)) : p.kind === 'exact' ? p.entry === segments.join('/') : false

  it('property: p{x,y}s matches exactly the union of pxs and pys over random file lists', () => {
    const piece = fc.array(fc.constantFrom('a', 'b', '*', '?', '/', '**/'), { minLength: 0, maxLength: 4 }).map(a => a.join(''))
    const name = fc.array(fc.constantFrom('a', 'b', '.', 'ab'), { minLength: 1, maxLength: 3 }).map(a => a.join(''))
    const files = fc.array(fc.array(name, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 12 })
    fc.assert(
      fc.property(piece, piece, piece, piece, files, (p, x, y, s, list) => {
        // One leading `/` of the whole entry is dropped before expansion, not of each alternative.
        fc.pre(!(p + x + s).startsWith('/') && !(p + y + s).startsWith('/'))
        const both = parseEntry(`${p}{${x},${y}}${s}`)
        const left = parseEntry(p + x + s)
        const right = parseEntry(p + y + s)
        if (both.kind === 'invalid') {
          // Refused as a whole only when one alternative is refused on its own.
          expect(left.kind === 'invalid' || right.kind === 'invalid' || left.kind === 'folder' || right.kind === 'folder').toBe(true)
          return
        }
        expect(left.kind).not.toBe('invalid')
        expect(right.kind).not.toBe('invalid')
        for (const segments of list) {
          expect(matches(both, segments), `${p}{${x},${y}}${s} on ${segments.join('/')}`).toBe(matches(left, segments) || matches(right, segments))
        }
      }),
      { numRuns: 3000 },
    )
  })
})
