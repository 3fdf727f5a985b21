/**
 * tinyhttp-fallback: the answers given when nothing else answered or something refused. 403/404 for
 * unhandled requests, 405 + `Allow`, 400 for rejected paths, error rendering, custom error pages and
 * the single-page-app shell. It never echoes request data.
 *
 * @example
 * ```ts
 * import { createApp } from 'tinyhttp-core'
 * import { fallback } from 'tinyhttp-fallback'
 *
 * const app = createApp()
 * app.use(fallback({ status: 404, body: 'text' }))
 * // …the rest of the chain
 * ```
 *
 * @packageDocumentation
 */
export { fallback } from './fallback.js'
export type { ErrorPages, FallbackOptions, PageServer } from './options.js'
