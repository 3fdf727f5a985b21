/**
 * tinyhttp-cors: CORS with safe defaults. Exact origin matching, strict preflight detection,
 * `Vary: Origin` on every origin-dependent response (denials included), headers on every outcome, and
 * configurations browsers reject (`'*'` with credentials) refused at start-up.
 *
 * @example
 * ```ts
 * import { createApp } from 'tinyhttp-core'
 * import { cors } from 'tinyhttp-cors'
 *
 * const app = createApp()
 * app.use(cors({ origin: ['https://app.example'], credentials: true, maxAge: 3600 }))
 * ```
 *
 * @packageDocumentation
 */
export { cors } from './cors.js'
export type { CorsOptions } from './options.js'
