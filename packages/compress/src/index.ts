/**
 * tinyhttp-compress: brotli, gzip (and zstd where Node has it) for response bodies nobody compressed
 * yet — text, bytes, JSON and streams from your own middleware. Negotiated by `Accept-Encoding`, with
 * `Vary`, weak ETags, exact lengths for bodies in memory, back-pressure for streams and a flush per event
 * for `text/event-stream`. Responses of tinyhttp-static are left to static (its `compress` option codes
 * each file once and caches the result).
 *
 * @example
 * ```ts
 * import { createApp } from 'tinyhttp-core'
 * import { compress } from 'tinyhttp-compress'
 *
 * const app = createApp()
 * app.use(compress({ threshold: 1024 }))
 * app.use(ctx => {
 *   ctx.res.headers.set('Content-Type', 'text/html; charset=utf-8')
 *   ctx.res.body = '<!doctype html>' + '<p>hello</p>'.repeat(500)
 * })
 * ```
 *
 * @packageDocumentation
 */
export { compress } from './compress.js'
export { compressibleResponse, compressibleType } from './compressible.js'
export type { CompressOptions, CompressionLevels } from './options.js'
