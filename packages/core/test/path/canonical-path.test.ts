import { describe, expect, it } from 'vitest'
import { canonicalizePath, type PathRejection } from '../../src/path/canonical-path.js'
import { encodePath } from '../../src/path/encode-path.js'

type Accepted = { path: string; segments: string[]; trailingSlash: boolean }
type Row = readonly [id: string, raw: string, expected: PathRejection | Accepted]

const ok = (path: string, segments: string[], trailingSlash = false): Accepted => ({ path, segments, trailingSlash })

/**
 * RFC 3986 §3.3: only `.` and `..` are dot-segments, so a name ending in `.` (`a..`, `...`) is an ordinary
 * name — except on Windows, where Win32 drops trailing dots (`a.txt.` opens `a.txt`) and it stays refused.
 */
const WINDOWS = process.platform === 'win32'
const trailingDot = (path: string, segments: string[]): PathRejection | Accepted =>
  WINDOWS ? 'trailing-dot-or-space' : ok(path, segments)

/**
 * Path parts of the vectors in shared/research/static-serving-anchors.md §2.1–2.8.
 * The id says which vector a row comes from; rows after a vector's first are spellings of the same attack.
 */
const VECTORS: readonly Row[] = [
  // 2.1 dot-segment traversal
  ['T1', '/../outside.txt', 'dot-segment'],
  ['T2', '/%2e%2e/outside.txt', 'dot-segment'],
  ['T3', '/%2E%2e/outside.txt', 'dot-segment'],
  ['T3', '/%2E%2E/outside.txt', 'dot-segment'],
  ['T4', '/.%2e/outside.txt', 'dot-segment'],
  ['T4', '/%2e./outside.txt', 'dot-segment'],
  ['T5', '/..%2foutside.txt', 'encoded-separator'],
  ['T5', '/..%2Foutside.txt', 'encoded-separator'],
  ['T6', '/sub/..%2f..%2foutside.txt', 'encoded-separator'],
  ['T7', '/..%5coutside.txt', 'encoded-separator'],
  ['T7', '/..%5Coutside.txt', 'encoded-separator'],
  ['T7', '/..\\outside.txt', 'backslash'],
  ['T7', '/..0x5c..0x5coutside.txt', ok('/..0x5c..0x5coutside.txt', ['..0x5c..0x5coutside.txt'])], // literal name
  // T8: decoded once, '%252e%252e' is the literal name '%2e%2e' (no second decode); the allowlist answers 403.
  ['T8', '/%252e%252e/outside.txt', ok('/%2e%2e/outside.txt', ['%2e%2e', 'outside.txt'])],
  ['T8', '/.%252e/outside.txt', ok('/.%2e/outside.txt', ['.%2e', 'outside.txt'])],
  ['T8', '/%252f', ok('/%2f', ['%2f'])],
  ['T9', '/%c0%ae%c0%ae/outside.txt', 'invalid-utf8'],
  ['T9', '/%C0%AE/outside.txt', 'invalid-utf8'],
  ['T9', '/%e0%80%ae/outside.txt', 'invalid-utf8'], // 3-byte overlong '.'
  ['T9', '/%f0%80%80%ae/outside.txt', 'invalid-utf8'], // 4-byte overlong '.'
  ['T9', '/%c0%af', 'invalid-utf8'], // overlong '/'
  ['T10', 'http://localhost/../outside.txt', 'not-absolute'], // absolute-form must be reduced to its path first
  ['T10', '/../outside.txt', 'dot-segment'], // ...and its path part is refused
  ['T11', '/allowed.txt/../secret.txt', 'dot-segment'],
  ['T12', '/file.txt', ok('/file.txt', ['file.txt'])], // the path part after the caller cut '?x=/../../etc/passwd'
  ['T12', '/file.txt?x=/../../etc/passwd', 'forbidden-character'], // a caller that forgot to cut the query
  // 2.2 sibling prefix
  ['S1', '/../www-secret/secret.txt', 'dot-segment'],
  ['S2', '/../wwwsecret/s.txt', 'dot-segment'],
  // 2.3 guard / allowlist bypass
  ['G1', '/public/../private/s.txt', 'dot-segment'],
  ['G2', '//private/s.txt', 'empty-segment'],
  ['G3', '/./private/s.txt', 'dot-segment'],
  ['G3', '/%2e/private/s.txt', 'dot-segment'],
  ['G4', '/private%2Fs.txt', 'encoded-separator'],
  ['G4', '/private%2fs.txt', 'encoded-separator'],
  ['G5', '/private%5Cs.txt', 'encoded-separator'],
  ['G5', '/private%5cs.txt', 'encoded-separator'],
  ['G5', '/private\\s.txt', 'backslash'],
  ['G6', '/public/%2e%2e/private/s.txt', 'dot-segment'],
  // G7: case is preserved, so an exact-case allowlist holding '/a.txt' misses '/A.TXT' (403).
  ['G7', '/A.TXT', ok('/A.TXT', ['A.TXT'])],
  ['G8', '/a.txt.', trailingDot('/a.txt.', ['a.txt.'])],
  ['G8', '/a.txt%20', 'trailing-dot-or-space'],
  ['G8', '/a.txt%2e', trailingDot('/a.txt.', ['a.txt.'])],
  ['G8', '/a.txt::$DATA', 'forbidden-character'],
  ['G8', '/a.txt%3A%3A$DATA', 'forbidden-character'],
  ['G8', '/a.txt:stream', 'forbidden-character'],
  ['G9', '/SECRET~1.TXT', 'reserved-name'],
  ['G9', '/secret~1.txt', 'reserved-name'],
  ['G9', '/PROGRA~1/x', 'reserved-name'],
  ['G9', '/SECRET%7E1.TXT', 'reserved-name'],
  ['G10', '/CON', 'reserved-name'],
  ['G10', '/aux.txt', 'reserved-name'],
  ['G10', '/nul', 'reserved-name'],
  ['G10', '/COM1.log', 'reserved-name'],
  ['G10', '/c:/windows/win.ini', 'forbidden-character'],
  ['G10', '/C%3A/windows/win.ini', 'forbidden-character'],
  ['G10', '/dir/Prn', 'reserved-name'],
  ['G10', '/lpt9/x', 'reserved-name'],
  ['G10', '/nul.tar.gz', 'reserved-name'],
  ['G10', '/con%20.txt', 'reserved-name'], // Windows ignores spaces before the extension
  ['G10', '/COM%C2%B9', 'reserved-name'], // COM¹: Windows treats superscript 1-3 as digits
  ['G10', '/lpt%C2%B3.txt', 'reserved-name'],
  ['G10', '/CONIN$', 'reserved-name'],
  ['G10', '/conout$.txt', 'reserved-name'],
  ['G12', '//private/s.txt', 'empty-segment'], // the CORS preflight gets the same canonical decision as G2
  // 2.5 NUL and control characters
  ['N1', '/file.txt%00.html', 'control-character'],
  ['N2', '/file.txt%00', 'control-character'],
  ['N3', '/fi\x0cle', 'control-character'],
  ['N3', '/a b', 'forbidden-character'], // raw SP cannot be in a request-target (the request line stops there)
  ['N3', '/a\tb', 'control-character'],
  ['N3', '/a\x00b', 'control-character'],
  ['N3', '/a\x7fb', 'control-character'],
  ['N4', '/%0d%0aSet-Cookie:%20x=y', 'control-character'],
  ['N4', '/%0D%0A', 'control-character'],
  ['N5', '/%zz', 'malformed-escape'],
  ['N5', '/%', 'malformed-escape'],
  ['N5', '/%2', 'malformed-escape'],
  ['N5', '/%e2%82', 'invalid-utf8'],
  // 2.6 open redirect
  ['R1', '//evil.com/%2e%2e/sub', 'empty-segment'],
  ['R2', '/\\evil.com/%2e%2e/sub', 'backslash'],
  ['R2', '/%5cevil.com/%2e%2e/sub', 'encoded-separator'],
  ['R3', '///evil.com/%2e%2e/sub', 'empty-segment'],
  ['R4', '/sub', ok('/sub', ['sub'])],
  // 2.7 injection
  ['X1', '/sub%3Cscript%3Ealert(1)%3C%2Fscript%3E', 'forbidden-character'],
  ['X2', '/"><img src=x>', 'forbidden-character'],
  ['X2', '/%22%3E%3Cimg%20src=x%3E', 'forbidden-character'],
  // 2.8 dotfiles are not this function's business: accepted here, refused by the allowlist (403)
  ['D1', '/.env', ok('/.env', ['.env'])],
  ['D1', '/%2eenv', ok('/.env', ['.env'])],
  ['D1', '/.git/config', ok('/.git/config', ['.git', 'config'])],
  ['D1', '/.hidden/x.txt', ok('/.hidden/x.txt', ['.hidden', 'x.txt'])],
]

