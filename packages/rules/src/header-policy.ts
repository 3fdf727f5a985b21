/**
 * Which response headers a rule may set: valid field names and values, and none of the fields that
 * frame the message, belong to one connection, or are the server's own.
 *
 * @module
 */
import { isSafeFieldValue, isToken } from 'tinyhttp-core'

/**
 * Field names (lower case) a rule may never set or remove: framing and hop-by-hop fields (RFC 9110
 * §7.6.1, RFC 9112 §6), `Content-Encoding` (the compression plugin's) and `ETag` (static's validator).
 *
 * @example
 * ```ts
 * FORBIDDEN_HEADER_NAMES.has('transfer-encoding') // true
 * ```
 */
export const FORBIDDEN_HEADER_NAMES: ReadonlySet<string> = new Set([
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'proxy-connection',
  'content-encoding',
  'etag',
])

/**
 * Why a header rule's field is refused, or undefined when it may be used.
 *
 * @param name - the field name
 * @param value - the value, or `null` to remove the field
 * @returns the reason, or undefined
 * @example
 * ```ts
 * headerProblem('Cache-Control', 'no-cache') // undefined
 * headerProblem('Content-Length', '5')       // 'Content-Length is set by the server and may not be ...'
 * headerProblem('X-A', 'a\r\nSet-Cookie: b') // 'value of X-A is not a valid field value ...'
 * ```
 */
export function headerProblem(name: string, value: string | null): string | undefined {
  if (typeof name !== 'string' || !isToken(name)) return `${JSON.stringify(name)} is not a valid header name`
  if (FORBIDDEN_HEADER_NAMES.has(name.toLowerCase())) return `${name} is set by the server and may not be set or removed by a rule`
  if (value === null) return undefined
  if (typeof value !== 'string') return `value of ${name} must be a string (or null to remove it)`
  if (!isSafeFieldValue(value)) return `value of ${name} is not a valid field value (control character or a character above U+00FF)`
  if (value !== value.trim()) return `value of ${name} has leading or trailing whitespace`
  return undefined
}
