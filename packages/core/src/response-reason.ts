/**
 * The vocabulary of {@link Response.reason}: why a response is what it is, written by the middleware
 * that decided it and read by the others (and by logs).
 *
 * @module
 */
import { isHttpError } from './errors.js'

/**
 * The kinds of {@link ResponseReason}, the part before the `:`. Each key is one kind; the shipped
 * plugins write these codes:
 *
 * | reason | written by | status | meaning |
 * | --- | --- | --- | --- |
 * | `deny:not-allowlisted` | allowlist | 403 | the canonical path is not in the table |
 * | `deny:host` | CLI (`--host`) | 421 | the `Host` is not one this server answers for |
 * | `deny:method` | fallback | 405 | a known method nobody serves (`Allow` set) |
 * | `deny:method-not-implemented` | fallback | 501 | a method the server does not know (`FOO`, `get`) |
 * | `deny:unhandled` | fallback | 403/404 | nothing in the chain answered |
 * | `reject:<PathRejection>` | allowlist, static, fallback | 400 | {@link canonicalizePath} refused the path, e.g. `reject:dot-segment` |
 * | `reject:upgrade-not-offered` / `reject:upgrade-http-1.0` / `reject:upgrade-with-body` | the core | 400 | {@link Response.upgrade} on a request that cannot switch protocols |
 * | `deny:shutting-down` | the core | 503 | {@link Response.upgrade} while the App is closing |
 * | `error:<reason>` | {@link renderError} | the error's | a thrown {@link HttpError} with that `reason`, e.g. `error:body-limit` |
 * | `error:http-error` | {@link renderError} | the error's | a thrown {@link HttpError} without a `reason` |
 * | `error:exception` | {@link renderError} | 500 | anything else that was thrown |
 * | `error:allowlist-unavailable` | allowlist | 500 | the first table could not be built |
 * | `static:hit` / `static:head` | static | 200 | a file (or its head) |
 * | `static:compressed` | static | 200 | a variant static made at run time (its `compress` option), from memory |
 * | `static:not-acceptable` | static | 406 | `Accept-Encoding` refused identity and every coding the file has |
 * | `static:partial` / `static:multipart` | static | 206 | one range / several ranges |
 * | `static:not-modified` | static | 304 | a validator matched |
 * | `static:precondition-failed` | static | 412 | `If-Match` / `If-Unmodified-Since` failed |
 * | `static:range-not-satisfiable` | static | 416 | no range overlaps the file |
 * | `static:disk` | static | 200 | a file too large for the memory cache, streamed from disk |
 * | `static:redirect` | static | 301/308 | a folder without its trailing slash |
 * | `static:not-a-directory` | static | 404 | a trailing slash after a file name |
 * | `static:method-not-allowed` | static | 405 | not `GET`/`HEAD` on a served path |
 * | `static:method-not-implemented` | static | 501 | an unknown method on a served path |
 * | `static:out-of-descriptors` | static | 503 | no file descriptor left to open the file |
 * | `static:error-page` | static (`servePage`, asked by fallback) | 403/404/5xx | a custom error page: a file of the root as the body of a refusal or error |
 * | `cors:preflight` / `cors:preflight-denied` | cors | 204 | a preflight answered (origin allowed or not) |
 * | `fallback:spa` | fallback | 200/304 | the SPA shell |
 * | `fallback:options` | fallback | 204 | `OPTIONS *`, answered with `Allow` |
 * | `rules:redirect` | rules | 301/302/303/307/308 | a redirect rule matched |
 *
 * The contract between plugins is in the kind: a `deny:` reason is a refusal by policy with no body, which
 * an outer layer may present differently (the CLI's `--not-found 404` turns a `deny:` 403 into 404,
 * `fallback` fills in its page); `reject:` is a malformed request (400); `error:` is a rendered error.
 * The other kinds name the plugin that answered.
 *
 * @remarks
 * A plugin of your own adds its kind by augmenting this interface; then `ctx.res.reason = 'auth:expired'`
 * type-checks:
 * ```ts
 * declare module 'tinyhttp-core' {
 *   interface ResponseReasonKinds {
 *     // A request refused for its credentials.
 *     auth: true
 *   }
 * }
 * ```
 *
 * @example
 * ```ts
 * type Kind = keyof ResponseReasonKinds // 'deny' | 'reject' | 'error' | 'static' | 'cors' | 'fallback' | …
 * const kind: Kind = 'deny'
 * ```
 */
export interface ResponseReasonKinds {
  /** A refusal by policy: status ≥ 400, no body. */
  deny: true
  /** A malformed request, e.g. a path {@link canonicalizePath} refused: 400. */
  reject: true
  /** A thrown error rendered by {@link renderError}, or a plugin that could not do its work. */
  error: true
  /** Answered by tinyhttp-static. */
  static: true
  /** Answered by tinyhttp-cors (a preflight). */
  cors: true
  /** Answered by tinyhttp-fallback (the SPA shell, `OPTIONS *`). */
  fallback: true
  /** Answered by tinyhttp-rules (a redirect). */
  rules: true
}

/**
 * Why a response is what it is: `<kind>:<code>`, e.g. `'deny:not-allowlisted'`, `'static:hit'`. The
 * kinds and the codes the shipped plugins write are listed on {@link ResponseReasonKinds}. Never sent to
 * the client (it is not the status line's reason phrase); the CLI's access log prints it.
 *
 * @example
 * ```ts
 * const reason: ResponseReason = 'deny:not-allowlisted'
 * app.use(async (ctx, next) => {
 *   await next()
 *   if (ctx.res.reason?.startsWith('deny:') === true) console.warn('refused', ctx.req.rawPath, ctx.res.reason)
 * })
 * ```
 */
export type ResponseReason = `${Extract<keyof ResponseReasonKinds, string>}:${string}`

/**
 * The reason of a response that renders a thrown value: `error:<reason>` for an {@link HttpError} with a
 * `reason`, `error:http-error` for one without, `error:exception` for anything else.
 *
 * @param err - what was thrown
 * @returns the {@link ResponseReason} {@link renderError} records
 * @example
 * ```ts
 * errorReason(new HttpError(413, undefined, { reason: 'body-limit' })) // 'error:body-limit'
 * errorReason(new Error('boom'))                                      // 'error:exception'
 * ```
 */
export function errorReason(err: unknown): ResponseReason {
  if (!isHttpError(err)) return 'error:exception'
  return err.reason === undefined ? 'error:http-error' : `error:${err.reason}`
}