const GOOD: readonly Row[] = [
  ['good', '/', ok('/', [], true)],
  ['good', '/index.html', ok('/index.html', ['index.html'])],
  ['good', '/a/b.css', ok('/a/b.css', ['a', 'b.css'])],
  ['good', '/dir/', ok('/dir/', ['dir'], true)],
  ['good', '/a/b/', ok('/a/b/', ['a', 'b'], true)],
  ['good', '/%E2%82%AC.txt', ok('/€.txt', ['€.txt'])],
  ['good', '/%e2%82%ac.txt', ok('/€.txt', ['€.txt'])],
  ['good', '/caf%C3%A9', ok('/café', ['café'])],
  ['good', '/sp%20ace.txt', ok('/sp ace.txt', ['sp ace.txt'])],
  ['good', '/a%2Eb', ok('/a.b', ['a.b'])],
  ['good', '/.well-known/x', ok('/.well-known/x', ['.well-known', 'x'])],
  ['good', '/file.txt/', ok('/file.txt/', ['file.txt'], true)],
  ['good', '/~user/x', ok('/~user/x', ['~user', 'x'])],
  ['good', '/a~b/file~', ok('/a~b/file~', ['a~b', 'file~'])],
  ['good', '/~', ok('/~', ['~'])],
  ['good', '/a~/1', ok('/a~/1', ['a~', '1'])], // '~' and the digit are in different segments
  ['good', '/%F0%9F%98%80', ok('/😀', ['😀'])],
  ['good', '/%C2%A0x', ok('/\u00a0x', ['\u00a0x'])], // NBSP is not a C1 control
  ['good', '/%EF%BF%BF', ok('/\uffff', ['\uffff'])], // noncharacter, but well-formed
  ['good', '/%F4%8F%BF%BF', ok('/\u{10ffff}', ['\u{10ffff}'])],
  ['good', '/a%25b', ok('/a%b', ['a%b'])],
  ['good', '/%23frag', ok('/#frag', ['#frag'])],
  ['good', '/%41%62c', ok('/Abc', ['Abc'])],
  ['good', '/@scope/pkg', ok('/@scope/pkg', ['@scope', 'pkg'])],
  ['good', "/it's(1)+x,y;z=w&!$", ok("/it's(1)+x,y;z=w&!$", ["it's(1)+x,y;z=w&!$"])],
  ['good', '/a[1]^{b}`', ok('/a[1]^{b}`', ['a[1]^{b}`'])],
  ['good', '/..a/a..b/.x', ok('/..a/a..b/.x', ['..a', 'a..b', '.x'])],
  ['good', '/%20lead', ok('/ lead', [' lead'])], // only a trailing space is refused
  ['good', '/console/comm/com10/lpt/com1x/auxiliary', ok('/console/comm/com10/lpt/com1x/auxiliary', ['console', 'comm', 'com10', 'lpt', 'com1x', 'auxiliary'])],
  ['good', '/com0', ok('/com0', ['com0'])],
  ['good', '/x.con', ok('/x.con', ['x.con'])], // only the part before the first dot is a device name
]

