import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { canContain, compileGlob, compileSegment, isGlob, matchGlob, matchSegment } from '../src/glob.js'

const m = (pattern: string, path: string, dot = false): boolean => matchGlob(compileGlob(pattern), path.split('/'), dot)

/** Reference matcher: plain recursion over code points / segments (exponential, small inputs only). */
function refSegment(p: string[], n: string[], dot: boolean): boolean {
  if (!dot && n[0] === '.' && (p[0] === '*' || p[0] === '?')) return false
  const go = (i: number, j: number): boolean => {
    if (i === p.length) return j === n.length
    if (p[i] === '*') return go(i + 1, j) || (j < n.length && go(i, j + 1))
    if (j === n.length) return false
    return (p[i] === '?' || p[i] === n[j]) && go(i + 1, j + 1)
  }
  return go(0, 0)
}
function refGlob(pattern: string, path: string): boolean {
  const segs = path.split('/')
  if (segs.some(s => s.startsWith('.'))) return false
  const parts = pattern.split('/').filter((s, i, a) => !(s === '**' && a[i - 1] === '**'))
  const go = (i: number, j: number): boolean => {
    if (i === parts.length) return j === segs.length
    if (parts[i] === '**' && i === parts.length - 1) return j < segs.length
    if (parts[i] === '**') return go(i + 1, j) || (j < segs.length && go(i, j + 1))
    if (j === segs.length) return false
    return refSegment([...parts[i]!.replace(/\*+/g, '*')], [...segs[j]!], false) && go(i + 1, j + 1)
  }
  return go(0, 0)
}

