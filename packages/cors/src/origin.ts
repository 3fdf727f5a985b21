import { isSafeFieldValue } from 'tinyhttp-core'

/** scheme "://" host [":" port], nothing before or after; checked further below. */
const SERIALIZED_ORIGIN = /^[a-z][a-z0-9+.-]*:\/\/[^/?#@\\\s]+$/

/** Schemes whose origin the WHATWG URL parser can serialize (the others have opaque origins). */
const TUPLE_SCHEMES = new Set(['http:', 'https:', 'ws:', 'wss:', 'ftp:'])

/**
 * Longest `Origin` value ever compared. A serialized origin is a scheme, `://`, a host of at most 253
 * characters and a port, so anything longer is refused without running a pattern or a user function
 * on it (which also bounds the cost of any super-linear pattern).
 */
export const MAX_ORIGIN_LENGTH = 512

/**
 * Validates one configured origin: it must be written exactly as a browser serializes it
 * (`scheme://host[:port]`, lower case, no default port, no path, no trailing slash), because origins
 * are compared as exact strings.
 *
 * @param value - the configured origin
 * @param option - where it came from, for the error message
 * @returns the origin
 * @throws TypeError when it is not a serialized origin
 * @internal
 */
export function checkOrigin(value: unknown, option: string): string {
  if (typeof value !== 'string') throw new TypeError(`cors: ${option} must be a string, got ${typeof value}`)
  if (value === '*') throw new TypeError(`cors: '*' must be the whole origin option, not part of a list`)
  if (value === 'null') {
    throw new TypeError(`cors: the 'null' origin is never matched by a list; use allowNullOrigin: true (and think twice: sandboxed iframes and file: pages send it)`)
  }
  if (value.length > MAX_ORIGIN_LENGTH || !isSafeFieldValue(value) || !SERIALIZED_ORIGIN.test(value)) {
    throw new TypeError(`cors: ${option} ${JSON.stringify(value)} is not a serialized origin like 'https://app.example' (scheme://host[:port], lower case, no path or trailing slash)`)
  }
  const scheme = value.slice(0, value.indexOf(':') + 1)
  if (TUPLE_SCHEMES.has(scheme)) {
    let serialized: string
    try {
      serialized = new URL(value).origin
    } catch {
      throw new TypeError(`cors: ${option} ${JSON.stringify(value)} is not a valid origin`)
    }
    if (serialized !== value) {
      throw new TypeError(`cors: ${option} ${JSON.stringify(value)} never matches what browsers send; did you mean ${JSON.stringify(serialized)}?`)
    }
  } else if (/[A-Z]/.test(value)) {
    throw new TypeError(`cors: ${option} ${JSON.stringify(value)} must be lower case, as browsers send it`)
  }
  return value
}
