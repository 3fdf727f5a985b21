/**
 * The one request-path canonicalizer: decode once, reject anything ambiguous, never "fix".
 *
 * @remarks
 * Its output is the only path the allowlist, static, fallback and cors plugins ever see. The 2026
 * advisories against Node static servers (@fastify/static CVE-2026-6414/-15074/-7120, @hono/node-server
 * CVE-2026-29087/-39406, GHSA-frvp-7c67-39w9) were all one bug: the guard looked at a different string
 * than the one the file resolver opened. Here there is exactly one string.
 *
 * @module
 */

/**
 * Why {@link canonicalizePath} refused a path. Every reason maps to a 400 (or 403) response.
 *
 * - `not-absolute`: does not start with `/` (absolute-form targets must be reduced to their path first).
 * - `malformed-escape`: `%` not followed by two hex digits.
 * - `invalid-utf8`: decoded bytes are not well-formed UTF-8 (overlong `%c0%ae`, truncated `%e2%82`,
 *   surrogates `%ed%a0%80`, stray continuation bytes, bytes `%f5`–`%ff`).
 * - `encoded-separator`: `%2F` or `%5C`, any case.
 * - `backslash`: a raw `\`.
 * - `control-character`: a raw or decoded C0 control (NUL included) or DEL, or a decoded C1 control
 *   (U+0080–U+009F).
 * - `dot-segment`: a `.` or `..` segment, raw or encoded (`%2e`, `%2E`, `.%2e`, `%2e.`).
 * - `empty-segment`: `//` anywhere (a single trailing `/` is allowed).
 * - `non-ascii`: a raw (un-encoded) character above 0x7E other than DEL (DEL is a `control-character`).
 * - `reserved-name`: a Windows device name (`CON`, `PRN`, `AUX`, `NUL`, `COM1`–`COM9`, `LPT1`–`LPT9`,
 *   plus `COM¹²³`, `LPT¹²³`, `CONIN$`, `CONOUT$`, `CLOCK$`), any case, with or without extension
 *   (`aux.txt`, `nul.tar.gz`, `con .txt`), or an 8.3 short name (a `~` followed by a digit).
 * - `trailing-dot-or-space`: a segment ending in ` `, or, on Windows only, in `.` (Win32 strips them, so
 *   `a.txt.` opens `a.txt`). Elsewhere `a..`, `a.txt.` and `...` are ordinary names (RFC 3986 §3.3: only
 *   `.` and `..` are dot-segments).
 * - `forbidden-character`: a decoded `:` `<` `>` `"` `|` `?` `*` (portability; `:` also blocks ADS such as
 *   `a.txt::$DATA` and drive paths such as `c:/`), and the raw characters that can never appear in a
 *   request-target path: space and `#` (raw `?` here means the caller forgot to cut the query).
 *
 * @example
 * ```ts
 * const r = canonicalizePath('/%2e%2e/etc/passwd')
 * if (!r.ok) throw new HttpError(400, undefined, { reason: r.reason }) // reason: 'dot-segment'
 * ```
 */
export type PathRejection =
  | 'not-absolute'
  | 'malformed-escape'
  | 'invalid-utf8'
  | 'encoded-separator'
  | 'backslash'
  | 'control-character'
  | 'dot-segment'
  | 'empty-segment'
  | 'non-ascii'
  | 'reserved-name'
  | 'trailing-dot-or-space'
  | 'forbidden-character'

/**
 * The result of {@link canonicalizePath}: the canonical decoded path, or the reason it was refused.
 *
 * @remarks
 * On success `path` is `'/' + segments.join('/')`, plus a trailing `'/'` iff `trailingSlash`. No segment
 * is empty, `.` or `..`, and none contains `/`, `\`, `:` or a control character. Results are frozen.
 *
 * @example
 * ```ts
 * const r: CanonicalPath = canonicalizePath('/a/b/')
 * // { ok: true, path: '/a/b/', segments: ['a', 'b'], trailingSlash: true }
 * ```
 */
export type CanonicalPath =
  | { ok: true; path: string; segments: readonly string[]; trailingSlash: boolean }
  | { ok: false; reason: PathRejection }

type Rejection = { ok: false; reason: PathRejection }

const SLASH = 0x2f
const PERCENT = 0x25
const DOT = 0x2e
const SPACE = 0x20
const TILDE = 0x7e
const DEL = 0x7f

