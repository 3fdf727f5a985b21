import { describe, expect, it } from 'vitest'
import { RulesConfigError, compilePattern, compileRules, mergeRules, parseDestination, parseHeaders, parseRedirects, parseServeJson, validateRules } from '../src/index.js'

function faultOf(fn: () => unknown): RulesConfigError {
  try {
    fn()
  } catch (err) {
    if (err instanceof RulesConfigError) return err
    throw err
  }
  throw new Error('expected a RulesConfigError')
}

describe('redirect cycles among fixed rules', () => {
  it.each<[string, number, string]>([
    ['/a /a\n', 1, '/a → /a'],
    ['/a /b\n/b /a\n', 1, '/a → /b → /a'],
    ['/x /a\n/a /b\n/b /c 302\n/c /a 307\n', 2, '/a → /b → /c → /a'],
    ['/a/ /a 301\n', 1, '/a → /a'],
    ['/a /a/ 301\n', 1, '/a/ → /a/'],
    ['/a /b?x=1\n/b /a#top\n', 1, '/a → /b → /a'],
    ['/caf%C3%A9 /b\n/b /caf%C3%A9\n', 1, '/café → /b → /café'],
    ['/a /b\n/a /c 301!\n/c /a\n', 2, '/a → /c → /a'],
  ])('%j is refused at line %i', (text, line, chain) => {
    const err = faultOf(() => validateRules(parseRedirects(text, '_redirects')))
    expect(err.source.line).toBe(line)
    expect(err.reason).toBe(`redirect cycle: ${chain}`)
  })

  it('a chain of 20 000 fixed redirects loads, and closing it is refused (no stack overflow either way)', () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => `/p${i} /p${i + 1}`)
    expect(() => validateRules(parseRedirects(lines.join('\n'), 'r'))).not.toThrow()
    const err = faultOf(() => validateRules(parseRedirects([...lines, '/p20000 /p3'].join('\n'), 'r')))
    expect(err.reason).toMatch(/^redirect cycle: \/p3 → \/p4 → /)
    expect(err.source.line).toBe(4)
  })

  it('is detected across files', () => {
    const rules = mergeRules([
      parseRedirects('/a /b\n', '_redirects'),
      parseServeJson('{"redirects": [{"source": "/b", "destination": "/a"}]}', 'serve.json'),
    ])
    expect(faultOf(() => validateRules(rules)).message).toMatch(/redirect cycle/)
  })

  it.each([
    '/a /b\n/b /c\n',
    '/a/:x /a/:x\n', // placeholders: not a fixed rule
    '/a /a 200\n', // a rewrite is not a redirect
    '/a https://docs.example/a\n',
    '/a /b\n/b https://docs.example/a\n',
  ])('%j loads', text => {
    expect(() => validateRules(parseRedirects(text, 'r'), { allowedHosts: ['docs.example'] })).not.toThrow()
  })
})

describe('a route rule pre-empted by an earlier one with the same pattern can never match', () => {
  it.each<[string, number, RegExp]>([
    ['/a /b\n/a /c\n', 2, /_redirects:1 has the same pattern/],
    ['/a /b\n/a/ /c\n', 2, /_redirects:1/],
    ['/x/:id /b/:id\n/x/:slug /c/:slug 302\n', 2, /_redirects:1/],
    ['/x/* /b\n/x/* /c 200\n', 2, /_redirects:1/],
    ['/a /b 301!\n/a /c 301!\n', 2, /_redirects:1/],
    ['/a /b 301!\n/a /c\n', 2, /_redirects:1/],
  ])('%j → line %i', (text, line, reason) => {
    const err = faultOf(() => validateRules(parseRedirects(text, '_redirects')))
    expect(err.source.line).toBe(line)
    expect(err.reason).toMatch(/^can never match/)
    expect(err.reason).toMatch(reason)
  })

  it.each([
    '/a /b\n/a /c 301!\n', // the forced one still applies where a file shadows the first
    '/x/:id /b/:id\n/x/:id/ /c/:id\n'.replace('/x/:id/ ', '/x/:id/y '),
    '/x/* /b\n/x/y /c\n', // narrower, later: shadowed only by a splat (not checked)
  ])('%j loads', text => {
    expect(() => validateRules(parseRedirects(text, 'r'))).not.toThrow()
  })

  it('tinyhttp syntax keeps /a and /a/ apart', () => {
    const pattern = (t: string) => compilePattern(t, 'tinyhttp')
    const rule = (t: string, line: number) => ({ kind: 'rewrite' as const, pattern: pattern(t), to: parseDestination('/x'), force: false, source: { file: 'c', line } })
    expect(() => validateRules({ headers: [], routes: [rule('/a', 1), rule('/a/', 2)] })).not.toThrow()
    expect(() => validateRules({ headers: [], routes: [rule('/a', 1), rule('/a', 2)] })).toThrow(/^c:2: can never match/)
  })
})

describe('header rules built in code are checked', () => {
  it.each<[string, string | null, RegExp]>([
    ['Content-Length', '1', /set by the server/],
    ['etag', null, /set by the server/],
    ['Bad Name', 'x', /not a valid header name/],
    ['X-A', 'a\nb', /not a valid field value/],
    ['X-A', ' padded ', /whitespace/],
  ])('%s: %j', (name, value, reason) => {
    const rules = { headers: [{ pattern: compilePattern('/a', 'netlify'), headers: [[name, value] as const], source: { file: 'code', line: 4 } }], routes: [] }
    const err = faultOf(() => compileRules(rules))
    expect(err.source).toEqual({ file: 'code', line: 4 })
    expect(err.reason).toMatch(reason)
  })
})

describe('compiled rules', () => {
  const compiled = compileRules(
    mergeRules([
      parseHeaders('/*\n  X-A: all\n  X-B: all\n/assets/*\n  x-a: assets\n  ! X-C\n/assets/app.js\n  X-B: app\n', '_headers'),
      parseRedirects('/old /new 308\n/news/:year/* /blog/:year/:splat\n/* /index.html 200\n', '_redirects'),
    ]),
  )

  it('merges header rules in order: later values replace earlier ones, null removes', () => {
    expect(compiled.headers(['assets', 'app.js'], false)).toEqual([
      ['x-a', 'assets'],
      ['X-C', null],
      ['X-B', 'app'],
    ])
    expect(compiled.headers(['index.html'], false)).toEqual([
      ['X-A', 'all'],
      ['X-B', 'all'],
    ])
  })

  it('the first route that matches wins, with its target filled in', () => {
    expect(compiled.route(['old'], false)).toMatchObject({ target: '/new', rule: { kind: 'redirect', status: 308 } })
    expect(compiled.route(['news', '2024', 'a', 'b'], true)).toMatchObject({ target: '/blog/2024/a/b/', params: { year: '2024', splat: 'a/b/' } })
    expect(compiled.route(['anything'], false)).toMatchObject({ target: '/index.html', rule: { kind: 'rewrite' } })
    expect(compiled.route([], true)?.rule.kind).toBe('rewrite')
  })
})
