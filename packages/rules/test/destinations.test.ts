import { describe, expect, it } from 'vitest'
import {
  RulesConfigError,
  compilePattern,
  compileRules,
  destinationProblem,
  fillDestination,
  parseDestination,
  parseRedirects,
} from '../src/index.js'

const ALLOWED = ['docs.example', 'Shop.Example']

describe('destinationProblem: hostile destinations are refused', () => {
  it.each<[string, RegExp]>([
    ['', /empty/],
    ['//evil.example/', /scheme-relative/],
    ['//evil.example/%2e%2e', /scheme-relative/],
    ['///evil.example', /scheme-relative/],
    ['/\\evil.example', /backslash/],
    ['\\\\evil.example', /backslash/],
    ['\\/evil.example', /backslash/],
    ['https://docs.example\\@evil.example', /backslash/],
    ['/%5Cevil.example', /not canonical \(encoded-separator\)/],
    ['/%2F/evil.example', /not canonical \(encoded-separator\)/],
    ['/%2f%2fevil.example', /not canonical \(encoded-separator\)/],
    ['/a/../b', /not canonical \(dot-segment\)/],
    ['/%2e%2e/b', /not canonical \(dot-segment\)/],
    ['/a//b', /not canonical \(empty-segment\)/],
    ['/\tevil', /control/],
    ['/a\r\nSet-Cookie: x=1', /control/],
    ['/a\u0000', /control/],
    ['/a\u007f', /control/],
    ['/a b', /space or non-ASCII/],
    ['/café', /space or non-ASCII/],
    [' /a', /space or non-ASCII/],
    ['/\u3000evil', /space or non-ASCII/],
    ['https://evil.example/', /host evil\.example is not in the allowed hosts/],
    ['HTTPS://EVIL.EXAMPLE/', /not in the allowed hosts/],
    ['https://docs.example.evil.example/', /not in the allowed hosts/],
    ['https://evil.example#docs.example', /not in the allowed hosts/],
    ['https://evil.example?docs.example', /not in the allowed hosts/],
    ['https://docs.example@evil.example/', /user information/],
    ['https://user:pw@docs.example/', /user information/],
    ['https://:sub.docs.example/', /placeholder in the host/],
    ['https:/evil.example', /not a path on this site/],
    ['https:evil.example', /not a path on this site/],
    ['http:\\\\evil.example', /backslash/],
    ['javascript:alert(1)', /not a path on this site/],
    ['data:text/html,<script>alert(1)</script>', /not a path on this site/],
    ['ftp://docs.example/', /not a path on this site/],
    ['evil.example', /not a path on this site/],
    ['relative/path', /not a path on this site/],
    ['?x=1', /not a path on this site/],
    ['https://', /without a host/],
    ['https://docs.example:99999/', /malformed/],
    ['https://docs.exampleX/', /not in the allowed hosts/],
  ])('%j', (destination, reason) => {
    expect(destinationProblem(destination, ALLOWED)).toMatch(reason)
  })

  it.each([
    '/',
    '/new-page',
    '/blog/:year/:splat',
    '/a?x=1&y=2',
    '/a#top',
    '/caf%C3%A9',
    '/.well-known/x',
    'https://docs.example/',
    'https://docs.example',
    'HTTPS://DOCS.EXAMPLE/x',
    'https://shop.example/:splat?ref=old',
    'http://docs.example:8080/x',
  ])('accepted: %j', destination => {
    expect(destinationProblem(destination, ALLOWED)).toBeUndefined()
  })

  it('no host is allowed unless listed', () => {
    expect(destinationProblem('https://docs.example/', [])).toMatch(/not in the allowed hosts/)
  })
})

describe('filling destinations in: request values never change where a redirect goes', () => {
  it.each<[string, Record<string, string>, string]>([
    ['/blog/:splat', { splat: 'a/b' }, '/blog/a/b'],
    ['/blog/:splat', { splat: '' }, '/blog/'],
    ['/:splat', { splat: 'evil.example/x' }, '/evil.example/x'],
    ['/:splat', { splat: '' }, '/'],
    ['/p/:id', { id: 'a b' }, '/p/a%20b'],
    ['/p/:id', { id: 'café' }, '/p/caf%C3%A9'],
    ['/p/:id', { id: '#x' }, '/p/%23x'],
    ['/p/:id', { id: 'javascript:x' }, '/p/javascript%3Ax'],
    ['/edit/:id.html', { id: '7' }, '/edit/7.html'],
    ['https://docs.example/:splat', { splat: 'a/b/' }, 'https://docs.example/a/b/'],
    ['https://docs.example:8080/:splat', { splat: 'x' }, 'https://docs.example:8080/x'],
  ])('%s with %j → %s', (destination, params, expected) => {
    expect(fillDestination(parseDestination(destination), params)).toBe(expected)
  })

  it('a splat made of hostile canonical segments stays a path of this site', () => {
    const compiled = compileRules(parseRedirects('/go/* /:splat 302\n', '_redirects'))
    for (const segments of [['evil.example'], ['evil.example', ''].filter(Boolean), ['%2F', 'x'], ['\\', 'x'], ['http:', 'x']]) {
      const target = compiled.route(['go', ...segments], false)?.target
      expect(target?.startsWith('/')).toBe(true)
      expect(target?.startsWith('//')).toBe(false)
      expect(target).not.toMatch(/[\\\s]/)
    }
  })

  it('a reference inside an URL\'s scheme or port is not a reference', () => {
    expect(parseDestination('https://docs.example:8080/:splat').parts).toEqual(['https://docs.example:8080/', { ref: 'splat' }])
  })
})

describe('compileRules refuses hostile destinations, naming the line', () => {
  it.each<[string, number]>([
    ['/a //evil.example/ 301\n', 1],
    ['/ok /fine\n/a /\\evil.example 302\n', 2],
    ['/a https://evil.example/ 301\n', 1],
    ['/a/* /%2F/:splat 301\n', 1],
  ])('%j → line %i', (text, line) => {
    let caught: unknown
    try {
      compileRules(parseRedirects(text, '_redirects'), { allowedHosts: ['docs.example'] })
    } catch (err) {
      caught = err
    }
    expect(caught).toBeInstanceOf(RulesConfigError)
    expect((caught as RulesConfigError).source).toEqual({ file: '_redirects', line })
  })

  it('an allowed host loads', () => {
    const compiled = compileRules(parseRedirects('/docs/* https://docs.example/:splat 302\n', 'r'), { allowedHosts: ['docs.example'] })
    expect(compiled.route(['docs', 'a'], false)?.target).toBe('https://docs.example/a')
  })

  it('rules built in code are checked too', () => {
    const rule = {
      kind: 'redirect' as const,
      pattern: compilePattern('/a', 'netlify'),
      to: parseDestination('//evil.example'),
      status: 301 as const,
      force: false,
      source: { file: 'code' },
    }
    expect(() => compileRules({ headers: [], routes: [rule] })).toThrow(/^code: destination "\/\/evil\.example": scheme-relative/)
  })
})