/** One shared frozen object per reason: rejecting allocates nothing. */
function rejection(reason: PathRejection): Rejection {
  return Object.freeze({ ok: false, reason }) as Rejection
}
const NOT_ABSOLUTE = rejection('not-absolute')
const MALFORMED_ESCAPE = rejection('malformed-escape')
const INVALID_UTF8 = rejection('invalid-utf8')
const ENCODED_SEPARATOR = rejection('encoded-separator')
const BACKSLASH = rejection('backslash')
const CONTROL_CHARACTER = rejection('control-character')
const DOT_SEGMENT = rejection('dot-segment')
const EMPTY_SEGMENT = rejection('empty-segment')
const NON_ASCII = rejection('non-ascii')
const RESERVED_NAME = rejection('reserved-name')
const TRAILING_DOT_OR_SPACE = rejection('trailing-dot-or-space')
const FORBIDDEN_CHARACTER = rejection('forbidden-character')

/**
 * Whether the platform's file API drops a segment's trailing dots (Win32 opens `a.txt.` as `a.txt`), so
 * that a name ending in `.` would reach a different file than the one the guard looked at. Read once.
 */
const STRIPS_TRAILING_DOTS = typeof process === 'object' && process.platform === 'win32'

const ROOT: CanonicalPath = Object.freeze({
  ok: true,
  path: '/',
  segments: Object.freeze([] as string[]),
  trailingSlash: true,
})

/** Character classes for ASCII, as indexes into the rejection tables below (0 = fine). */
const OK = 0
const C_CONTROL = 1
const C_FORBIDDEN = 2
const C_BACKSLASH = 3
const C_SEPARATOR = 4

/** 1 for the fast-path alphabet [A-Za-z0-9._~-]. */
const FAST = new Uint8Array(128)
/** Class of a raw ASCII character ('/' and '%' are handled before the lookup). */
const RAW = new Uint8Array(128)
/** Class of an ASCII character produced by a %XX escape. */
const DECODED = new Uint8Array(128)
/** Value of a hex digit, or -1. */
const HEX = new Int8Array(128).fill(-1)

for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c)
  const digit = c >= 0x30 && c <= 0x39
  const upper = c >= 0x41 && c <= 0x5a
  const lower = c >= 0x61 && c <= 0x7a
  if (digit || upper || lower || ch === '.' || ch === '_' || ch === '~' || ch === '-') FAST[c] = 1
  if (digit) HEX[c] = c - 0x30
  else if (upper && c <= 0x46) HEX[c] = c - 0x37
  else if (lower && c <= 0x66) HEX[c] = c - 0x57
  if (c < 0x20 || c === DEL) {
    RAW[c] = C_CONTROL
    DECODED[c] = C_CONTROL
  } else if (':<>"|?*'.includes(ch)) {
    RAW[c] = C_FORBIDDEN
    DECODED[c] = C_FORBIDDEN
  } else if (ch === ' ' || ch === '#') {
    RAW[c] = C_FORBIDDEN // never raw in a request-target; fine once decoded (%20, %23)
  } else if (ch === '\\') {
    RAW[c] = C_BACKSLASH
    DECODED[c] = C_SEPARATOR
  } else if (ch === '/') {
    DECODED[c] = C_SEPARATOR
  }
}

const CLASS_REJECTION: readonly Rejection[] = [
  NOT_ABSOLUTE, // slot 0 is OK and never read
  CONTROL_CHARACTER,
  FORBIDDEN_CHARACTER,
  BACKSLASH,
  ENCODED_SEPARATOR,
]

/**
 * Canonicalizes a raw request path, or says why it must be refused.
 *
 * @remarks
 * Percent-decodes exactly once (so `%252e` is the literal segment `%2e`, a plain name), strictly (UTF-8 must
 * be well-formed), and then refuses every spelling that a guard and a file system could read differently:
 * dot segments (`.` and `..` only), empty segments, encoded or raw separators other than `/`, control
 * characters, Windows device names and 8.3 short names, trailing spaces (and, on Windows, trailing dots),
 * and `:` (drives, alternate data streams).
 * Dotfiles such as `/.well-known/x` are accepted; the allowlist decides about them.
 *
 * When several problems are present, the one at the earliest position wins; within one segment, character
 * problems come before segment problems (empty, dot, trailing dot or space, reserved name, in that order).
 *
 * Paths made only of `[A-Za-z0-9._~/-]` take a fast path: one character loop that also cuts the segments.
 *
 * @param rawPath - the request path as sent (no query, no fragment; may contain `%xx`)
 * @returns `{ ok: true, path, segments, trailingSlash }` or `{ ok: false, reason }`; never throws
 * @example
 * ```ts
 * canonicalizePath('/caf%C3%A9/')      // { ok: true, path: '/café/', segments: ['café'], trailingSlash: true }
 * canonicalizePath('/a/%2e%2e/b')      // { ok: false, reason: 'dot-segment' }
 * canonicalizePath('//evil.com/x')     // { ok: false, reason: 'empty-segment' }
 * canonicalizePath('/private%2Fs.txt') // { ok: false, reason: 'encoded-separator' }
 * ```
 */
