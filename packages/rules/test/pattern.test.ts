import { canonicalizePath } from 'tinyhttp-core'
import { describe, expect, it } from 'vitest'
import { PatternTrie, RulesConfigError, compilePattern, tryCompilePattern, type PatternSyntax } from '../src/index.js'

/** Matches one pattern against a raw path through the core's canonicalizer, as a request would. */
function matches(pattern: string, syntax: PatternSyntax, rawPath: string): Record<string, string> | undefined {
  const trie = new PatternTrie([compilePattern(pattern, syntax)])
  const path = canonicalizePath(rawPath)
  if (!path.ok) throw new Error(`test path ${rawPath} is not canonical`)
  const m = trie.first(path.segments, path.trailingSlash)
  return m === undefined ? undefined : { ...m.params }
}

describe('compilePattern: what compiles', () => {
  it.each<[string, PatternSyntax, object]>([
    ['/', 'netlify', { segments: [], splat: false, trailingSlash: true }],
    ['/about', 'netlify', { segments: [{ kind: 'literal', value: 'about' }], splat: false, trailingSlash: false }],
    ['/about/', 'netlify', { segments: [{ kind: 'literal', value: 'about' }], trailingSlash: true }],
    ['/blog/:slug', 'netlify', { segments: [{ kind: 'literal', value: 'blog' }, { kind: 'param', name: 'slug' }] }],
    ['/news/*', 'netlify', { segments: [{ kind: 'literal', value: 'news' }], splat: true }],
    ['/*', 'netlify', { segments: [], splat: true }],
    ['/caf%C3%A9', 'netlify', { segments: [{ kind: 'literal', value: 'café' }] }],
    ['/a%20b', 'netlify', { segments: [{ kind: 'literal', value: 'a b' }] }],
    ['/.well-known/x', 'netlify', { segments: [{ kind: 'literal', value: '.well-known' }, { kind: 'literal', value: 'x' }] }],
    ['404.html', 'serve', { segments: [{ kind: 'literal', value: '404.html' }] }],
    ['/app/**', 'serve', { segments: [{ kind: 'literal', value: 'app' }], splat: true }],
    ['**', 'serve', { segments: [], splat: true }],
    ['/img/*.png', 'serve', { segments: [{ kind: 'literal', value: 'img' }, { kind: 'extension', extensions: ['png'] }] }],
    ['**/*.@(jpg|jpeg)', 'serve', { anyDepth: true, segments: [{ kind: 'extension', extensions: ['jpg', 'jpeg'] }] }],
    ['/x/*.{js,min.js}', 'serve', { segments: [{ kind: 'literal', value: 'x' }, { kind: 'extension', extensions: ['js', 'min.js'] }] }],
    ['/a/b', 'tinyhttp', { slash: 'exact' }],
  ])('%s (%s)', (text, syntax, expected) => {
    expect(compilePattern(text, syntax)).toMatchObject(expected)
  })
})

describe('compilePattern: what is refused, and why', () => {
  it.each<[string, PatternSyntax, RegExp]>([
    ['', 'netlify', /empty/],
    ['about', 'netlify', /must start with "\/"/],
    ['https://blog.example/*', 'netlify', /domain-level/],
    ['/a b', 'netlify', /whitespace/],
    ['/a\u0000', 'netlify', /control/],
    ['//', 'netlify', /never match.*empty-segment/],
    ['/a//b', 'netlify', /never match.*empty-segment/],
    ['/a/../b', 'netlify', /never match.*dot-segment/],
    ['/a/%2e%2e/b', 'netlify', /never match.*dot-segment/],
    ['/a%2Fb', 'netlify', /never match.*encoded-separator/],
    ['/a%5Cb', 'netlify', /never match.*encoded-separator/],
    ['/a\\b', 'netlify', /never match.*backslash/],
    ['/a?x=1', 'netlify', /never match.*forbidden-character/],
    ['/café', 'netlify', /never match.*non-ascii/],
    ['/%zz', 'netlify', /never match.*malformed-escape/],
    ['/a/*/b', 'netlify', /last segment/],
    ['/a/*/', 'netlify', /cannot be followed/],
    ['/a*', 'netlify', /whole last segment/],
    ['/*.js', 'netlify', /whole last segment/],
    ['/edit-:id.html', 'netlify', /whole segment/],
    ['/:a/:a', 'netlify', /twice/],
    ['/:splat', 'netlify', /reserved/],
    ['/:id?', 'serve', /only :name/],
    ['/:id(\\d+)', 'serve', /only :name/],
    ['/a/**/b', 'serve', /last segment/],
    ['/a/?.js', 'serve', /unsupported glob/],
    ['/a/[ab].js', 'serve', /unsupported glob/],
    ['/a/{b,c}', 'serve', /unsupported glob/],
    ['!/secret', 'serve', /negated/],
    ['/*.png/x', 'serve', /extension glob is only allowed as the last/],
    ['/x/*.@(a|)', 'serve', /unsupported glob/],
  ])('%j (%s)', (text, syntax, reason) => {
    const result = tryCompilePattern(text, syntax)
    expect(typeof result).toBe('string')
    expect(result).toMatch(reason)
    expect(() => compilePattern(text, syntax, { file: 'f', line: 9 })).toThrow(RulesConfigError)
    expect(() => compilePattern(text, syntax, { file: 'f', line: 9 })).toThrow(/^f:9: pattern /)
  })
})

