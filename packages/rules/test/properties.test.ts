import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { canonicalizePath } from 'tinyhttp-core'
import { describe, expect, it } from 'vitest'
import {
  PatternTrie,
  RulesConfigError,
  compileRules,
  parseHeaders,
  parseRedirects,
  parseServeJson,
  tryCompilePattern,
  type PathPattern,
  type PatternSyntax,
} from '../src/index.js'
import { referenceMatch } from './reference-matcher.js'

const fixtures = {
  headers: readFileSync(new URL('./fixtures/_headers', import.meta.url), 'utf8'),
  redirects: readFileSync(new URL('./fixtures/_redirects', import.meta.url), 'utf8'),
  serve: readFileSync(new URL('./fixtures/serve.json', import.meta.url), 'utf8'),
}

/** Runs a parser; anything thrown must be our typed error with a file and a line or key. */
function onlyTypedErrors(parse: () => unknown): void {
  try {
    parse()
  } catch (err) {
    expect(err).toBeInstanceOf(RulesConfigError)
    const source = (err as RulesConfigError).source
    expect(source.file).toBe('f')
  }
}

/** A file with random edits: characters inserted, deleted or replaced at random places. */
function mutated(base: string): fc.Arbitrary<string> {
  const alphabet = fc.constantFrom(...' \t\n\r#:!*/%.\\?=@{}()[]|,"\'0123456789abcxyzAXé€\u0000\u007f\u2028{}[]'.split(''))
  const edit = fc.tuple(fc.nat(), fc.nat({ max: 3 }), fc.string({ unit: alphabet, maxLength: 4 }))
  return fc.array(edit, { maxLength: 6 }).map(edits => {
    let s = base
    for (const [at, del, ins] of edits) {
      const i = s.length === 0 ? 0 : at % (s.length + 1)
      s = s.slice(0, i) + ins + s.slice(i + del)
    }
    return s
  })
}

describe('importers never throw anything but RulesConfigError', () => {
  it('on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), text => {
        onlyTypedErrors(() => parseHeaders(text, 'f'))
        onlyTypedErrors(() => parseRedirects(text, 'f'))
        onlyTypedErrors(() => parseServeJson(text, 'f'))
      }),
      { numRuns: 500 },
    )
  })

  it('on mutations of the example files', () => {
    fc.assert(
      fc.property(mutated(fixtures.headers), mutated(fixtures.redirects), mutated(fixtures.serve), (h, r, s) => {
        onlyTypedErrors(() => parseHeaders(h, 'f'))
        onlyTypedErrors(() => parseRedirects(r, 'f'))
        onlyTypedErrors(() => parseServeJson(s, 'f'))
      }),
      { numRuns: 500 },
    )
  })

  it('on arbitrary JSON values in serve.json', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.constantFrom('headers', 'redirects', 'rewrites', 'cleanUrls', 'trailingSlash', 'x'), (value, key) => {
        onlyTypedErrors(() => parseServeJson(JSON.stringify({ [key]: value }), 'f'))
        onlyTypedErrors(() => parseServeJson(JSON.stringify(value), 'f'))
      }),
      { numRuns: 500 },
    )
  })

  it('loading (validation) of parsed redirects with arbitrary destinations', () => {
    const dest = fc.string({ unit: fc.constantFrom(...'/\\:.%2Fa5cehtps@?#x \t'.split('')), maxLength: 20 })
    fc.assert(
      fc.property(dest, d => {
        onlyTypedErrors(() => compileRules(parseRedirects(`/a/* ${d} 302\n`, 'f'), { allowedHosts: ['a.example'] }))
      }),
      { numRuns: 500 },
    )
  })
})

// Patterns and paths over a small alphabet, so that they often meet.
const NAMES = ['a', 'b', 'c.js', 'd.min.js', 'x.png']
const patternPart = fc.constantFrom('a', 'b', 'c.js', 'd.min.js', ':p', ':q', ':r', '*', '**', '*.js', '*.{js,min.js}', '*.png')
const patternText = fc
  .tuple(fc.boolean(), fc.array(patternPart, { maxLength: 4 }), fc.boolean())
  .map(([anyDepth, parts, slash]) => (anyDepth ? '**/' : '/') + parts.join('/') + (slash && parts.length > 0 ? '/' : ''))
const syntax = fc.constantFrom<PatternSyntax>('netlify', 'serve', 'tinyhttp')
const pathArb = fc
  .tuple(fc.array(fc.constantFrom(...NAMES), { maxLength: 5 }), fc.boolean())
  .map(([segments, slash]) => '/' + segments.join('/') + (slash && segments.length > 0 ? '/' : ''))

describe('the trie matches exactly what a linear scan of the rules matches', () => {
  it('for random rule sets and paths', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(patternText, syntax), { maxLength: 30 }), fc.array(pathArb, { minLength: 1, maxLength: 10 }), (texts, paths) => {
        const patterns = texts.map(([t, s]) => tryCompilePattern(t, s)).filter((p): p is PathPattern => typeof p !== 'string')
        const trie = new PatternTrie(patterns)
        for (const raw of paths) {
          const path = canonicalizePath(raw)
          if (!path.ok) throw new Error(raw)
          const got = trie.match(path.segments, path.trailingSlash).map(m => ({ index: m.index, params: { ...m.params } }))
          const expected = referenceMatch(patterns, path.segments, path.trailingSlash)
          expect(got).toEqual(expected)
          const first = trie.first(path.segments, path.trailingSlash)
          expect(first === undefined ? undefined : { index: first.index, params: { ...first.params } }).toEqual(expected[0])
        }
      }),
      { numRuns: 400 },
    )
  })
})

describe('a loaded redirect to a path never leaves the site, whatever the request path', () => {
  it('for random canonical paths through placeholder and splat rules', () => {
    const compiled = compileRules(parseRedirects('/p/:id /x/:id 302\n/s/* /:splat 302\n/t/:a/* /:a/:splat?q=1 302\n', 'r'))
    const segment = fc.string({ unit: fc.constantFrom(...'ab/\\:.%@?#é 2F5C'.split('')), minLength: 1, maxLength: 8 })
    fc.assert(
      fc.property(fc.constantFrom('p', 's', 't'), fc.array(segment, { minLength: 1, maxLength: 4 }), fc.boolean(), (first, rest, slash) => {
        const path = canonicalizePath('/' + [first, ...rest].map(encodeURIComponent).join('/') + (slash ? '/' : ''))
        if (!path.ok) return
        const target = compiled.route(path.segments, path.trailingSlash)?.target
        if (target === undefined) return
        expect(target.startsWith('/')).toBe(true)
        expect(target.startsWith('//')).toBe(false)
        expect(target).not.toMatch(/[\\\u0000-\u0020\u007f-\uffff]/)
        // The path part is itself canonical, so the browser goes where the rule says.
        const q = target.indexOf('?')
        expect(canonicalizePath(q < 0 ? target : target.slice(0, q)).ok).toBe(true)
      }),
      { numRuns: 500 },
    )
  })
})
