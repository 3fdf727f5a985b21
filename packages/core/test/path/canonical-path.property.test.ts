import path from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { canonicalizePath, type CanonicalPath } from '../../src/path/canonical-path.js'
import { encodePath } from '../../src/path/encode-path.js'

const RUNS = 3000

const hex2 = (b: number, upper: boolean): string => {
  const h = b.toString(16).padStart(2, '0')
  return upper ? h.toUpperCase() : h
}

/** Any byte as a %xx escape, in random case. */
const escape = fc.tuple(fc.integer({ min: 0, max: 255 }), fc.boolean()).map(([b, up]) => '%' + hex2(b, up))
/** Well-formed UTF-8 of a random code point, as escapes (so valid non-ASCII names get generated too). */
const escapedChar = fc
  .integer({ min: 0x80, max: 0x10ffff })
  .filter((cp) => cp < 0xd800 || cp > 0xdfff)
  .map((cp) => encodeURIComponent(String.fromCodePoint(cp)))
const tricky = fc.constantFrom(
  '/', '/', '/', '\\', '.', '..', '%2e', '%2E', '%2f', '%2F', '%5c', '%5C', ':', '%3a', '%', '%0', '~', '~1', ' ',
  '%20', '%00', '%25', '#', '?', 'con', 'COM1', 'lpt3', 'aux.', '$DATA', '%c0%ae', '%e2%82', '%c2%85', '%C2%B9',
)
const unicode = fc.oneof(
  fc.constantFrom('é', '€', '😀', '\u0085', '\u00b9', '\uff0e', '\u2215', '\u202e'),
  fc.integer({ min: 0, max: 0xffff }).map((u) => String.fromCharCode(u)), // lone surrogates included
)
const letters = fc.constantFrom(...'abcxyzABCXYZ0129-_'.split(''))

const token = fc.oneof(
  { arbitrary: letters, weight: 8 },
  { arbitrary: tricky, weight: 4 },
  { arbitrary: escape, weight: 2 },
  { arbitrary: escapedChar, weight: 1 },
  { arbitrary: unicode, weight: 1 },
)
/** Mostly '/'-prefixed, so a fair share is accepted and the acceptance-side properties get exercised. */
const rawPath = fc.tuple(fc.array(token, { maxLength: 16 }), fc.nat(19)).map(([parts, n]) => (n === 0 ? '' : '/') + parts.join(''))

/** No lone surrogates (String#isWellFormed is ES2024, above our lib setting). */
function isWellFormed(s: string): boolean {
  try {
    encodeURIComponent(s)
    return true
  } catch {
    return false
  }
}

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/

function checkAccepted(r: Extract<CanonicalPath, { ok: true }>): void {
  // (a) containment on both path flavours
  const posix = path.posix.resolve('/srv/root', '.' + r.path)
  expect(posix === '/srv/root' || posix.startsWith('/srv/root/')).toBe(true)
  const win = path.win32.resolve('C:\\root', '.' + r.path)
  expect(win === 'C:\\root' || win.startsWith('C:\\root\\')).toBe(true)
  // (b) segment hygiene, and path/segments/trailingSlash agree
  for (const s of r.segments) {
    expect(s === '' || s === '.' || s === '..').toBe(false)
    expect(/[/\\:]/.test(s) || CONTROL.test(s)).toBe(false)
  }
  const rebuilt = r.segments.length === 0 ? '/' : '/' + r.segments.join('/') + (r.trailingSlash ? '/' : '')
  expect(rebuilt).toBe(r.path)
  // (c) round trip through the Location encoder
  expect(canonicalizePath(encodePath(r.path))).toEqual(r)
}