describe('glob matcher', () => {
  it('tells globs from plain paths', () => {
    expect(isGlob('a/*.css')).toBe(true)
    expect(isGlob('a/?.css')).toBe(true)
    expect(isGlob('a/b.css')).toBe(false)
  })

  it('* stays within one segment', () => {
    expect(m('*.html', 'index.html')).toBe(true)
    expect(m('*.html', 'docs/index.html')).toBe(false)
    expect(m('assets/*', 'assets/a.css')).toBe(true)
    expect(m('assets/*', 'assets/sub/a.css')).toBe(false)
    expect(m('a*b*c', 'aXbYc')).toBe(true)
    expect(m('a*b*c', 'abc')).toBe(true)
    expect(m('a*b*c', 'acb')).toBe(false)
    expect(m('*a*', 'bab')).toBe(true)
    expect(m('a**b', 'aXXb')).toBe(true)
  })

  it('** matches zero or more whole segments', () => {
    expect(m('**/*.css', 'site.css')).toBe(true)
    expect(m('**/*.css', 'a/b/c/site.css')).toBe(true)
    expect(m('**/*.css', 'a/b/c/site.js')).toBe(false)
    expect(m('assets/**/*.css', 'assets/x.css')).toBe(true)
    expect(m('assets/**/*.css', 'assets/a/b/x.css')).toBe(true)
    expect(m('assets/**/*.css', 'other/a/x.css')).toBe(false)
    expect(m('a/**', 'a/b/c')).toBe(true)
    expect(m('a/**', 'a')).toBe(false) // a trailing ** is what is inside a, not a file named a
    expect(m('**', 'x/y/z.txt')).toBe(true)
    expect(m('a/**/b/**/c', 'a/x/b/y/z/c')).toBe(true)
    expect(m('a/**/b/**/c', 'a/x/c/b')).toBe(false)
    expect(m('a/**/**/b', 'a/b')).toBe(true)
    expect(m('**/ab/**', 'a/ab')).toBe(false) // found by the property test below
    expect(m('**/ab/**', 'a/ab/x')).toBe(true)
  })

  it('? matches exactly one character (code point)', () => {
    expect(m('?.txt', 'a.txt')).toBe(true)
    expect(m('?.txt', 'ab.txt')).toBe(false)
    expect(m('?.txt', '😀.txt')).toBe(true)
    expect(m('caf?.txt', 'café.txt')).toBe(true)
  })

  it('literal characters are literal (no classes, braces or escapes)', () => {
    expect(m('[ab].txt', '[ab].txt')).toBe(true)
    expect(m('[ab].txt', 'a.txt')).toBe(false)
    expect(m('{a,b}.txt', 'a.txt')).toBe(false)
    expect(m('a+(b).txt', 'a+(b).txt')).toBe(true)
  })

  it('is case-exact', () => {
    expect(m('*.TXT', 'a.txt')).toBe(false)
    expect(m('A*', 'a.txt')).toBe(false)
  })

  it('never matches dotfiles or anything inside dot directories', () => {
    expect(m('*', '.env')).toBe(false)
    expect(m('?env', '.env')).toBe(false)
    expect(m('*.txt', '.secret.txt')).toBe(false)
    expect(m('**/*', '.git/config')).toBe(false)
    expect(m('**/*.txt', 'a/.hidden/x.txt')).toBe(false)
    expect(m('**', '.well-known/x.txt')).toBe(false)
    expect(matchSegment(compileSegment('*'), '.env')).toBe(false)
  })

  it('with dot (exclusions) wildcards also match dot names', () => {
    expect(m('*', '.env', true)).toBe(true)
    expect(m('**', '.git/config', true)).toBe(true)
    expect(m('.well-known/*', '.well-known/security.txt', true)).toBe(true)
  })

  it('prunes directories that cannot contain a match', () => {
    expect(canContain(compileGlob('assets/*.css'), ['assets'])).toBe(true)
    expect(canContain(compileGlob('assets/*.css'), ['node_modules'])).toBe(false)
    expect(canContain(compileGlob('assets/*.css'), ['assets', 'sub'])).toBe(false)
    expect(canContain(compileGlob('*.html'), ['docs'])).toBe(false)
    expect(canContain(compileGlob('**/*.html'), ['docs', 'deep', 'er'])).toBe(true)
    expect(canContain(compileGlob('**/*.html'), ['.git'])).toBe(false)
    expect(canContain(compileGlob('a/**/x'), ['a', '.cache'])).toBe(false)
    expect(canContain(compileGlob('*/x.txt'), ['.hidden'])).toBe(false)
  })

  it('agrees with a naive reference matcher', () => {
    const seg = fc.array(fc.constantFrom('a', 'b', '.', '*', '?'), { minLength: 1, maxLength: 5 }).map(a => a.join(''))
    const pattern = fc
      .array(fc.oneof({ arbitrary: seg, weight: 4 }, { arbitrary: fc.constant('**'), weight: 1 }), { minLength: 1, maxLength: 4 })
      .map(a => a.join('/'))
    const name = fc.array(fc.constantFrom('a', 'b', '.'), { minLength: 1, maxLength: 4 }).map(a => a.join(''))
    const path = fc.array(name, { minLength: 1, maxLength: 4 }).map(a => a.join('/'))
    fc.assert(
      fc.property(pattern, path, (p, s) => {
        // Pattern segments made only of stars and '.' that spell '.'/'..' are refused by the entry parser.
        fc.pre(!p.split('/').some(x => x === '.' || x === '..'))
        expect(m(p, s)).toBe(refGlob(p, s))
      }),
      { numRuns: 5000 },
    )
  })

  it('stays fast on pathological patterns (no exponential backtracking)', () => {
    const name = 'a'.repeat(250)
    const seg = '*a'.repeat(60) + 'b'
    const start = performance.now()
    expect(matchSegment(compileSegment(seg), name)).toBe(false)
    const pattern = compileGlob(Array.from({ length: 16 }, () => '**/a').join('/') + '/b')
    const segments = Array.from({ length: 32 }, () => 'a')
    expect(matchGlob(pattern, segments)).toBe(false)
    expect(performance.now() - start).toBeLessThan(200)
  })
})
