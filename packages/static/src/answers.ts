/**
 * Small answers and header edits of `serveStatic` that depend on nothing but the response: 304, 406,
 * 503, stripping fields from a failure, putting headers back.
 *
 * @module
 */
import type { PreparedHeaders, Response } from 'tinyhttp-core'
import type { Validators } from './conditional.js'
import { parseHttpDate } from './http-date.js'
import type { Representation } from './representation.js'

/**
 * Fields that describe the representation itself; a 304 should not carry them (RFC 9110 §15.4.5).
 *
 * @example
 * ```ts
 * strip(res, NOT_FOR_304)
 * ```
 */
export const NOT_FOR_304: readonly string[] = ['content-type', 'content-encoding', 'content-language', 'content-range', 'accept-ranges', 'x-content-type-options']

/**
 * …and a 412/416 carries no validators or freshness either (an error must not become cacheable).
 *
 * @example
 * ```ts
 * strip(res, NOT_FOR_FAILURE)
 * ```
 */
export const NOT_FOR_FAILURE: readonly string[] = [...NOT_FOR_304, 'etag', 'last-modified', 'cache-control', 'expires']

/**
 * Validators as the response carries them after the `setHeaders` hook (which may have changed them).
 *
 * @param res - the response
 * @returns its ETag and Last-Modified
 * @example
 * ```ts
 * const validators = validatorsAfterHook(ctx.res)
 * ```
 */
export function validatorsAfterHook(res: Response): Validators {
  const lastModified = res.headers.get('last-modified')
  return { etag: res.headers.get('etag'), lastModified, lastModifiedSeconds: parseHttpDate(lastModified) }
}

/**
 * Deletes header fields by name.
 *
 * @param res - the response
 * @param names - lower-case names
 * @example
 * ```ts
 * strip(res, ['etag'])
 * ```
 */
export function strip(res: Response, names: readonly string[]): void {
  for (const name of names) res.headers.delete(name)
}

/**
 * 304 with the representation's prepared block (RFC 9110 §15.4.5 field set, `Vary` when negotiated).
 *
 * @param res - the response
 * @param block - the 304 block of the selected representation (`rep.headers304`, or its baked one)
 * @example
 * ```ts
 * if (inm === rep.validators.etag) return notModified(ctx.res, rep.headers304)
 * ```
 */
export function notModified(res: Response, block: PreparedHeaders): void {
  res.status = 304
  res.headers.usePrepared(block)
  res.reason = 'static:not-modified'
}

/**
 * 406 (RFC 9110 §15.5.7): the client refused identity and every coding we have, with `Vary` and no body
 * of ours (the core's default short text, never compressed, never echoing the request).
 *
 * @param res - the response
 * @param identity - the original (its failure block carries `Vary: Accept-Encoding`)
 * @example
 * ```ts
 * if (negotiateEncoding(header, offered) === null) return notAcceptable(ctx.res, entry.identity)
 * ```
 */
export function notAcceptable(res: Response, identity: Representation): void {
  res.status = 406
  res.headers.usePrepared(identity.headersFail)
  res.reason = 'static:not-acceptable'
}

/**
 * 503 with `Retry-After: 1`: no file descriptor left.
 *
 * @param res - the response
 * @example
 * ```ts
 * if (isOutOfDescriptors(err)) outOfDescriptors(ctx.res)
 * ```
 */
export function outOfDescriptors(res: Response): void {
  res.status = 503
  res.headers.set('Retry-After', '1')
  res.reason = 'static:out-of-descriptors'
}

/**
 * Puts back the header fields that were there before `serveStatic` touched the response.
 *
 * @param res - the response
 * @param snapshot - `[...res.headers.entries()]` taken before
 * @example
 * ```ts
 * const snapshot = [...res.headers.entries()]
 * // …
 * restore(res, snapshot)
 * ```
 */
export function restore(res: Response, snapshot: ReadonlyArray<readonly [string, string]>): void {
  res.headers.clear()
  for (const [name, value] of snapshot) res.headers.append(name, value)
}