describe('canonicalizePath properties', () => {
  it('accepted paths stay inside the root, have clean segments and round-trip through encodePath', () => {
    let accepted = 0
    fc.assert(
      fc.property(rawPath, (raw) => {
        const r = canonicalizePath(raw)
        if (r.ok) {
          accepted++
          checkAccepted(r)
        }
      }),
      { numRuns: RUNS },
    )
    expect(accepted).toBeGreaterThan(RUNS / 20) // the generator does reach the success side
  })

  it('accepted paths built from valid names of any code point hold the same properties', () => {
    const name = fc.array(fc.oneof(letters, escapedChar, fc.constantFrom('.', '%2e', '%20', '~', '%25')), { minLength: 1, maxLength: 6 })
    fc.assert(
      fc.property(fc.array(name, { minLength: 1, maxLength: 5 }), fc.boolean(), (names, slash) => {
        const r = canonicalizePath('/' + names.map((n) => n.join('')).join('/') + (slash ? '/' : ''))
        if (r.ok) checkAccepted(r)
      }),
      { numRuns: RUNS },
    )
  })

  it('(d) never throws, for any string at all', () => {
    const anyUnit = fc.integer({ min: 0, max: 0xffff }).map((u) => String.fromCharCode(u))
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: anyUnit }), fc.string({ unit: 'binary' }), rawPath), (s) => {
        const r = canonicalizePath(s)
        expect(typeof r.ok).toBe('boolean')
        const again = canonicalizePath('/' + s)
        expect(typeof again.ok).toBe('boolean')
      }),
      { numRuns: RUNS },
    )
  })

  it('the fast path and the decoder agree: %-encoding an unreserved character changes nothing', () => {
    const fastChar = fc.constantFrom(...'abzAZ09._~-'.split(''))
    const fastPath = fc.array(fc.oneof({ arbitrary: fastChar, weight: 6 }, { arbitrary: fc.constant('/'), weight: 2 }), { maxLength: 14 })
    fc.assert(
      fc.property(fastPath, fc.nat(), fc.boolean(), (chars, pick, upper) => {
        const raw = '/' + chars.join('')
        const candidates = chars.map((c, i) => (c === '/' ? -1 : i)).filter((i) => i >= 0)
        if (candidates.length === 0) return
        const at = candidates[pick % candidates.length]!
        const encoded = chars.slice()
        encoded[at] = '%' + hex2(chars[at]!.charCodeAt(0), upper)
        expect(canonicalizePath('/' + encoded.join(''))).toEqual(canonicalizePath(raw))
      }),
      { numRuns: RUNS },
    )
  })

  it('decodes exactly once: escaping the % of an accepted path yields a literal name, never the original', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(letters, fc.constantFrom('%2e', '%2E', '%2f', '%5c', '%41')), { minLength: 1, maxLength: 8 }), (parts) => {
        const once = canonicalizePath('/' + parts.join('').replaceAll('%', '%25'))
        if (!once.ok) return
        expect(once.path).toBe('/' + parts.join(''))
      }),
      { numRuns: RUNS },
    )
  })
})

describe('encodePath properties', () => {
  const anyUnit = fc.integer({ min: 0, max: 0xffff }).map((u) => String.fromCharCode(u))
  const anyString = fc.oneof(fc.string({ unit: anyUnit }), fc.string({ unit: 'binary' }), rawPath, rawPath.map((s) => '/' + s))

  it('output is visible ASCII only, never starts with //, and never throws', () => {
    fc.assert(
      fc.property(anyString, (s) => {
        const e = encodePath(s)
        expect(/^[\x21-\x7e]*$/.test(e)).toBe(true)
        expect(e.startsWith('//')).toBe(false)
        if (!s.startsWith('/')) expect(e.split('/')[0]).not.toContain(':')
      }),
      { numRuns: RUNS },
    )
  })

  it('is lossless for well-formed strings: decodeURIComponent(encodePath(s)) === s', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), rawPath.filter(isWellFormed)), (s) => {
        expect(decodeURIComponent(encodePath(s))).toBe(s)
      }),
      { numRuns: RUNS },
    )
  })
})
