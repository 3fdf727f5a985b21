/**
 * Percent-encoding of canonical paths for `Location` headers and links.
 *
 * @module
 */

const SLASH = 0x2f
const COLON = 0x3a

/** 1 for the characters kept as they are: unreserved, sub-delims, ':', '@' and '/' (RFC 3986 pchar + '/'). */
const KEEP = new Uint8Array(128)
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c)
  if (
    (c >= 0x30 && c <= 0x39) ||
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x61 && c <= 0x7a) ||
    "-._~!$&'()*+,;=:@/".includes(ch)
  ) {
    KEEP[c] = 1
  }
}

const HEX = '0123456789ABCDEF'

function pct(byte: number): string {
  return '%' + HEX[byte >> 4]! + HEX[byte & 0x0f]!
}

/**
 * Percent-encodes a canonical path (from `canonicalizePath`) for a `Location` header or a link.
 *
 * @remarks
 * Every byte outside the unreserved set, the sub-delims `!$&'()*+,;=`, `:`, `@` and `/` is written as
 * `%XX` (upper-case hex) of its UTF-8 encoding, so the result is visible ASCII only: no CR, LF, space,
 * quote or `<`. Two guards hold for *any* input string, canonical or not, so a redirect built from the
 * result can never leave the site:
 * - the result never starts with `//` (a second leading `/` is written `%2F`, which
 *   `canonicalizePath` then refuses rather than reading a host name);
 * - for input that does not start with `/`, a `:` before the first `/` is written `%3A`, so the first
 *   segment cannot be read as a scheme (`javascript:`; RFC 3986 §4.2).
 *
 * A lone UTF-16 surrogate (impossible in a canonical path) is encoded as U+FFFD. Never throws.
 * For every accepted result `r`, `canonicalizePath(encodePath(r.path))` deep-equals `r`.
 *
 * @param path - a canonical decoded path such as `'/café/a b.txt'`
 * @returns the percent-encoded path, e.g. `'/caf%C3%A9/a%20b.txt'`
 * @example
 * ```ts
 * encodePath('/sp ace/€.txt') // '/sp%20ace/%E2%82%AC.txt'
 * encodePath('/a/b/')         // '/a/b/' (nothing to encode: returned as is)
 * // a trailing-slash redirect built only from the canonical path:
 * const r = canonicalizePath('/docs')
 * if (r.ok && !r.trailingSlash) location = encodePath(r.path + '/') // '/docs/'
 * ```
 */
export function encodePath(path: string): string {
  const len = path.length
  const absolute = len > 0 && path.charCodeAt(0) === SLASH
  // Fast path: nothing to encode, no '//' prefix, no possible scheme.
  let i = 0
  for (; i < len; i++) {
    const c = path.charCodeAt(i)
    if (c >= 128 || KEEP[c] === 0 || (c === COLON && !absolute)) break
  }
  if (i === len && !(absolute && len > 1 && path.charCodeAt(1) === SLASH)) return path

  let out = ''
  let inFirstSegment = !absolute
  for (let j = 0; j < len; j++) {
    const c = path.charCodeAt(j)
    if (c < 128) {
      if (c === SLASH) {
        out += j === 1 && absolute ? '%2F' : '/'
        inFirstSegment = false
      } else if (KEEP[c] === 1 && !(c === COLON && inFirstSegment)) {
        out += path[j]
      } else {
        out += pct(c)
      }
      continue
    }
    let cp = c
    if (c >= 0xd800 && c <= 0xdbff && j + 1 < len) {
      const d = path.charCodeAt(j + 1)
      if (d >= 0xdc00 && d <= 0xdfff) {
        cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00)
        j++
      }
    }
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd // lone surrogate
    if (cp < 0x800) {
      out += pct(0xc0 | (cp >> 6)) + pct(0x80 | (cp & 0x3f))
    } else if (cp < 0x10000) {
      out += pct(0xe0 | (cp >> 12)) + pct(0x80 | ((cp >> 6) & 0x3f)) + pct(0x80 | (cp & 0x3f))
    } else {
      out +=
        pct(0xf0 | (cp >> 18)) +
        pct(0x80 | ((cp >> 12) & 0x3f)) +
        pct(0x80 | ((cp >> 6) & 0x3f)) +
        pct(0x80 | (cp & 0x3f))
    }
  }
  return out
}
