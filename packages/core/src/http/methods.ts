/**
 * The request methods this framework knows by name, so that a plugin can tell "known but not allowed
 * here" (405 + `Allow`) from "not implemented by this server at all" (501).
 *
 * @module
 */

/**
 * The methods of RFC 9110 §9 (`GET`, `HEAD`, `POST`, `PUT`, `DELETE`, `CONNECT`, `OPTIONS`, `TRACE`) and
 * `PATCH` (RFC 5789). Method names are case-sensitive (RFC 9110 §9.1): `get` is not `GET`.
 *
 * @remarks
 * WebDAV's methods (`PROPFIND`, `MKCOL`, `LOCK`, …) are deliberately not in the list: no tinyhttp plugin
 * implements any of them, so a DAV client is told 501 (this is not a DAV server) rather than 405 (this
 * resource is not a collection). An application that handles a method itself answers it before any
 * plugin looks at this list.
 *
 * @example
 * ```ts
 * KNOWN_METHODS.includes('PATCH') // true
 * ```
 */
export const KNOWN_METHODS: readonly string[] = Object.freeze([
  'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH',
])

const KNOWN = new Set(KNOWN_METHODS)

/**
 * Whether `method` is one of {@link KNOWN_METHODS}: a method the server recognises, to be answered
 * 405 + `Allow` where a resource does not support it. Any other method (`get`, `FOO`, `PROPFIND`) is one
 * the server does not implement: RFC 9110 §9.1 and §15.6.2 call for 501 Not Implemented.
 *
 * @param method - the request method as sent (case-sensitive)
 * @returns true for the standard methods and PATCH
 * @example
 * ```ts
 * const status = isKnownMethod(ctx.req.method) ? 405 : 501 // 'FOO' → 501, 'POST' → 405
 * ```
 */
export function isKnownMethod(method: string): boolean {
  return KNOWN.has(method)
}
