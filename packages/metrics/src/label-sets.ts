/**
 * The closed sets the HTTP metrics take their label values from. Nothing from a request is ever a
 * label: a method, a status, a reason or a coding outside these lists is counted as `other`.
 *
 * @module
 */
import type { ResponseReason } from 'tinyhttp-core'

/**
 * Methods counted by name; every other method (`BREW`, `get`, a 50-byte token) is `other`.
 *
 * @example
 * ```ts
 * METHODS.includes('PATCH') // true
 * ```
 */
export const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'other'] as const

/**
 * Status classes.
 *
 * @example
 * ```ts
 * statusClass(404) // '4xx'
 * ```
 */
export const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx', 'other'] as const

/**
 * Content codings of a response (`identity`: no `Content-Encoding`).
 *
 * @example
 * ```ts
 * ENCODINGS.includes('br') // true
 * ```
 */
export const ENCODINGS = ['identity', 'br', 'gzip', 'zstd', 'other'] as const

/**
 * Refusal reasons: the bounded codes the core and the shipped plugins write on `ctx.res.reason` for an
 * answer with status ≥ 400 (see `ResponseReasonKinds` in tinyhttp-core). `none` is a refusal that
 * gave no reason (the core's own 404 when nothing answered); any reason not listed is `other`.
 *
 * @example
 * ```ts
 * REFUSAL_REASONS.includes('deny:not-allowlisted') // true
 * ```
 */
export const REFUSAL_REASONS = [
  'deny:not-allowlisted',
  'deny:host',
  'deny:method',
  'deny:method-not-implemented',
  'deny:unhandled',
  'deny:shutting-down',
  'reject:not-absolute',
  'reject:malformed-escape',
  'reject:invalid-utf8',
  'reject:encoded-separator',
  'reject:backslash',
  'reject:control-character',
  'reject:dot-segment',
  'reject:empty-segment',
  'reject:non-ascii',
  'reject:reserved-name',
  'reject:trailing-dot-or-space',
  'reject:forbidden-character',
  'reject:upgrade-not-offered',
  'reject:upgrade-http-1.0',
  'reject:upgrade-with-body',
  'error:http-error',
  'error:exception',
  'error:body-limit',
  'error:request-timeout',
  'error:incomplete-body',
  'error:allowlist-unavailable',
  'static:not-acceptable',
  'static:precondition-failed',
  'static:range-not-satisfiable',
  'static:not-a-directory',
  'static:method-not-allowed',
  'static:method-not-implemented',
  'static:out-of-descriptors',
  'static:error-page',
  'none',
  'other',
] as const satisfies ReadonlyArray<ResponseReason | 'none' | 'other'>

/**
 * Answers of tinyhttp-static by where the bytes came from: `hit` (its memory cache: `static:hit`,
 * `static:compressed`), `miss` (streamed from disk: `static:disk`), `revalidated` (the client's copy is
 * current: `static:not-modified`, a 304).
 *
 * @example
 * ```ts
 * cacheResult('static:disk') // 'miss'
 * ```
 */
export const CACHE_RESULTS = ['hit', 'miss', 'revalidated'] as const

/**
 * The status class label of a status.
 *
 * @param status - the response status
 * @returns `1xx` … `5xx`, or `other`
 * @example
 * ```ts
 * statusClass(304) // '3xx'
 * ```
 */
export function statusClass(status: number): (typeof STATUS_CLASSES)[number] {
  return status >= 100 && status < 600 ? (STATUS_CLASSES[Math.floor(status / 100) - 1] as (typeof STATUS_CLASSES)[number]) : 'other'
}

/**
 * The cache label of a response reason, or undefined when the answer is not one of static's files.
 *
 * @param reason - `ctx.res.reason`
 * @returns `hit`, `miss`, `revalidated`, or undefined
 * @example
 * ```ts
 * cacheResult('static:hit') // 'hit'
 * cacheResult('deny:host') // undefined
 * ```
 */
export function cacheResult(reason: string | undefined): (typeof CACHE_RESULTS)[number] | undefined {
  switch (reason) {
    case 'static:hit':
    case 'static:compressed':
      return 'hit'
    case 'static:disk':
      return 'miss'
    case 'static:not-modified':
      return 'revalidated'
    default:
      return undefined
  }
}