export function canonicalizePath(rawPath: string): CanonicalPath {
  if (typeof rawPath !== 'string') return NOT_ABSOLUTE
  const len = rawPath.length
  if (len === 0 || rawPath.charCodeAt(0) !== SLASH) return NOT_ABSOLUTE
  if (len === 1) return ROOT

  // Fast path: every char in [A-Za-z0-9._~/-], so raw === decoded and only segment rules can fail.
  const segments: string[] = []
  let segStart = 1
  let firstDot = -1
  let tildeDigit = false
  let prev = SLASH
  for (let i = 1; i < len; i++) {
    const c = rawPath.charCodeAt(i)
    if (c === SLASH) {
      const problem = segmentProblem(rawPath, segStart, i, firstDot, tildeDigit)
      if (problem !== undefined) return problem
      segments.push(rawPath.slice(segStart, i))
      segStart = i + 1
      firstDot = -1
      tildeDigit = false
    } else if (c < 128 && FAST[c] === 1) {
      if (c === DOT) {
        if (firstDot < 0) firstDot = i
      } else if (prev === TILDE && c >= 0x30 && c <= 0x39) {
        tildeDigit = true
      }
    } else {
      return slowPath(rawPath)
    }
    prev = c
  }
  const trailingSlash = segStart === len
  if (!trailingSlash) {
    const problem = segmentProblem(rawPath, segStart, len, firstDot, tildeDigit)
    if (problem !== undefined) return problem
    segments.push(rawPath.slice(segStart, len))
  }
  return Object.freeze({ ok: true, path: rawPath, segments: Object.freeze(segments), trailingSlash })
}

/** Full decoder: escapes, raw-character classes, UTF-8 validation, then the same segment rules. */
function slowPath(raw: string): CanonicalPath {
  const len = raw.length
  const segments: string[] = []
  let seg = '' // decoded text of the current segment before `runStart`
  let runStart = 1 // start of the pending run of raw characters not yet copied into `seg`
  let i = 1
  while (i < len) {
    const c = raw.charCodeAt(i)
    if (c === SLASH) {
      if (runStart < i) seg += raw.slice(runStart, i)
      const problem = decodedSegmentProblem(seg)
      if (problem !== undefined) return problem
      segments.push(seg)
      seg = ''
      runStart = ++i
      continue
    }
    if (c === PERCENT) {
      const b = hexByte(raw, i)
      if (b < 0) return MALFORMED_ESCAPE
      if (runStart < i) seg += raw.slice(runStart, i)
      i += 3
      if (b < 0x80) {
        const cls = DECODED[b]!
        if (cls !== OK) return CLASS_REJECTION[cls]!
        seg += String.fromCharCode(b)
      } else {
        // Well-formed UTF-8 per Unicode Table 3-7: no overlongs, no surrogates, nothing above U+10FFFF.
        let need: number
        let cp: number
        let lo = 0x80
        let hi = 0xbf
        if (b >= 0xc2 && b <= 0xdf) {
          need = 1
          cp = b & 0x1f
        } else if (b >= 0xe0 && b <= 0xef) {
          need = 2
          cp = b & 0x0f
          if (b === 0xe0) lo = 0xa0
          else if (b === 0xed) hi = 0x9f
        } else if (b >= 0xf0 && b <= 0xf4) {
          need = 3
          cp = b & 0x07
          if (b === 0xf0) lo = 0x90
          else if (b === 0xf4) hi = 0x8f
        } else {
          return INVALID_UTF8
        }
        for (; need > 0; need--) {
          if (i >= len || raw.charCodeAt(i) !== PERCENT) return INVALID_UTF8
          const cb = hexByte(raw, i)
          if (cb < 0) return MALFORMED_ESCAPE
          if (cb < lo || cb > hi) return INVALID_UTF8
          cp = (cp << 6) | (cb & 0x3f)
          lo = 0x80
          hi = 0xbf
          i += 3
        }
        if (cp <= 0x9f) return CONTROL_CHARACTER // C1 controls U+0080–U+009F
        seg += String.fromCodePoint(cp)
      }
      runStart = i
      continue
    }
    if (c >= 0x80) return NON_ASCII
    const cls = RAW[c]!
    if (cls !== OK) return CLASS_REJECTION[cls]!
    i++
  }
  if (runStart < len) seg += raw.slice(runStart, len)
  // An escape always yields at least one character, so an empty last segment means a trailing '/'.
  const trailingSlash = seg === ''
  if (!trailingSlash) {
    const problem = decodedSegmentProblem(seg)
    if (problem !== undefined) return problem
    segments.push(seg)
  }
  const path = '/' + segments.join('/') + (trailingSlash ? '/' : '')
  return Object.freeze({ ok: true, path, segments: Object.freeze(segments), trailingSlash })
}

