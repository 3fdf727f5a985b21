import { describe, expect, it } from 'vitest'
import { canonicalProblem, normalizeEntry, parseEntry } from '../src/parse-entry.js'

describe('entry parsing', () => {
  it('normalizes one leading / or ./ and nothing else', () => {
    expect(normalizeEntry('/a.txt')).toBe('a.txt')
    expect(normalizeEntry('./a.txt')).toBe('a.txt')
    expect(normalizeEntry('a/b.txt')).toBe('a/b.txt')
    expect(parseEntry('.//a.txt')).toMatchObject({ kind: 'invalid', reason: 'invalid-entry' })
    expect(parseEntry('//a.txt')).toMatchObject({ kind: 'invalid', reason: 'invalid-entry' })
  })

  it('accepts exact paths with spaces and non-ASCII characters', () => {
    expect(parseEntry('docs/a b.txt')).toEqual({ kind: 'exact', entry: 'docs/a b.txt', segments: ['docs', 'a b.txt'], urlPath: '/docs/a b.txt' })
    expect(parseEntry('./café/€.txt')).toMatchObject({ kind: 'exact', urlPath: '/café/€.txt' })
    expect(parseEntry('.well-known/security.txt')).toMatchObject({ kind: 'exact' })
  })

  it.each([
    ['', 'invalid-entry'],
    ['/', 'invalid-entry'],
    ['./', 'invalid-entry'],
    ['../etc/passwd', 'invalid-entry'],
    ['a/../b.txt', 'invalid-entry'],
    ['a/./b.txt', 'invalid-entry'],
    ['a//b.txt', 'invalid-entry'],
    ['assets//', 'invalid-entry'],
    ['assets/*/', 'invalid-entry'],
    ['a\\b.txt', 'invalid-entry'],
    ['a\0.txt', 'invalid-entry'],
    ['bad\ud800.txt', 'invalid-entry'],
    ['a:b.txt', 'canonical:forbidden-character'],
    ['CON.txt', 'canonical:reserved-name'],
    ['sub/aux', 'canonical:reserved-name'],
    ['SECRET~1.TXT', 'canonical:reserved-name'],
    ['a.txt ', 'canonical:trailing-dot-or-space'],
    ['a\u0085.txt', 'canonical:control-character'],
    ['tab\there', 'canonical:control-character'],
    ['.*', 'dotfile-via-glob'],
    ['.well-known/*', 'dotfile-via-glob'],
    ['**/.env', 'dotfile-via-glob'],
    ['../*.txt', 'invalid-entry'],
  ])('refuses %j as %s', (entry, reason) => {
    expect(parseEntry(entry)).toMatchObject({ kind: 'invalid', reason })
  })

  it('a name ending in a dot is a name (RFC 3986 §3.3), except on Windows where Win32 drops the dot', () => {
    if (process.platform === 'win32') {
      expect(parseEntry('a.txt.')).toMatchObject({ kind: 'invalid', reason: 'canonical:trailing-dot-or-space' })
    } else {
      expect(parseEntry('file/a..')).toMatchObject({ kind: 'exact', urlPath: '/file/a..' })
      expect(parseEntry('a.txt.')).toMatchObject({ kind: 'exact', urlPath: '/a.txt.' })
    }
  })

  it('parses a trailing slash as a folder entry', () => {
    expect(parseEntry('assets/')).toEqual({ kind: 'folder', entry: 'assets/', segments: ['assets'] })
    expect(parseEntry('/.well-known/acme-challenge/')).toEqual({ kind: 'folder', entry: '.well-known/acme-challenge/', segments: ['.well-known', 'acme-challenge'] })
    expect(parseEntry('CON/')).toMatchObject({ kind: 'invalid', reason: 'canonical:reserved-name' })
  })

  it('parses globs', () => {
    expect(parseEntry('assets/**/*.css')).toMatchObject({ kind: 'glob', entry: 'assets/**/*.css' })
    expect(parseEntry('/*.html')).toMatchObject({ kind: 'glob', entry: '*.html' })
    // Exclusions may spell dot segments.
    expect(parseEntry('.well-known/*', true)).toMatchObject({ kind: 'glob' })
  })

  it('checks URL paths against the core canonicalizer', () => {
    expect(canonicalProblem('/a b/c%d#e.txt')).toBeUndefined()
    expect(canonicalProblem('/a|b')).toBe('canonical:forbidden-character')
  })
})
