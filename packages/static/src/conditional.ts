/**
 * Conditional requests: the RFC 9110 §13.2.2 evaluation order, entity-tag comparison (§8.8.3.2) and
 * `If-Range` (§13.1.5).
 *
 * @module
 */
import { etagMatches } from 'tinyhttp-core'
import { parseHttpDate } from './http-date.js'

export { etagMatches }

const DQUOTE = 0x22

/**
 * The precondition fields of a request (each the combined field value, or undefined when absent).
 *
 * @example
 * ```ts
 * const fields: ConditionalFields = { ifNoneMatch: ctx.req.headers.get('if-none-match') }
 * ```
 */
export interface ConditionalFields {
  ifMatch?: string | undefined
  ifNoneMatch?: string | undefined
  ifModifiedSince?: string | undefined
  ifUnmodifiedSince?: string | undefined
}

/**
 * The validators of the selected representation, as they appear in the response.
 *
 * @example
 * ```ts
 * const v: Validators = { etag: '"abc"', lastModified: 'Mon, 15 Jan 2024 12:00:00 GMT', lastModifiedSeconds: 1705320000 }
 * ```
 */
export interface Validators {
  /** The `ETag` sent with the representation, or undefined when none is sent. */
  etag: string | undefined
  /** The `Last-Modified` text sent (an IMF-fixdate), or undefined when none is sent. */
  lastModified: string | undefined
  /** `Last-Modified` in seconds since the epoch, or NaN when none is sent. */
  lastModifiedSeconds: number
}

/**
 * What the preconditions decided: go on with the request, or answer 304 / 412 now.
 *
 * @example
 * ```ts
 * const r: PreconditionResult = evaluatePreconditions('GET', { ifNoneMatch: '*' }, v) // 304
 * ```
 */
export type PreconditionResult = 'proceed' | 304 | 412

/**
 * Evaluates the preconditions of a request in the order of RFC 9110 §13.2.2.
 *
 * 1. `If-Match` (strong comparison) false → 412.
 * 2. Else `If-Unmodified-Since` (valid date, `Last-Modified` known) and modified after it → 412.
 * 3. `If-None-Match` (weak comparison) true → 304 for GET/HEAD, 412 otherwise; when present,
 *    `If-Modified-Since` is not looked at.
 * 4. Else for GET/HEAD, `If-Modified-Since` (a single valid date, `Last-Modified` known) not earlier than
 *    `Last-Modified` → 304.
 *
 * Invalid dates, lists of dates and date conditions on a representation without `Last-Modified` are
 * ignored (§13.1.3, §13.1.4). Request `Cache-Control: no-cache` is not looked at: it is addressed to
 * caches, and the origin may still answer 304.
 *
 * @param method - the request method
 * @param fields - the request's precondition fields
 * @param validators - the validators the response would carry
 * @returns `'proceed'`, `304` or `412`
 * @example
 * ```ts
 * const v = { etag: '"x"', lastModified: undefined, lastModifiedSeconds: NaN }
 * evaluatePreconditions('GET', { ifNoneMatch: '"x"' }, v) // 304
 * evaluatePreconditions('GET', { ifMatch: 'W/"x"' }, v)   // 412
 * evaluatePreconditions('GET', {}, v)                     // 'proceed'
 * ```
 */
export function evaluatePreconditions(method: string, fields: ConditionalFields, validators: Validators): PreconditionResult {
  const { ifMatch, ifNoneMatch } = fields
  const lm = validators.lastModifiedSeconds
  if (ifMatch !== undefined) {
    if (!etagMatches(ifMatch, validators.etag, true)) return 412
  } else if (fields.ifUnmodifiedSince !== undefined && lm === lm) {
    const date = parseHttpDate(fields.ifUnmodifiedSince)
    if (date === date && lm > date) return 412
  }
  const safe = method === 'GET' || method === 'HEAD'
  if (ifNoneMatch !== undefined) {
    if (etagMatches(ifNoneMatch, validators.etag, false)) return safe ? 304 : 412
    return 'proceed'
  }
  const ims = fields.ifModifiedSince
  if (ims !== undefined && safe && lm === lm) {
    if (ims === validators.lastModified) return 304
    const date = parseHttpDate(ims)
    if (date === date && lm <= date) return 304
  }
  return 'proceed'
}

/**
 * Whether an `If-Range` field lets the `Range` header apply (RFC 9110 §13.1.5): an entity-tag must equal
 * the current tag by strong comparison (a weak tag never does); a date must equal `Last-Modified` exactly,
 * and `Last-Modified` must itself be strong, i.e. at least one second before the response's `Date`
 * (§8.8.2.2). When it does not match, the whole representation is sent with 200.
 *
 * @param ifRange - the field value
 * @param validators - the current validators
 * @param nowMs - the current time (the response `Date`)
 * @returns whether the Range may be honoured
 * @example
 * ```ts
 * const v = { etag: '"x"', lastModified: undefined, lastModifiedSeconds: NaN }
 * ifRangeMatches('"x"', v, Date.now())   // true
 * ifRangeMatches('W/"x"', v, Date.now()) // false
 * ```
 */
export function ifRangeMatches(ifRange: string, validators: Validators, nowMs: number): boolean {
  const value = ifRange.trim()
  if (value.charCodeAt(0) === DQUOTE) {
    const etag = validators.etag
    return etag !== undefined && !etag.startsWith('W/') && value === etag
  }
  if (value.startsWith('W/')) return false
  const lm = validators.lastModifiedSeconds
  if (lm !== lm) return false
  const date = parseHttpDate(value)
  return date === lm && lm <= Math.floor(nowMs / 1000) - 1
}
