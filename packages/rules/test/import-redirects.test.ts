import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { RulesConfigError, parseRedirects, type RouteRule } from '../src/index.js'

const fixture = readFileSync(new URL('./fixtures/_redirects', import.meta.url), 'utf8')

/** A rule in a form a table can compare. */
function summary(r: RouteRule): unknown[] {
  return [r.source.line, r.kind, r.pattern.text, r.to.text, r.kind === 'redirect' ? r.status : 200, r.force]
}

describe('parseRedirects: the example file', () => {
  const rules = parseRedirects(fixture, 'public/_redirects')

  it('reads every rule in order, with its line, status and force', () => {
    expect(rules.headers).toEqual([])
    expect(rules.routes.map(summary)).toEqual([
      [2, 'redirect', '/home', '/', 301, false],
      [3, 'redirect', '/old-page', '/new-page', 301, false],
      [4, 'redirect', '/blog/:year/:slug', '/posts/:year/:slug', 302, false],
      [5, 'redirect', '/news/*', '/blog/:splat', 308, false],
      [6, 'redirect', '/docs/*', 'https://docs.example/:splat', 307, false],
      [7, 'redirect', '/caf%C3%A9', '/cafe', 301, true],
      [10, 'rewrite', '/app/*', '/app/index.html', 200, false],
      [11, 'rewrite', '/*', '/index.html', 200, false],
    ])
  })

  it('parses destinations into text and references', () => {
    expect(rules.routes[2]!.to.parts).toEqual(['/posts/', { ref: 'year' }, '/', { ref: 'slug' }])
    expect(rules.routes[4]!.to).toMatchObject({ kind: 'url', host: 'docs.example' })
    expect(rules.routes[5]!.pattern.segments).toEqual([{ kind: 'literal', value: 'café' }])
  })

  it('accepts every redirect status and forced rewrites', () => {
    const r = parseRedirects('/a /b 301\n/c /d 302\n/e /f 303\n/g /h 307\n/i /j 308!\n/k /l 200!\n', 'r')
    expect(r.routes.map(summary)).toEqual([
      [1, 'redirect', '/a', '/b', 301, false],
      [2, 'redirect', '/c', '/d', 302, false],
      [3, 'redirect', '/e', '/f', 303, false],
      [4, 'redirect', '/g', '/h', 307, false],
      [5, 'redirect', '/i', '/j', 308, true],
      [6, 'rewrite', '/k', '/l', 200, true],
    ])
  })
})

describe('parseRedirects: every fault names the line', () => {
  it.each<[string, number, RegExp]>([
    ['/a\n', 1, /"from to \[status\]"/],
    ['# ok\n/a /b 299\n', 2, /299 is not one of/],
    ['/a /b 404\n', 1, /custom error pages/],
    ['/a /b 410!\n', 1, /custom error pages/],
    ['/a /b abc\n', 1, /"abc" is not a status code/],
    ['/a /b 3010\n', 1, /not a status code/],
    ['/a /b 301 extra\n', 1, /unexpected field/],
    ['/ /anz 302 Country=au,nz\n', 1, /conditions \(Country=au,nz\)/],
    ['/ /fr 302 Language=fr\n', 1, /conditions/],
    ['/admin/* /admin/:splat 200! Role=admin\n', 1, /conditions \(Role=admin\)/],
    ['/a /b Cookie=x\n', 1, /conditions/],
    ['/store id=:id /blog/:id 301\n', 1, /query-parameter matching/],
    ['/blog/* https://blog.example/:splat 200\n', 1, /proxying/],
    ['http://blog.example/* https://example.com/blog/:splat 301\n', 1, /domain-level/],
    ['/a /b/:slug\n', 1, /:slug, which the from path does not capture/],
    ['/a/:x /b/:splat\n', 1, /:splat, which the from path does not capture/],
    ['/a /b 301 # moved\n', 1, /inline comments/],
    ['/a/../b /c\n', 1, /never match.*dot-segment/],
    ['//evil /c\n', 1, /never match.*empty-segment/],
    ['/a%2F /c\n', 1, /never match.*encoded-separator/],
    ['/a/*/b /c\n', 1, /last segment/],
    ['\n\n\n/ok /fine\nbad\n', 5, /"from to \[status\]"/],
  ])('%j → line %i', (text, line, reason) => {
    let caught: unknown
    try {
      parseRedirects(text, '_redirects')
    } catch (err) {
      caught = err
    }
    expect(caught).toBeInstanceOf(RulesConfigError)
    const err = caught as RulesConfigError
    expect(err.source).toEqual({ file: '_redirects', line })
    expect(err.message.startsWith(`_redirects:${line}: `)).toBe(true)
    expect(err.reason).toMatch(reason)
  })
})