const EXTRA: readonly Row[] = [
  ['not-absolute', '', 'not-absolute'],
  ['not-absolute', 'a/b', 'not-absolute'],
  ['not-absolute', '*', 'not-absolute'],
  ['not-absolute', '%2fetc', 'not-absolute'],
  ['not-absolute', '\\a', 'not-absolute'],
  ['dot', '/.', 'dot-segment'],
  ['dot', '/..', 'dot-segment'],
  ['dot', '/a/.', 'dot-segment'],
  ['dot', '/a/..', 'dot-segment'],
  ['dot', '/a/./', 'dot-segment'],
  ['dot', '/a/../', 'dot-segment'],
  ['dot', '/%2E', 'dot-segment'],
  ['dot', '/a/%2e%2E/', 'dot-segment'],
  ['trailing', '/...', trailingDot('/...', ['...'])],
  ['trailing', '/a..', trailingDot('/a..', ['a..'])], // Go's and Apache's tables: a name, not a dot-segment
  ['trailing', '/file/a..', trailingDot('/file/a..', ['file', 'a..'])],
  ['trailing', '/a%2e%2E', trailingDot('/a..', ['a..'])],
  ['trailing', '/%2e%2e%2e/x', trailingDot('/.../x', ['...', 'x'])],
  ['trailing', '/CON..', 'reserved-name'],
  ['trailing', '/a./b', trailingDot('/a./b', ['a.', 'b'])],
  ['trailing', '/a%20/b', 'trailing-dot-or-space'],
  ['trailing', '/nul%20', 'trailing-dot-or-space'],
  ['empty', '//', 'empty-segment'],
  ['empty', '/a//b', 'empty-segment'],
  ['empty', '/a//', 'empty-segment'],
  ['utf8', '/%80', 'invalid-utf8'], // stray continuation byte
  ['utf8', '/%bf', 'invalid-utf8'],
  ['utf8', '/%c1%bf', 'invalid-utf8'], // overlong 2-byte
  ['utf8', '/%ed%a0%80', 'invalid-utf8'], // UTF-16 surrogate D800
  ['utf8', '/%ed%bf%bf', 'invalid-utf8'], // surrogate DFFF
  ['utf8', '/%f4%90%80%80', 'invalid-utf8'], // above U+10FFFF
  ['utf8', '/%f5%80%80%80', 'invalid-utf8'],
  ['utf8', '/%ff', 'invalid-utf8'],
  ['utf8', '/%c3', 'invalid-utf8'], // truncated at the end
  ['utf8', '/%c3a', 'invalid-utf8'], // continuation must be an escape
  ['utf8', '/%c3/', 'invalid-utf8'],
  ['utf8', '/%e2%82%2e', 'invalid-utf8'],
  ['utf8', '/%c3%a9%a9', 'invalid-utf8'], // one continuation byte too many
  ['malformed', '/%c3%zz', 'malformed-escape'],
  ['malformed', '/%c3%a', 'malformed-escape'],
  ['malformed', '/a%g0', 'malformed-escape'],
  ['malformed', '/a%%41', 'malformed-escape'],
  ['malformed', '/%+1', 'malformed-escape'],
  ['malformed', '/%\u0661\u0662', 'malformed-escape'], // non-ASCII digits are not hex
  ['c1', '/%c2%80', 'control-character'],
  ['c1', '/%c2%85x', 'control-character'], // NEL
  ['c1', '/%c2%9f', 'control-character'],
  ['c0', '/%7f', 'control-character'],
  ['c0', '/%1f', 'control-character'],
  ['c0', '/a\r\nb', 'control-character'],
  ['non-ascii', '/café', 'non-ascii'],
  ['non-ascii', '/€', 'non-ascii'],
  ['non-ascii', '/a\u0085', 'non-ascii'], // a raw C1 is first of all not ASCII
  ['non-ascii', '/a\ud800', 'non-ascii'], // lone surrogate in the JS string
  ['non-ascii', '/\uff0e\uff0e/x', 'non-ascii'], // fullwidth dots
  ['forbidden', '/a|b', 'forbidden-character'],
  ['forbidden', '/a*b', 'forbidden-character'],
  ['forbidden', '/a%2Ab', 'forbidden-character'],
  ['forbidden', '/a%3Fb', 'forbidden-character'],
  ['forbidden', '/a%7Cb', 'forbidden-character'],
  ['forbidden', '/a%22b', 'forbidden-character'],
  ['forbidden', '/a#frag', 'forbidden-character'], // a raw '#' means the caller forgot to cut the fragment
  ['order', '/../a//b', 'dot-segment'], // earliest problem wins
  ['order', '/a//../b', 'empty-segment'],
  ['order', '/..\\x', 'backslash'], // a character problem beats its own segment's problem
  ['order', '/%2e%2e%zz', 'malformed-escape'],
  ['order', '/con/%zz', 'reserved-name'],
]

