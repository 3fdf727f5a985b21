/** tchar per RFC 9110 §5.6.2, indexed by char code (0–127). */
const TCHAR = new Uint8Array(128)
for (const c of "!#$%&'*+-.^_`|~") TCHAR[c.charCodeAt(0)] = 1
for (let c = 0x30; c <= 0x39; c++) TCHAR[c] = 1
for (let c = 0x41; c <= 0x5a; c++) TCHAR[c] = 1
for (let c = 0x61; c <= 0x7a; c++) TCHAR[c] = 1

/**
 * Tells whether a string is an RFC 9110 token (a valid field name or method).
 *
 * @param value - the candidate token
 * @returns true when non-empty and made only of tchar
 * @example
 * ```ts
 * isToken('Content-Type') // true
 * isToken('Bad Name')     // false
 * ```
 */
export function isToken(value: string): boolean {
  const n = value.length
  if (n === 0) return false
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i)
    if (c > 127 || TCHAR[c] === 0) return false
  }
  return true
}

/**
 * Tells whether a string may be written as a field value: HTAB, visible ASCII, SP and obs-text
 * (0x80–0xFF) only, so never CR, LF, NUL or another control character, and nothing a latin1 encoding
 * would mangle.
 *
 * @param value - the candidate field value
 * @returns true when the value is safe to serialize
 * @example
 * ```ts
 * isSafeFieldValue('text/html')       // true
 * isSafeFieldValue('a\r\nSet-Cookie: x') // false
 * ```
 */
export function isSafeFieldValue(value: string): boolean {
  for (let i = 0, n = value.length; i < n; i++) {
    const c = value.charCodeAt(i)
    if (c < 0x20 ? c !== 0x09 : c === 0x7f || c > 0xff) return false
  }
  return true
}
