import { createRequire } from 'node:module'
import { isCompressibleType, type Context } from 'tinyhttp-core'

/** mime-db's entries, as far as they matter here. */
type MimeDb = Record<string, { compressible?: boolean } | undefined>

const load = createRequire(import.meta.url)
let db: MimeDb | undefined

/**
 * mime-db's `compressible` flag. The database (some 200 KB of JSON) is loaded at the first type the
 * core's own rules do not settle (`text/*`, `+json`, images… never get here).
 */
function mimeDbCompressible(mediaType: string): boolean | undefined {
  db ??= load('mime-db') as MimeDb
  return db[mediaType]?.compressible
}

/** Decisions by `Content-Type` value: a server sends few distinct types. Bounded so odd values cannot grow it. */
const decided = new Map<string, boolean>()
const DECIDED_MAX = 256

/**
 * Whether content of this `Content-Type` is worth compressing: the core's
 * {@link isCompressibleType} rules with mime-db's `compressible` flag.
 *
 * @param contentType - a `Content-Type` value, parameters allowed
 * @returns true for text, JSON, JavaScript, SVG, WebAssembly…; false for images, fonts, archives, unknown types
 * @example
 * ```ts
 * compressibleType('application/javascript; charset=utf-8') // true
 * compressibleType('image/png')                             // false
 * ```
 */
export function compressibleType(contentType: string): boolean {
  const known = decided.get(contentType)
  if (known !== undefined) return known
  const verdict = isCompressibleType(contentType, mimeDbCompressible)
  if (decided.size < DECIDED_MAX) decided.set(contentType, verdict)
  return verdict
}

/**
 * The default `filter` of `compress()`: whether the response's `Content-Type` is worth compressing
 * ({@link compressibleType}). A response without a `Content-Type` is not (`compress()` gives text and
 * JSON bodies the core's default type before asking, so only bytes and streams can lack one).
 *
 * @param ctx - the request's context, after the rest of the chain
 * @returns whether to compress, as far as the content is concerned
 * @example
 * ```ts
 * // Never compress what answers /api/token (a secret next to reflected input: BREACH).
 * app.use(compress({ filter: ctx => ctx.req.path !== '/api/token' && compressibleResponse(ctx) }))
 * ```
 */
export function compressibleResponse(ctx: Context): boolean {
  const type = ctx.res.headers.get('content-type')
  return type !== undefined && compressibleType(type)
}