/** The byte encoded by the `%XX` at `i`, or -1 if it is not `%` plus two hex digits. */
function hexByte(s: string, i: number): number {
  if (i + 2 >= s.length) return -1
  const h1 = s.charCodeAt(i + 1)
  const h2 = s.charCodeAt(i + 2)
  if (h1 >= 128 || h2 >= 128) return -1
  const v1 = HEX[h1]!
  const v2 = HEX[h2]!
  if (v1 < 0 || v2 < 0) return -1
  return (v1 << 4) | v2
}

/** Segment rules for a decoded segment of the slow path. */
function decodedSegmentProblem(seg: string): Rejection | undefined {
  const len = seg.length
  let firstDot = -1
  let tildeDigit = false
  for (let i = 0; i < len; i++) {
    const c = seg.charCodeAt(i)
    if (c === DOT) {
      if (firstDot < 0) firstDot = i
    } else if (c === TILDE && i + 1 < len) {
      const d = seg.charCodeAt(i + 1)
      if (d >= 0x30 && d <= 0x39) tildeDigit = true
    }
  }
  return segmentProblem(seg, 0, len, firstDot, tildeDigit)
}

/**
 * Segment rules on `s[start, end)`, in order: empty, dot segment, trailing dot or space, reserved name.
 * `firstDot` is the index of the first '.' in the range (or -1); `tildeDigit` whether a '~' precedes a digit.
 */
function segmentProblem(
  s: string,
  start: number,
  end: number,
  firstDot: number,
  tildeDigit: boolean,
): Rejection | undefined {
  const n = end - start
  if (n === 0) return EMPTY_SEGMENT
  const last = s.charCodeAt(end - 1)
  if (last === DOT) {
    // RFC 3986 §3.3: only "." and ".." are dot-segments; "a.." and "..." are names.
    if (n === 1 || (n === 2 && s.charCodeAt(start) === DOT)) return DOT_SEGMENT
    if (STRIPS_TRAILING_DOTS) return TRAILING_DOT_OR_SPACE
  } else if (last === SPACE) {
    return TRAILING_DOT_OR_SPACE
  }
  if (tildeDigit) return RESERVED_NAME
  // Windows reads "CON.txt", "con .txt" and "NUL.tar.gz" as the device: compare the part before the
  // first dot, without trailing spaces.
  let baseEnd = firstDot < 0 ? end : firstDot
  while (baseEnd > start && s.charCodeAt(baseEnd - 1) === SPACE) baseEnd--
  const b = baseEnd - start
  if (b >= 3 && b <= 7 && isDeviceName(s, start, b)) return RESERVED_NAME
  return undefined
}

/** Whether `s[start, start + n)` (3 ≤ n ≤ 7) is a Windows device name, case-insensitively. */
function isDeviceName(s: string, start: number, n: number): boolean {
  // ASCII letters lower-cased with | 0x20; other characters cannot match after that anyway.
  const a = s.charCodeAt(start) | 0x20
  const b = s.charCodeAt(start + 1) | 0x20
  const c = s.charCodeAt(start + 2) | 0x20
  if (n === 3) {
    return (
      (a === 0x63 && b === 0x6f && c === 0x6e) || // con
      (a === 0x70 && b === 0x72 && c === 0x6e) || // prn
      (a === 0x61 && b === 0x75 && c === 0x78) || // aux
      (a === 0x6e && b === 0x75 && c === 0x6c) // nul
    )
  }
  if (n === 4) {
    const isCom = a === 0x63 && b === 0x6f && c === 0x6d
    const isLpt = a === 0x6c && b === 0x70 && c === 0x74
    if (!isCom && !isLpt) return false
    const d = s.charCodeAt(start + 3)
    // COM1–COM9, LPT1–LPT9 and the superscript forms ¹ ² ³ that Windows also treats as digits.
    return (d >= 0x31 && d <= 0x39) || d === 0xb9 || d === 0xb2 || d === 0xb3
  }
  const lower = s.slice(start, start + n).toLowerCase()
  return lower === 'conin$' || lower === 'conout$' || lower === 'clock$'
}
