/**
 * tinyhttp-static: static files for tinyhttp — MIME types, strong ETags, RFC 9110 conditional requests
 * and byte ranges (multipart included), precompressed variants, and an in-memory cache for small files
 * with their headers prepared once.
 *
 * @example
 * ```ts
 * import { createApp } from 'tinyhttp-core'
 * import { serveStatic } from 'tinyhttp-static'
 *
 * const app = createApp()
 * app.use(serveStatic('./public'))
 * await app.listen(8080, '127.0.0.1')
 * ```
 *
 * @packageDocumentation
 */
export { serveStatic, type ServeStaticMiddleware } from './serve-static.js'
export { type ServePage } from './serve-page.js'
export { type ServeStaticOptions } from './options.js'
export { type FileHeaders } from './file-headers.js'
export { type AllowlistDecision, type AllowlistHitShape } from './allowlist-gate.js'
export { parseRange, type ByteRange, type RangeResult } from './range.js'
export {
  evaluatePreconditions,
  etagMatches,
  ifRangeMatches,
  type ConditionalFields,
  type PreconditionResult,
  type Validators,
} from './conditional.js'
export { contentEtag, statEtag } from './etag.js'
export { parseHttpDate, formatHttpDate } from './http-date.js'
