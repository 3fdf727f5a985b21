/**
 * Entity tags shared by the plugins that send them (tinyhttp-static for files, tinyhttp-fallback for the
 * SPA shell): the content tag and the RFC 9110 §8.8.3.2 comparison, so one file gets one tag and one
 * matching rule whichever plugin answers.
 *
 * @module
 */
import { createHash } from 'node:crypto'

/**
 * A strong ETag from the content: `"` + base64url(SHA-256(bytes)) + `"`. Used for files kept in memory,
 * computed once when they are loaded; it changes exactly when the bytes change (no same-second or inode
 * pitfalls) and is identical on every replica.
 *
 * @param content - the exact bytes that are sent for this representation
 * @returns the quoted tag (45 characters)
 * @example
 * ```ts
 * contentEtag(Buffer.from('hello')) // '"LPJNul-wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ"'
 * ```
 */
export function contentEtag(content: Uint8Array): string {
  return `"${createHash('sha256').update(content).digest('base64url')}"`
}

const DQUOTE = 0x22
const COMMA = 0x2c
const SP = 0x20
const HTAB = 0x09

/**
 * Whether an `If-Match` / `If-None-Match` field matches the current entity tag.
 *
 * @remarks
 * The field is `*` or a comma-separated list of entity-tags (`"x"`, `W/"x"`), empty list elements and
 * optional whitespace allowed. `*` matches any current representation. With `strong` comparison two tags
 * match only when neither is weak and the opaque tags are equal; with weak comparison the `W/` prefix is
 * ignored. A syntax error ends the scan: the tags before it still count, nothing after it does.
 *
 * @param field - the field value
 * @param etag - the current tag (`"x"` or `W/"x"`), or undefined when the representation has none
 * @param strong - strong (If-Match, If-Range) or weak (If-None-Match) comparison
 * @returns whether one member matches
 * @example
 * ```ts
 * etagMatches('"a", W/"b"', '"b"', false) // true (weak comparison)
 * etagMatches('W/"b"', '"b"', true)       // false (strong comparison never matches a weak tag)
 * etagMatches('*', '"b"', true)           // true
 * ```
 */
export function etagMatches(field: string, etag: string | undefined, strong: boolean): boolean {
  // Fast path, the common If-None-Match: the field is the current tag itself (a weak tag matches
  // itself only by weak comparison).
  if (field === etag && (!strong || etag.charCodeAt(0) === DQUOTE)) return true
  const len = field.length
  let i = 0
  while (i < len && isOws(field.charCodeAt(i))) i++
  let end = len
  while (end > i && isOws(field.charCodeAt(end - 1))) end--
  if (end - i === 1 && field.charCodeAt(i) === 0x2a) return true // "*": a current representation exists
  if (etag === undefined) return false
  const etagWeak = etag.startsWith('W/')
  if (strong && etagWeak) return false
  const opaque = etagWeak ? etag.slice(2) : etag
  while (i < end) {
    const c = field.charCodeAt(i)
    if (c === COMMA || isOws(c)) {
      i++
      continue
    }
    let weak = false
    if (c === 0x57 && field.charCodeAt(i + 1) === 0x2f) {
      weak = true
      i += 2
    }
    if (field.charCodeAt(i) !== DQUOTE) return false
    const close = field.indexOf('"', i + 1)
    if (close < 0) return false
    for (let k = i + 1; k < close; k++) {
      const e = field.charCodeAt(k)
      if (e < 0x21 || e === 0x7f) return false // etagc = %x21 / %x23-7E / obs-text
    }
    if (!(strong && weak) && close + 1 - i === opaque.length && field.startsWith(opaque, i)) return true
    i = close + 1
    while (i < end && isOws(field.charCodeAt(i))) i++
    if (i < end && field.charCodeAt(i) !== COMMA) return false
  }
  return false
}

function isOws(c: number): boolean {
  return c === SP || c === HTAB
}

