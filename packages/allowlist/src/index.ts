/**
 * tinyhttp-allowlist: default-deny allowlist middleware for tinyhttp. Only listed files are served;
 * the decision is one exact `Map` lookup of the request's canonical path.
 *
 * @example
 * ```ts
 * import { createApp } from 'tinyhttp-core'
 * import { allowlist } from 'tinyhttp-allowlist'
 *
 * const app = createApp()
 * app.use(allowlist(['index.html', 'style.css'], { root: './public' }))
 * ```
 *
 * @packageDocumentation
 */
export { allowlist } from './allowlist.js'
export type {
  AllowedFile,
  AllowlistHit,
  AllowlistMiddleware,
  AllowlistOptions,
  AllowlistReport,
  RejectedEntry,
} from './types.js'
