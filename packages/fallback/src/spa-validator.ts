import { createHash } from 'node:crypto'

/**
 * The strong ETag of the SPA shell: `"` + base64url(SHA-256(bytes)) + `"`, the same tag tinyhttp-static
 * gives the same file when it keeps it in memory, so a client holding either one revalidates with 304.
 *
 * @param bytes - the shell
 * @returns the quoted tag
 * @example
 * ```ts
 * shellEtag(Buffer.from('hello')) // '"LPJNul-wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ"'
 * ```
 * @internal
 */
export function shellEtag(bytes: Uint8Array): string {
  return `"${createHash('sha256').update(bytes).digest('base64url')}"`
}

/**
 * Whether `If-None-Match` matches a strong tag: `*`, or a listed tag equal to it under the weak
 * comparison If-None-Match uses (RFC 9110 §13.1.2: `W/` is ignored).
 *
 * @param header - the field value, if any
 * @param etag - the current tag, quoted
 * @returns true when the client's copy is current (answer 304)
 * @example
 * ```ts
 * ifNoneMatchMatches('W/"a", "b"', '"a"') // true
 * ```
 * @internal
 */
export function ifNoneMatchMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false
  for (const part of header.split(',')) {
    let tag = part.trim()
    if (tag === '*') return true
    if (tag.startsWith('W/')) tag = tag.slice(2)
    if (tag === etag) return true
  }
  return false
}
