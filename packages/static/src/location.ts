/**
 * The `Location` of the directory redirect (`/dir` → `/dir/`), built so it can never leave the site.
 *
 * @module
 */
import { encodePath } from 'tinyhttp-core'

const HEX = '0123456789ABCDEF'

/** 1 for query characters kept as they are: unreserved, sub-delims, ':' and '@' ('/' and '?' are encoded). */
const KEEP = new Uint8Array(128)
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c)
  if (/[A-Za-z0-9\-._~!$&'()*+,;=:@]/.test(ch)) KEEP[c] = 1
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66)
}

function pct(byte: number): string {
  return '%' + HEX[byte >> 4]! + HEX[byte & 0x0f]!
}

/**
 * Re-encodes a raw query for a `Location` header: valid `%XX` escapes are kept, unreserved characters,
 * sub-delims, `:` and `@` are kept, everything else (`/`, `?`, `#`, `%` without two hex digits, quotes,
 * spaces, controls, bytes above 0x7F) is percent-encoded. The result is visible ASCII only.
 *
 * @param raw - the query as received, without `?` (characters up to U+00FF stand for bytes)
 * @returns the encoded query
 * @example
 * ```ts
 * encodeQuery('next=//evil.com') // 'next=%2F%2Fevil.com'
 * encodeQuery('a=%41&b=%zz')     // 'a=%41&b=%25zz'
 * ```
 */
export function encodeQuery(raw: string): string {
  let out = ''
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i)
    if (c < 128 && KEEP[c] === 1) out += raw[i]
    else if (c === 0x25 && i + 2 < raw.length && isHex(raw.charCodeAt(i + 1)) && isHex(raw.charCodeAt(i + 2))) out += '%'
    else if (c <= 0xff) out += pct(c)
    else for (const b of Buffer.from(String.fromCodePoint(raw.codePointAt(i) as number), 'utf8')) out += pct(b)
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < raw.length) {
      const d = raw.charCodeAt(i + 1)
      if (d >= 0xdc00 && d <= 0xdfff) i++
    }
  }
  return out
}

/**
 * The relative `Location` for a directory asked for without its trailing slash: the canonical path plus
 * `/`, percent-encoded by the core's `encodePath` (which never yields a leading `//`), plus the query
 * re-encoded by {@link encodeQuery}. Never derived from `Host` or from the raw target.
 *
 * @param canonicalPath - the canonical (decoded) path, without trailing slash
 * @param rawQuery - the raw query without `?` (`''` for none)
 * @returns e.g. `'/docs/?next=%2F%2Fevil.com'`
 * @example
 * ```ts
 * redirectLocation('/café', '')             // '/caf%C3%A9/'
 * redirectLocation('/sub', 'next=//evil.com') // '/sub/?next=%2F%2Fevil.com'
 * ```
 */
export function redirectLocation(canonicalPath: string, rawQuery: string): string {
  const location = encodePath(canonicalPath + '/')
  return rawQuery === '' ? location : `${location}?${encodeQuery(rawQuery)}`
}