function check(raw: string, expected: PathRejection | Accepted): void {
  const result = canonicalizePath(raw)
  if (typeof expected === 'string') {
    expect(result).toEqual({ ok: false, reason: expected })
  } else {
    expect(result).toEqual({ ok: true, ...expected })
  }
}

describe('canonicalizePath: attack vectors (static-serving-anchors §2.1–2.8)', () => {
  it.each(VECTORS)('%s %j', (_id, raw, expected) => check(raw, expected))
})

describe('canonicalizePath: good paths', () => {
  it.each(GOOD)('%s %j', (_id, raw, expected) => check(raw, expected))
})

describe('canonicalizePath: each rejection rule', () => {
  it.each(EXTRA)('%s %j', (_id, raw, expected) => check(raw, expected))
})

describe('canonicalizePath: invariants', () => {
  it('maps every spelling of a name to one canonical result', () => {
    const plain = canonicalizePath('/.env/a-b_c~d.txt')
    expect(canonicalizePath('/%2eenv/a%2Db%5Fc%7Ed%2etxt')).toEqual(plain)
    expect(canonicalizePath('/%2E%65%6E%76/a-b_c~d.txt')).toEqual(plain)
  })

  it('keeps case: /A.TXT and /a.txt are different paths', () => {
    const upper = canonicalizePath('/A.TXT')
    const lower = canonicalizePath('/a.txt')
    expect(upper.ok && lower.ok && upper.path !== lower.path).toBe(true)
  })

  it('returns frozen results, so no plugin can rewrite the path the others see', () => {
    for (const raw of ['/', '/a/b', '/caf%C3%A9/', '/..']) {
      const r = canonicalizePath(raw)
      expect(Object.isFrozen(r)).toBe(true)
      if (r.ok) expect(Object.isFrozen(r.segments)).toBe(true)
    }
  })

  it('does not throw on values that are not strings', () => {
    expect(canonicalizePath(undefined as unknown as string)).toEqual({ ok: false, reason: 'not-absolute' })
    expect(canonicalizePath(42 as unknown as string)).toEqual({ ok: false, reason: 'not-absolute' })
  })

  it('R4: a trailing-slash redirect built from the canonical path is relative with one leading slash', () => {
    const r = canonicalizePath('/sub')
    expect(r.ok).toBe(true)
    if (r.ok) expect(encodePath(r.path + '/')).toBe('/sub/')
    const u = canonicalizePath('/sp%20ace/caf%C3%A9')
    if (u.ok) expect(encodePath(u.path + '/')).toBe('/sp%20ace/caf%C3%A9/')
  })

  it('handles long paths in linear time', () => {
    const long = '/' + 'abcdefgh/'.repeat(20_000) + 'x%C3%A9'
    const r = canonicalizePath(long)
    expect(r.ok && r.segments.length).toBe(20_001)
    const dots = canonicalizePath('/' + '%2e'.repeat(50_000))
    expect(dots.ok ? dots.segments[0]!.length : dots.reason).toBe(WINDOWS ? 'trailing-dot-or-space' : 50_000)
  })
})
