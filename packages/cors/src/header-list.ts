import { isToken } from 'tinyhttp-core'

/**
 * Validates a configured list of field names or methods and joins it for a header value.
 *
 * @param option - the option name, for the error message
 * @param value - the configured list
 * @returns the names joined with `', '`, duplicates (any case) dropped, or `''` for an empty list
 * @throws TypeError when the value is not an array of RFC 9110 tokens
 * @internal
 */
export function joinTokenList(option: string, value: unknown): string {
  if (!Array.isArray(value)) throw new TypeError(`cors: ${option} must be an array of strings`)
  const seen = new Set<string>()
  const out: string[] = []
  for (const item of value as unknown[]) {
    if (typeof item !== 'string' || !isToken(item)) {
      throw new TypeError(`cors: ${option} contains ${JSON.stringify(item)}, which is not an HTTP token`)
    }
    const key = item.toLowerCase()
    if (seen.has(key)) continue
    seen.add(key)
    out.push(item)
  }
  return out.join(', ')
}

/**
 * Tells whether a request's `Access-Control-Request-Headers` value is a comma-separated list of
 * tokens (optional spaces or tabs around each element, no empty elements), so it can be reflected.
 * A plain split and trim: no regular expression (Hono security fix 93fc250d).
 *
 * @param value - the request field value
 * @returns true when it can be reflected as is
 * @internal
 */
export function isTokenList(value: string): boolean {
  if (value.length === 0) return false
  const parts = value.split(',')
  for (const part of parts) {
    if (!isToken(trimOws(part))) return false
  }
  return true
}

/** Trims spaces and horizontal tabs (RFC 9110 OWS), nothing else. */
export function trimOws(value: string): string {
  let start = 0
  let end = value.length
  while (start < end && (value.charCodeAt(start) === 0x20 || value.charCodeAt(start) === 0x09)) start++
  while (end > start && (value.charCodeAt(end - 1) === 0x20 || value.charCodeAt(end - 1) === 0x09)) end--
  return value.slice(start, end)
}