describe('matching on the canonical path', () => {
  it.each<[string, PatternSyntax, string, Record<string, string> | undefined]>([
    ['/about', 'netlify', '/about', {}],
    ['/about', 'netlify', '/about/', {}],
    ['/about/', 'netlify', '/about', {}],
    ['/about', 'netlify', '/About', undefined],
    ['/about', 'netlify', '/about/x', undefined],
    ['/', 'netlify', '/', {}],
    ['/', 'netlify', '/a', undefined],
    ['/blog/:slug', 'netlify', '/blog/hello', { slug: 'hello' }],
    ['/blog/:slug', 'netlify', '/blog/caf%C3%A9', { slug: 'café' }],
    ['/blog/:slug', 'netlify', '/blog', undefined],
    ['/blog/:slug', 'netlify', '/blog/a/b', undefined],
    ['/news/*', 'netlify', '/news', { splat: '' }],
    ['/news/*', 'netlify', '/news/', { splat: '' }],
    ['/news/*', 'netlify', '/news/a/b', { splat: 'a/b' }],
    ['/news/*', 'netlify', '/news/a/b/', { splat: 'a/b/' }],
    ['/news/*', 'netlify', '/newsroom', undefined],
    ['/:a/:b/*', 'netlify', '/x/y/z', { a: 'x', b: 'y', splat: 'z' }],
    ['/*', 'netlify', '/', { splat: '' }],
    ['/caf%C3%A9', 'netlify', '/caf%c3%a9', {}],
    ['/a%20b', 'netlify', '/a%20b', {}],
    ['/a/b', 'tinyhttp', '/a/b/', undefined],
    ['/a/b/', 'tinyhttp', '/a/b/', {}],
    ['/a/b/', 'tinyhttp', '/a/b', undefined],
    ['**/*.@(jpg|png)', 'serve', '/a/b/c.png', {}],
    ['**/*.@(jpg|png)', 'serve', '/c.jpg', {}],
    ['**/*.@(jpg|png)', 'serve', '/c.gif', undefined],
    ['**/*.@(jpg|png)', 'serve', '/.png', undefined],
    ['/img/*.png', 'serve', '/img/a.b.png', {}],
    ['/img/*.png', 'serve', '/img/sub/a.png', undefined],
    ['/x/*.{js,min.js}', 'serve', '/x/a.min.js', {}],
  ])('%s (%s) on %s', (pattern, syntax, path, expected) => {
    expect(matches(pattern, syntax, path)).toEqual(expected)
  })

  it('returns every matching rule in order of precedence, whatever the insertion branch', () => {
    const trie = new PatternTrie(
      ['/*', '/blog/:slug', '/blog/first', '/blog/*', '/other', '/blog/first/'].map(p => compilePattern(p, 'netlify')),
    )
    expect(trie.match(['blog', 'first'], false).map(m => m.index)).toEqual([0, 1, 2, 3, 5])
    expect(trie.first(['blog', 'second'], false)?.index).toBe(0)
    expect(trie.match(['nothing'], false).map(m => m.index)).toEqual([0])
    expect(new PatternTrie([]).match(['a'], false)).toEqual([])
  })

  it('a multi-extension glob reaching one name twice reports the rule once', () => {
    const trie = new PatternTrie([compilePattern('**/*.{js,min.js}', 'serve')])
    expect(trie.match(['a.min.js'], false)).toHaveLength(1)
  })

  it('a placeholder named __proto__ is a plain key', () => {
    const trie = new PatternTrie([compilePattern('/:__proto__', 'netlify')])
    const m = trie.first(['x'], false)
    expect(m?.params.__proto__).toBe('x')
    expect(Object.getPrototypeOf(m?.params)).toBeNull()
  })
})
